"""The real LA neighbourhoods and LA 311 sample through the CLI and the whole pipeline (conftest `la_district`):
`gridsight import grids`, then `gridsight import csv --materialize` with a mapping that places cases in the
delivered grids; then a redrawn neighbourhood imported and materialized as a new version, on a copy of the
district, that leaves the cases where they were."""

import json
import shutil

import duckdb
import pytest
import shapely

from tests.conftest import LA_NEIGHBOURHOODS as LA
from tests.conftest import _gridsight
from tests.dashboards.conftest import frame_with, open_app

pytestmark = pytest.mark.slow   # two materializations (Dagster + dbt) of the real sample


@pytest.fixture
def district(la_district):
    """The LA district (conftest `la_district`): the neighbourhoods imported, the sample placed in them."""
    return la_district.data_dir, la_district.grids_output, la_district.import_output


def _query(data_dir, sql):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_case_is_in_a_neighbourhood_or_quarantined_as_outside(district):
    data_dir, grids, cases = district
    assert "114 features read → 115 areas valid from 2020-01-01" in grids
    assert "9,977 placed by their point, 0 by their area name, 12 outside every grid, 11 without a location" in cases
    assert _query(data_dir, "select count(*) from marts.dim_grids where level = 'grid'") == [(114,)]
    assert _query(data_dir, "select rule, column_name, count(*) from quarantine.incident_cases group by all "
                            "order by 3 desc") == [("outside_grids", "grid_id", 12), ("required", "grid_id", 11)]
    rows_in, loaded = _query(data_dir, "select sum(rows_in), sum(rows_loaded) from meta.ingest_log "
                                       "where table_name = 'incident_cases'")[0]
    assert (rows_in, loaded) == (10_000, 9_977)
    # every placed case reaches the marts in a neighbourhood of the city
    assert _query(data_dir, """
        select count(*), count(*) filter (where g.level = 'grid' and g.district_id = 'LA')
        from marts.fct_incidents f left join marts.dim_grids g using (grid_id)""") == [(9_977, 9_977)]


def test_the_data_quality_page_names_the_points_outside_every_grid(district, monkeypatch):
    data_dir, _, _ = district
    app = open_app(monkeypatch, data_dir, user="admin")
    app.switch_page("views/data_quality.py").run()
    app.selectbox(key="quality_period__zh").set_value(0).run()
    assert not app.exception, app.exception
    shown = set(frame_with(app, "规则").itertuples(index=False, name=None))
    assert {("incident_cases", "坐标不在任何网格内", "grid_id", 12),
            ("incident_cases", "必填项缺失", "grid_id", 11)} <= shown


def test_a_redrawn_neighbourhood_is_a_new_version_and_cases_stay_where_they_were(district, tmp_path):
    data_dir = tmp_path / "district"   # a copy: the session's district stays as imported for the other tests
    shutil.copytree(district[0], data_dir, symlinks=True)
    collection = json.loads(LA.read_text())
    feature = next(f for f in collection["features"] if f["properties"]["name"] == "Lake Balboa")
    shrunk = shapely.geometry.shape(feature["geometry"]).buffer(-0.002)
    feature["geometry"] = shapely.geometry.mapping(shrunk)
    redrawn = tmp_path / "la_2020-06.geojson"
    redrawn.write_text(json.dumps(collection))
    before = _query(data_dir, "select grid_id, count(*) from marts.fct_incidents group by all order by 1")
    output = _gridsight(data_dir, "import", "grids", str(redrawn), "--mapping", "la_neighbourhoods",
                        "--valid-from", "2020-06-01", "--materialize")
    assert "1 redrawn: old version closed, 114 unchanged" in output
    assert _query(data_dir, "select valid_from::varchar, valid_to::varchar, is_current from "
                            "staging.stg_grids__grids where grid_id = 'LA-N-LAKE_BALBOA' order by 1") == [
        ("2020-01-01", "2020-06-01", False), ("2020-06-01", None, True)]
    (geometry,) = _query(data_dir, "select geometry_geojson from marts.dim_grids where grid_id = 'LA-N-LAKE_BALBOA'")[0]
    assert shapely.from_geojson(geometry).area == pytest.approx(shrunk.area, rel=1e-3)
    assert _query(data_dir, "select count(*) from marts.dim_grids") == [(115,)]
    # January's cases were placed by January's boundaries: the redraw does not rewrite them
    assert _query(data_dir, "select grid_id, count(*) from marts.fct_incidents group by all order by 1") == before

"""Every published table is scoped as its dbt yml declares (`config: meta: access`), in the data layer
before caching: area marts by their (area_level, area_id), zone marts through the zone's grid, household
tables by grid and role; a table the snapshot does not declare is not there at all."""

import json
import shutil

import duckdb
import pandas as pd
import pytest

from dashboards.access import User
from dashboards.data import FULL_ACCESS, access_of, current_snapshot, query

pytestmark = pytest.mark.slow

ZONE_GRID = "D01-S01-C01-G01"      # worker_c01_g01's grid holds a commercial zone
NO_ZONE_GRID = "D01-S01-C02-G02"   # worker_c02_g02's grid holds none
AREA_MARTS = ("mart_kpi_values", "mart_scorecard", "mart_area_daily")
ZONE_MARTS = ("dim_zones", "fct_foot_traffic_hourly", "mart_foot_traffic_daily", "mart_flow_forecast",
              "mart_flow_crowding_alerts", "mart_flow_zone_outlook")


def _worker(grid: str):
    return access_of(User("w", "W", "grid_worker", (grid,)))


@pytest.fixture
def snapshot(world, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(world.data_dir))
    return current_snapshot()


@pytest.mark.parametrize("table", AREA_MARTS)
def test_a_grid_worker_sees_only_their_grid_in_the_area_marts(snapshot, table):
    seen = query(snapshot, f"select distinct area_level, area_id from {table}", access=_worker(NO_ZONE_GRID))
    assert set(zip(seen["area_level"], seen["area_id"], strict=True)) == {("grid", NO_ZONE_GRID)}


def test_a_community_scope_sees_the_community_and_its_grids_not_the_street(snapshot):
    analyst = access_of(User("a", "A", "analyst", ("D01-S01-C02",)))
    seen = query(snapshot, "select distinct area_level, area_id from mart_kpi_values", access=analyst)
    assert set(seen["area_level"]) == {"community", "grid"}
    assert set(seen["area_id"]) - {"D01-S01-C02"} and all(
        a == "D01-S01-C02" or a.startswith("D01-S01-C02-") for a in seen["area_id"])


@pytest.mark.parametrize("table", ZONE_MARTS)
def test_zone_marts_show_only_the_zones_in_the_workers_grids(snapshot, table):
    zones = query(snapshot, "select zone_id, grid_id from dim_zones", access=FULL_ACCESS)
    assert ZONE_GRID in set(zones["grid_id"]) and NO_ZONE_GRID not in set(zones["grid_id"])
    own = set(zones.loc[zones["grid_id"] == ZONE_GRID, "zone_id"])
    everything = set(query(snapshot, f"select distinct zone_id from {table}", access=FULL_ACCESS)["zone_id"])
    seen = set(query(snapshot, f"select distinct zone_id from {table}", access=_worker(ZONE_GRID))["zone_id"])
    assert seen == own & everything
    assert query(snapshot, f"select count(*) as n from {table}", access=_worker(NO_ZONE_GRID))["n"][0] == 0


def test_zone_marts_with_rows_in_the_workers_zone(snapshot):
    for table in ("fct_foot_traffic_hourly", "mart_flow_forecast"):
        seen = query(snapshot, f"select distinct zone_id from {table}", access=_worker(ZONE_GRID))
        assert len(seen) == 1, table


def test_district_tables_are_for_everyone(snapshot):
    assert len(query(snapshot, "select * from dim_kpis", access=_worker(NO_ZONE_GRID))) == len(
        query(snapshot, "select * from dim_kpis", access=FULL_ACCESS)) > 0


def test_the_manifest_carries_each_tables_declared_access(snapshot):
    from orchestration.dbt_catalog import published_marts

    manifest = json.loads((snapshot.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["access"] == {name.replace(".", "__"): scope for name, scope in published_marts().items()}


def _copy_with(snapshot, tmp_path, monkeypatch, edit) -> object:
    """A copy of the current snapshot whose manifest `edit` changes, as the current snapshot."""
    serving = tmp_path / "serving"
    shutil.copytree(snapshot.folder, serving / snapshot.version)
    (serving / "CURRENT").write_text(snapshot.version, encoding="utf-8")
    path = serving / snapshot.version / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest, serving / snapshot.version)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    return current_snapshot()


def test_an_undeclared_table_is_not_queryable(snapshot, tmp_path, monkeypatch):
    def add_secret(manifest, folder):
        pd.DataFrame({"grid_id": [NO_ZONE_GRID], "secret": ["x"]}).to_parquet(folder / "marts__mart_secret.parquet")
        manifest["tables"]["marts__mart_secret"] = 1
        manifest.setdefault("access", {}).pop("marts__mart_secret", None)
        manifest["access"]["marts__dim_kpis"] = "everyone"   # an unknown scope is no scope either

    copied = _copy_with(snapshot, tmp_path, monkeypatch, add_secret)
    for access in (FULL_ACCESS, _worker(NO_ZONE_GRID)):
        for table in ("mart_secret", "dim_kpis"):
            with pytest.raises(duckdb.CatalogException):
                query(copied, f"select * from {table}", access=access)


def test_a_snapshot_without_declared_access_exposes_nothing(snapshot, tmp_path, monkeypatch):
    copied = _copy_with(snapshot, tmp_path, monkeypatch, lambda manifest, _folder: manifest.pop("access", None))
    with pytest.raises(duckdb.CatalogException):
        query(copied, "select * from fct_incidents", access=FULL_ACCESS)

"""The cockpit shows the snapshot's real KPIs, in Chinese by default and in English on request."""

import datetime as dt
import json

import pytest

from tests.conftest import WORLD_END, day_end
from tests.dashboards.conftest import open_app


@pytest.fixture
def cockpit(world, monkeypatch):
    return open_app(monkeypatch, world.data_dir)


def _metrics(app) -> dict:
    return {m.label: m.value for m in app.metric}


def test_kpis_match_the_warehouse(cockpit, marts, world):
    start = WORLD_END - dt.timedelta(days=29)
    reported, closed, resolved, on_time = marts.execute("""
        select count(*) filter (where reported_on >= ?),
               count(*) filter (where reported_on >= ? and is_closed),
               count(*) filter (where cast(resolved_at as date) >= ? and has_sla),
               count(*) filter (where cast(resolved_at as date) >= ? and is_resolved_on_time)
        from marts.fct_incidents where not is_duplicate""", [start] * 4).fetchone()
    metrics = _metrics(cockpit)
    assert metrics["案件总数"] == f"{reported:,}"
    assert metrics["办结率"] == f"{closed / reported:.1%}"
    assert metrics["按时办结率"] == f"{on_time / resolved:.1%}"
    assert metrics["常住人口"] == f"{world.truth['residents_at_end']:,}"
    online = world.truth["devices_online_at_end"]
    assert metrics["当日客流"] == f"{world.truth['foot_traffic_in_last_day']:,}"
    assert "设备在线率" in metrics and online > 0
    assert WORLD_END.isoformat() in cockpit.caption[0].value


def test_period_and_area_filters_change_the_numbers(cockpit, marts):
    cockpit.selectbox(key="period__zh").set_value(7).run()
    start = WORLD_END - dt.timedelta(days=6)
    reported = marts.execute("select count(*) from marts.fct_incidents where reported_on >= ? and not is_duplicate",
                             [start]).fetchone()[0]
    assert _metrics(cockpit)["案件总数"] == f"{reported:,}"
    street_id = marts.execute("select grid_id from marts.dim_grids where level = 'street'").fetchone()[0]
    cockpit.selectbox(key="area__zh").set_value(street_id).run()
    in_street = marts.execute("""
        select count(*) from marts.fct_incidents join marts.dim_grids using (grid_id)
        where reported_on >= ? and street_id = ? and not is_duplicate""", [start, street_id]).fetchone()[0]
    assert _metrics(cockpit)["案件总数"] == f"{in_street:,}"


def test_a_grid_worker_sees_the_numbers_of_their_own_grid(world, monkeypatch, marts):
    grid = "D01-S01-C02-G02"
    cockpit = open_app(monkeypatch, world.data_dir, user="worker_c02_g02")
    assert cockpit.session_state["area"] == grid
    start = WORLD_END - dt.timedelta(days=29)
    (reported,) = marts.execute("""
        select count(*) filter (where reported_on >= ? and not is_duplicate)
        from marts.fct_incidents where grid_id = ?""", [start, grid]).fetchone()
    (backlog,) = day_end(marts, WORLD_END, "backlog_end", where="g.grid_id = ?", params=(grid,))
    metrics = _metrics(cockpit)
    assert metrics["案件总数"] == f"{reported:,}"
    assert metrics["积压案件"] == f"{backlog:,}"
    charts = [json.loads(c.proto.spec) for c in cockpit.get("plotly_chart")]
    choropleth = next(c for c in charts if c["data"][0]["type"] == "choropleth")
    assert choropleth["data"][0]["locations"] == [grid]


def test_english_toggle(cockpit):
    chinese = list(_metrics(cockpit).values())
    cockpit.sidebar.radio[0].set_value("en").run()
    assert cockpit.title[0].value == "Grid governance decision platform"
    assert "Closure rate" in _metrics(cockpit)
    period = cockpit.selectbox(key="period__en")
    assert period.label == "Period" and period.value == 30
    assert "Last 30 days" in period.options
    assert list(_metrics(cockpit).values()) == chinese   # same numbers, other language


def test_map_draws_every_l3_grid_with_clockwise_rings(cockpit, marts):
    charts = [json.loads(c.proto.spec) for c in cockpit.get("plotly_chart")]
    choropleth = next(c for c in charts if c["data"][0]["type"] == "choropleth")
    features = choropleth["data"][0]["geojson"]["features"]
    expected = marts.execute("select count(*) from marts.dim_grids where level = 'grid' "
                             "and geometry_geojson is not null").fetchone()[0]
    assert len(features) == expected
    for feature in features:
        ring = feature["geometry"]["coordinates"][0]
        area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
        assert area < 0, "exterior rings must be clockwise for plotly"


def test_without_a_snapshot_the_page_says_what_to_do(tmp_path, monkeypatch):
    app = open_app(monkeypatch, tmp_path)
    assert "gridsight demo" in app.info[0].value


def _subheaders(app) -> list[str]:
    return [h.value for h in app.subheader]


def test_a_grid_workers_tiles_and_scorecard_name_their_grid(world, monkeypatch, marts):
    grid = "D01-S01-C01-G01"
    cockpit = open_app(monkeypatch, world.data_dir, user="worker_c01_g01")
    grid_name, district_name = marts.execute("""
        select g.name_zh, d.name_zh from marts.dim_grids as g join marts.dim_grids as d on d.grid_id = g.district_id
        where g.grid_id = ?""", [grid]).fetchone()
    area = cockpit.selectbox(key="area__zh")
    assert area.options == [grid_name]   # never "whole district"
    headers = _subheaders(cockpit)
    tiles, scorecard = headers[0], next(h for h in headers if "计分卡" in h)
    assert grid_name in tiles and grid_name in scorecard
    everything = " ".join([*headers, *(m.value for m in cockpit.markdown), *(c.value for c in cockpit.caption)])
    assert "全区" not in everything and district_name not in everything
    overall = marts.execute("""select score from marts.mart_scorecard
        where kpi = 'overall' and area_level = 'grid' and area_id = ? and period_days = 30""", [grid]).fetchone()[0]
    assert _metrics(cockpit)["综合得分"] == f"{overall:.2f}"


def test_a_leaders_tiles_and_scorecard_name_the_district_or_the_street(cockpit, marts):
    district = marts.execute("select name_zh from marts.dim_grids where level = 'district'").fetchone()[0]
    headers = _subheaders(cockpit)
    assert district in headers[0] and district in next(h for h in headers if "计分卡" in h)
    street_id, street = marts.execute("select grid_id, name_zh from marts.dim_grids where level = 'street'").fetchone()
    cockpit.selectbox(key="area__zh").set_value(street_id).run()
    headers = _subheaders(cockpit)
    assert street in headers[0] and street in next(h for h in headers if "计分卡" in h)

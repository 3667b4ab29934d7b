"""The ratings page (星级评定) on the session world: a leader sees every grid's stars and the street
ranking, in zh and en; a grid worker sees their own grid only, however they ask (the scope is data.py's)."""

import pytest

from dashboards.data import FULL_ACCESS, Access, current_snapshot, query
from tests.dashboards.conftest import frame_with, open_app, switch_page

pytestmark = pytest.mark.slow   # the session world's snapshot

WORKER, WORKER_GRID, OTHER_GRID = "worker_c01_g01", "D01-S01-C01-G01", "D01-S01-C02-G02"


def test_leader_sees_every_grid_and_the_street_ranking(world, marts, monkeypatch):
    app = switch_page(open_app(monkeypatch, world.data_dir, user="leader"), "ratings")
    # the month shown first is the latest one the data covers to its end (the latest may have just begun)
    as_of = current_snapshot().as_of
    latest, shown = marts.execute("select max(month), max(month) filter (where last_day(month) <= ?::date) "
                                  "from marts.mart_grid_ratings", [as_of]).fetchone()
    grids = marts.execute("select count(*) from marts.mart_grid_ratings where month = ?", [shown]).fetchone()[0]
    table = frame_with(app, "失分指标")
    assert len(table) == grids > 1
    rated = marts.execute("select count(*) from marts.mart_grid_ratings where month = ? and stars is not null",
                          [shown]).fetchone()[0]
    assert table["星级"].str.count("★").gt(0).sum() == rated
    ranking = frame_with(app, "名次")
    assert len(ranking) == marts.execute("select count(*) from marts.mart_street_rankings where month = ?",
                                         [shown]).fetchone()[0] > 0
    assert app.selectbox[0].options[0].startswith(latest.strftime("%Y-%m"))
    assert latest > shown and app.selectbox[0].options[0].endswith("(本月未完)")   # the world ends on a 1st
    assert app.selectbox[0].value.date() == shown


def test_page_in_english(world, monkeypatch):
    app = switch_page(open_app(monkeypatch, world.data_dir, user="leader", lang="en"), "ratings")
    assert "Pulled down by" in frame_with(app, "Pulled down by").columns
    assert not app.exception


def test_grid_worker_sees_only_their_own_grid(world, monkeypatch):
    app = switch_page(open_app(monkeypatch, world.data_dir, user=WORKER), "ratings")
    table = frame_with(app, "失分指标")
    assert len(table) == 1
    snapshot = current_snapshot()
    names = query(snapshot, "select name_zh from dim_grids where grid_id = ?", (WORKER_GRID,),
                  access=FULL_ACCESS)["name_zh"]
    assert list(table["网格"]) == list(names)


def test_grid_worker_cannot_read_another_grid(world, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(world.data_dir))
    snapshot = current_snapshot()
    worker = Access((WORKER_GRID,), True)
    asked = query(snapshot, "select * from mart_grid_ratings where grid_id = ?", (OTHER_GRID,), access=worker)
    assert asked.empty
    everything = query(snapshot, "select distinct grid_id from mart_grid_rating_kpis", access=worker)
    assert list(everything["grid_id"]) == [WORKER_GRID]
    leader = query(snapshot, "select * from mart_grid_ratings where grid_id = ?", (OTHER_GRID,), access=FULL_ACCESS)
    assert not leader.empty

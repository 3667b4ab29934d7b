"""Population page for a leader, the household visit list for a grid worker (own grid only, masked,
audited), access enforced in the data layer, and the admin's audit log page."""

import io
import json

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access
from dashboards.components.text import md
from dashboards.data import Access, current_snapshot, query
from tests.dashboards.conftest import drawn_downloads, open_app, switch_page
from tests.dashboards.conftest import plotted as _values

pytestmark = pytest.mark.slow   # the session world's snapshot

WORKER, WORKER_GRID = "worker_c01_g01", "D01-S01-C01-G01"


@pytest.fixture
def as_user(world, monkeypatch):
    def open_page(user_id: str, page: str) -> AppTest:
        return switch_page(open_app(monkeypatch, world.data_dir, user=user_id), page)

    return open_page


def _audit(world) -> list[dict]:
    path = world.data_dir / "audit" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_leader_sees_the_whole_district(as_user, world, marts):
    app = as_user("leader", "population")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["实有人口"] == f"{world.truth['residents_at_end']:,}"
    assert metrics["户数"] == f"{world.truth['population']['households_at_end']:,}"
    floating = marts.execute("select sum(floating) from marts.mart_population_by_grid").fetchone()[0]
    assert metrics["流动人口占比"] == f"{floating / world.truth['residents_at_end']:.1%}"
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    pie = next(c for c in charts if c["data"][0]["type"] == "pie")
    assert sum(_values(pie["data"][0]["values"])) == world.truth["residents_at_end"]
    choropleth = next(c for c in charts if c["data"][0]["type"] == "choropleth")
    grids = marts.execute("select count(*) from marts.mart_population_by_grid").fetchone()[0]
    assert len(_values(choropleth["data"][0]["locations"])) == grids > 5
    trend = next(c for c in charts if any(t.get("name") == "租住人口" for t in c["data"]))
    renters = next(t for t in trend["data"] if t.get("name") == "租住人口")
    assert len(_values(renters["y"])) == 60 and _values(renters["y"])[-1] == marts.execute(
        "select sum(renters) from marts.mart_population_by_grid").fetchone()[0]
    # leaders see aggregates, not household lists: the visit list is not in their menu, nor opens by URL
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/household_visits.py")


def test_grid_worker_sees_only_their_own_grid(as_user, world, marts):
    app = as_user(WORKER, "household_visits")
    table = app.dataframe[0].value
    expected = marts.execute("select count(*) from marts.mart_household_visits where grid_id = ?",
                             [WORKER_GRID]).fetchone()[0]
    grid_name = marts.execute("select name_zh from marts.dim_grids where grid_id = ?", [WORKER_GRID]).fetchone()[0]
    assert len(table) == expected > 50
    assert set(table["网格"]) == {grid_name}
    total_households = world.truth["population"]["households_at_end"]
    assert total_households > 10 * expected   # other grids exist and hold most households
    # names and phones are masked
    assert table["户主(脱敏)"].str.fullmatch(r".\*{1,2}").all()
    assert table["电话(脱敏)"].dropna().str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    # the population page is scoped too
    population = as_user(WORKER, "population")
    metrics = {m.label: m.value for m in population.metric}
    residents = marts.execute("select residents from marts.mart_population_by_grid where grid_id = ?",
                              [WORKER_GRID]).fetchone()[0]
    assert metrics["实有人口"] == f"{residents:,}"
    charts = [json.loads(c.proto.spec) for c in population.get("plotly_chart")]
    choropleth = next(c for c in charts if c["data"][0]["type"] == "choropleth")
    assert _values(choropleth["data"][0]["locations"]) == [WORKER_GRID]


def test_viewing_and_exporting_the_visit_list_is_audited(as_user, world, monkeypatch):
    log = world.data_dir / "audit" / "audit.jsonl"
    earlier = log.read_bytes() if log.exists() else b""
    before = len(_audit(world))
    downloads = drawn_downloads(monkeypatch)
    app = as_user(WORKER, "household_visits")
    rows = len(app.dataframe[0].value)
    downloads["export_visits"]["download"]()   # the download itself is what the audit log records
    assert not app.exception
    entries = _audit(world)[before:]
    actions = [(e["user_id"], e["action"], e.get("table"), e.get("rows"), e.get("grids")) for e in entries]
    assert (WORKER, "household_list", None, rows, [WORKER_GRID]) in actions
    assert (WORKER, "export", "household_visits", rows, [WORKER_GRID]) in actions
    assert app.get("download_button")
    # append-only: the earlier entries are still there, unchanged, and nothing personal is logged
    assert log.read_bytes().startswith(earlier) and len(_audit(world)) >= before + 2
    assert (log.stat().st_mode & 0o777) == 0o600
    assert "*" not in log.read_text(encoding="utf-8")   # not even masked names: who, what, grids, rows
    audit_page = as_user("admin", "audit_log")
    shown = audit_page.dataframe[0].value
    own_view = _audit(world)[-1]   # written once the admin's page was drawn, so not in the table yet
    assert (own_view["user_id"], own_view["action"], own_view["page"]) == ("admin", "page_view", "audit_log")
    assert len(shown) == min(len(_audit(world)) - 1, 5000) and (shown["操作"] == "查看户级清单").any()
    assert ((shown["操作"] == "导出数据") & (shown["导出表"] == "household_visits")).any()
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not a grid worker's page
        as_user(WORKER, "audit_log")


def test_population_export_is_the_grid_table_and_audited(as_user, world, marts, monkeypatch):
    downloads = drawn_downloads(monkeypatch)
    as_user("leader", "population")
    export = downloads["export_population"]
    before = len(_audit(world))
    table = pd.read_csv(io.BytesIO(export["download"]()), encoding="utf-8-sig")
    assert len(table) == marts.execute("select count(*) from marts.mart_population_by_grid").fetchone()[0]
    assert "geometry_geojson" not in table.columns
    entry = _audit(world)[before]
    assert (entry["user_id"], entry["action"], entry["rows"]) == ("leader", "export", len(table))
    assert entry["table"] == "population_by_grid"
    assert entry["grids"] == sorted(table["grid_id"]) and entry["file"] == export["file_name"]
    # a grid worker may export household lists, not aggregates
    downloads.clear()
    as_user(WORKER, "population")
    assert "export_population" not in downloads


def test_scope_and_role_are_enforced_in_the_data_layer(world, monkeypatch):
    """Pages cannot query around access: the views themselves hold only the scope's rows."""
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(world.data_dir))
    snapshot = current_snapshot()
    worker = Access((WORKER_GRID,), True)
    grids = query(snapshot, "select distinct grid_id from fct_incidents", access=worker)
    assert set(grids["grid_id"]) <= {WORKER_GRID}
    everything = query(snapshot, "select count(distinct grid_id) as n from fct_incidents", access=Access(None, False))
    assert everything["n"][0] > 5
    visits = query(snapshot, "select distinct grid_id from mart_household_visits", access=worker)
    assert list(visits["grid_id"]) == [WORKER_GRID]
    ancestors = query(snapshot, "select level from dim_grids", access=worker)
    assert set(ancestors["level"]) == {"district", "street", "community", "grid", "micro_grid"}
    with pytest.raises(duckdb.CatalogException):
        query(snapshot, "select * from mart_household_visits", access=Access(None, False))   # a leader
    # a scope of a higher level holds every grid below it
    by_grid = pd.read_parquet(snapshot.folder / "marts__mart_population_by_grid.parquet")
    community = query(snapshot, "select count(*) as n from mart_population_by_grid",
                      access=Access(("D01-S01-C02",), False))
    assert community["n"][0] == by_grid["grid_id"].str.startswith("D01-S01-C02-").sum() > 3


def test_users_file_and_who_signs_in(world, tmp_path, monkeypatch):
    monkeypatch.delenv(access.USER_ENV, raising=False)
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    (tmp_path / "users.json").write_text(json.dumps({"users": [
        {"user_id": "w9", "display_name": "W9", "role": "grid_worker", "grids": ["D01-S01-C02-G02"]},
        {"user_id": "boss", "display_name": "Boss", "role": "leader", "grids": None}]}), encoding="utf-8")
    users = access.load_users()
    assert users["w9"].scope == ("D01-S01-C02-G02",) and users["boss"].scope is None
    (tmp_path / "users.json").write_text(json.dumps({"users": [
        {"user_id": "x", "role": "mayor"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown role 'mayor'"):
        access.load_users()
    # who signs in changes what the data layer returns
    app = open_app(monkeypatch, world.data_dir, user="leader")
    assert any("街道领导" in m.value for m in app.sidebar.markdown)
    app.switch_page("views/population.py").run()
    district = {m.label: m.value for m in app.metric}["实有人口"]
    app = open_app(monkeypatch, world.data_dir, user="worker_c02_g02")
    assert any("网格员 C02-G02" in m.value and "D01-S01-C02-G02" in m.value for m in app.sidebar.markdown)
    app.switch_page("views/population.py").run()
    assert not app.exception
    scoped = {m.label: m.value for m in app.metric}["实有人口"]
    expected = pd.read_parquet(current_snapshot().folder / "marts__mart_population_by_grid.parquet").set_index(
        "grid_id").loc["D01-S01-C02-G02", "residents"]
    assert scoped == f"{expected:,}" and scoped != district


def test_registrations_are_weekly_bars_with_whole_household_ticks(as_user, marts):
    """Daily bars over a long period merge into a solid block with ticks like 16.85: one bar per week."""
    app = as_user("leader", "population")
    trend = next(json.loads(c.proto.spec) for c in app.get("plotly_chart")
                 if any(t.get("name") == "租住人口" for t in json.loads(c.proto.spec)["data"]))
    bars = {t["name"]: t for t in trend["data"] if t["type"] == "bar"}
    registered, deregistered = bars["登记户"], bars["注销户"]
    weeks = pd.to_datetime(_values(registered["x"]))
    days, total_in, total_out = marts.execute(
        "select count(distinct date_day), sum(households_registered), sum(households_deregistered) "
        "from marts.mart_population_daily").fetchone()
    assert len(weeks) <= days // 7 + 2 and (weeks.dayofweek == 0).all()
    assert sum(_values(registered["y"])) == total_in and -sum(_values(deregistered["y"])) == total_out
    axis = trend["layout"]["yaxis2"]
    assert axis["tickformat"] == ",d" and float(axis["dtick"]).is_integer()
    assert trend["layout"]["yaxis"]["tickformat"] == ",d"


def test_display_names_follow_the_language(world, tmp_path, monkeypatch):
    """The demo users have English names; a users file without `display_name_en` still loads and shows
    its one name in both languages."""
    app = open_app(monkeypatch, world.data_dir, user="leader", lang="en")
    shown = " ".join(m.value for m in app.sidebar.markdown)
    assert md("Street leader (demo)") in shown and "街道领导" not in shown   # the name, as markdown text
    chinese = open_app(monkeypatch, world.data_dir, user="leader")
    assert any(md("街道领导(演示)") in m.value for m in chinese.sidebar.markdown)
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    (tmp_path / "users.json").write_text(json.dumps({"users": [
        {"user_id": "w9", "display_name": "王九", "display_name_en": "Wang Jiu", "role": "grid_worker",
         "grids": ["D01-S01-C02-G02"]},
        {"user_id": "boss", "display_name": "李主任", "role": "leader", "grids": None}]}), encoding="utf-8")
    users = access.load_users()
    assert users["w9"].name("en") == "Wang Jiu" and users["w9"].name("zh") == "王九"
    assert users["boss"].name("en") == users["boss"].name("zh") == "李主任"

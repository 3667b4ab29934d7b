"""The incidents page shows the snapshot's real backlog, at-risk cases, funnel and timelines, drills down
from the district to a grid, exports what it shows, and speaks English on request."""

import datetime as dt
import io
import json

import pandas as pd
import pytest

from tests.conftest import REPO, WORLD_END, day_end
from tests.dashboards.conftest import metrics as _metrics
from tests.dashboards.conftest import open_app, switch_page

pytestmark = pytest.mark.slow   # the session world's snapshot


@pytest.fixture
def page(world, monkeypatch):
    return switch_page(open_app(monkeypatch, world.data_dir), "incidents")


# Each table is told apart by a column only it has (AppTest does not expose dataframe keys)
MARKERS = {"at_risk": ("案件编号", "Case"), "timeline_table": ("环节", "Step")}


def _frame(app, key) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if set(MARKERS[key]) & set(d.value.columns))


def test_backlog_and_at_risk_list_match_the_marts(page, marts, world):
    backlog, overdue = day_end(marts, WORLD_END, "backlog_end", "overdue_end")
    metrics = _metrics(page)
    assert metrics["积压案件"] == f"{backlog:,}" and metrics["超期案件"] == f"{overdue:,}"
    assert backlog == world.truth["incident_kpis"]["backlog_at_end"]
    at_risk = marts.execute("select case_id, current_level from marts.fct_incidents "
                            "where sla_alert_tier is not null and not is_duplicate "
                            "order by sla_used_share desc, case_id").fetchall()
    shown = _frame(page, "at_risk")
    assert list(shown["案件编号"]) == [c for c, _ in at_risk]
    assert len(shown) > 0
    assert shown["预警级别"].isin(["50%", "80%", "100%"]).all()
    assert set(shown["承办层级"]) <= {"微网格", "网格", "社区", "街道", "区职能部门"}


def test_timeline_shows_who_held_the_case(page, marts):
    case_id = page.selectbox(key="timeline_case__zh").value
    steps = marts.execute("select level, actor from marts.fct_incident_events where case_id = ? "
                          "and is_workflow_step order by event_order", [case_id]).fetchall()
    shown = _frame(page, "timeline_table")
    assert list(shown["承办方"]) == [actor for _, actor in steps]
    assert len(shown) == len(steps) > 0


def test_drill_down_narrows_every_view(page, marts):
    street = marts.execute("select grid_id from marts.dim_grids where level = 'street' limit 1").fetchone()[0]
    page.selectbox(key="drill_street__zh").set_value(street).run()
    community = marts.execute("select grid_id from marts.dim_grids where level = 'community' and parent_id = ? "
                              "order by grid_id limit 1", [street]).fetchone()[0]
    page.selectbox(key="drill_community__zh").set_value(community).run()
    assert not page.exception
    (expected,) = day_end(marts, WORLD_END, "backlog_end", where="g.community_id = ?", params=(community,))
    assert _metrics(page)["积压案件"] == f"{expected:,}"
    grids = marts.execute("select grid_id from marts.dim_grids where level = 'grid' and community_id = ?",
                          [community]).fetchall()
    shown = _frame(page, "at_risk")
    in_community = marts.execute("""select count(*) from marts.fct_incidents join marts.dim_grids as g using (grid_id)
        where sla_alert_tier is not null and not is_duplicate and g.community_id = ?""", [community]).fetchone()[0]
    assert len(shown) == in_community
    assert len(page.selectbox(key="drill_grid__zh").options) == len(grids) + 1


def test_funnel_counts_cases_by_highest_level(page, marts):
    start = WORLD_END - dt.timedelta(days=29)
    reached = marts.execute("""select count(*), count(*) filter (where highest_level_rank >= 3)
        from marts.fct_incidents where not is_duplicate and reported_on >= ?""", [start]).fetchone()
    charts = [json.loads(c.proto.spec)["data"][0] for c in page.get("plotly_chart")]
    funnel = next(c for c in charts if c.get("type") == "funnel")
    assert funnel["x"][0] == reached[0] and funnel["x"][2] == reached[1]
    # the ladder and its names are the seed's, published as dim_escalation_levels
    ladder = marts.execute("select name_zh from marts.dim_escalation_levels order by level_rank").fetchall()
    seed = pd.read_csv(REPO / "dbt_project" / "seeds" / "escalation_levels.csv").sort_values("level_rank")
    assert funnel["y"] == [n for (n,) in ladder] == seed["name_zh"].tolist()
    timeline = next(json.loads(c.proto.spec) for c in page.get("plotly_chart")
                    if json.loads(c.proto.spec)["data"][0].get("type") == "bar"
                    and json.loads(c.proto.spec)["data"][0].get("orientation") == "h")
    assert timeline["layout"]["yaxis"]["categoryarray"] == seed["name_zh"].tolist()


def test_exports_are_the_tables_shown(world, monkeypatch):
    import streamlit as st

    exported = {}
    original = st.download_button

    def capture(label, data, file_name=None, **kwargs):
        exported[file_name] = data   # called, it is a click: the bytes, audited
        return original(label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    app = open_app(monkeypatch, world.data_dir)
    app.switch_page("views/incidents.py").run()
    assert not app.exception, app.exception
    assert {"at_risk.csv", "category_by_area.csv"} <= set(exported)
    from dashboards.audit import audit_entries

    before = len(audit_entries(limit=None))
    for name, key in (("at_risk.csv", "at_risk"),):
        csv = pd.read_csv(io.BytesIO(exported[name]()), encoding="utf-8-sig", dtype=str)
        shown = _frame(app, key)
        assert list(csv.columns) == list(shown.columns)
        assert list(csv["案件编号"]) == list(shown["案件编号"])
    timeline = next(name for name in exported if name.startswith("timeline_"))
    rows = len(pd.read_csv(io.BytesIO(exported[timeline]()), encoding="utf-8-sig"))
    assert rows == len(_frame(app, "timeline_table")) > 0

    # Each download is recorded in the audit log with what was exported.
    entries = audit_entries(limit=None)
    assert len(entries) == before + 2
    entries = entries[1:]   # the at-risk list's
    assert (entries[0]["action"], entries[0]["table"]) == ("export", "incidents_at_risk")
    assert entries[0]["rows"] == len(_frame(app, "at_risk")) and entries[0]["file"] == "at_risk.csv"


def test_english(world, monkeypatch):
    # the page on its own (AppTest re-reads the cockpit's widgets in the test thread after a page switch,
    # where their labels come out in the default language)
    page = open_app(monkeypatch, world.data_dir, script=REPO / "dashboards" / "views" / "incidents.py", lang="en")
    assert "Backlog" in _metrics(page)
    assert "Case" in _frame(page, "at_risk").columns
    assert any(s.label == "Street" for s in page.selectbox)
    export = io.StringIO(_frame(page, "at_risk").to_csv(index=False))
    assert pd.read_csv(export).shape[1] == 9

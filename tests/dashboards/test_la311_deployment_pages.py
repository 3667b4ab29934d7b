"""The pages of an LA deployment (conftest `la311_us`, the real LA 311 sample, US-CA, America/Los_Angeles):
they name the configured time zone, the incidents page's date range changes its figures as the marts say,
and the cockpit shows the KPIs the sample cannot give as not available, with the overall score the mean
over the available ones."""

import datetime as dt

import duckdb
import pytest

from tests.conftest import LA_DEPLOYMENT, day_end
from tests.dashboards.conftest import open_app, switch_page

pytestmark = pytest.mark.slow   # the real LA 311 sample through the CLI and dbt


@pytest.fixture
def deployment(la311_us, monkeypatch):
    for name, value in LA_DEPLOYMENT.items():
        monkeypatch.setenv(name, value)
    return la311_us


@pytest.fixture
def warehouse(la311_us):
    con = duckdb.connect(str(la311_us.data_dir / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def metric_values(app) -> dict:
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize(("lang", "named"), [("zh", "America/Los_Angeles 时间"), ("en", "America/Los_Angeles time")])
def test_the_pages_name_the_configured_time_zone(deployment, monkeypatch, lang, named):
    app = switch_page(open_app(monkeypatch, deployment.data_dir, user="admin", lang=lang), "data_quality")
    captions = " ".join(c.value for c in app.caption)
    assert named in captions and "北京" not in captions and "Beijing" not in captions


def backlog_on(warehouse, day: dt.date) -> int:
    """The backlog at the end of `day`: each grid's latest day-end stock (the daily mart is sparse)."""
    return day_end(warehouse, day, "backlog_end")[0]


def test_a_date_range_changes_the_incident_figures(deployment, monkeypatch, warehouse):
    first_day, last_day, as_of = warehouse.execute(
        "select first_day, last_day, as_of_day from marts.mart_data_period").fetchone()
    app = switch_page(open_app(monkeypatch, deployment.data_dir, user="admin", lang="en"), "incidents")
    # the default (30 days) ends on the last report, years before today: never empty
    assert metric_values(app)["Backlog"] == f"{backlog_on(warehouse, as_of):,}" != "0"
    app.selectbox(key="inc_period__en").set_value("custom").run()
    picker = app.date_input(key="inc_period_range__en")
    assert (picker.proto.min, picker.proto.max) == (first_day.isoformat(), last_day.isoformat())
    for start, end in ((first_day, first_day), (first_day, last_day), (as_of, as_of + dt.timedelta(days=60))):
        app.date_input(key="inc_period_range__en").set_value((start, end)).run()
        assert not app.exception, app.exception
        assert metric_values(app)["Backlog"] == f"{backlog_on(warehouse, end):,}", (start, end)
    assert backlog_on(warehouse, first_day) != backlog_on(warehouse, last_day)   # the range did change it


def test_kpis_the_sample_cannot_give_show_as_not_available(deployment, monkeypatch, warehouse):
    app = open_app(monkeypatch, deployment.data_dir, user="admin", lang="zh")   # the cockpit, 30 days
    tiles = metric_values(app)
    unavailable = warehouse.execute("select name_zh, in_scorecard from marts.dim_kpis where not is_available"
                                    ).fetchall()
    assert unavailable and all(tiles[name] == "不适用" for name, _ in unavailable)
    assert tiles["办结率"].endswith("%") and tiles["办结率"] != "不适用"
    assert all(not m.delta for m in app.metric if m.value == "不适用")   # no change arrow, nothing red
    district = warehouse.execute("select grid_id from marts.dim_grids where level = 'district'").fetchone()[0]
    mean = warehouse.execute("""
        select avg(v.score) from marts.mart_kpi_values as v join marts.dim_kpis as k using (kpi)
        where k.in_scorecard and k.is_available and v.area_level = 'district' and v.area_id = ?
            and v.period_days = 30""", [district]).fetchone()[0]
    assert tiles["综合得分"] == f"{mean:.2f}"
    caption = " ".join(c.value for c in app.caption)
    assert all(name in caption for name, in_scorecard in unavailable if in_scorecard)

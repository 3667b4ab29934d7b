"""The real LA 311 sample in a deployment set to US-CA and America/Los_Angeles (conftest `la311_us`): its
holidays reach dim_date from the holidays package, its figures are as of the last report (the export's
closures run on for months), and the KPIs the sample cannot give (no verification step, no escalation
ladder, no ratings, no mediations, no devices) are not available in every KPI mart and out of the overall
score."""

import csv
import datetime as dt
import json

import duckdb
import holidays
import pytest

pytestmark = pytest.mark.slow   # the real LA 311 sample through the CLI and dbt

NOT_AVAILABLE = {"verified_closure_rate", "in_grid_rate", "satisfaction_mean", "satisfied_share",
                 "mediation_success_rate", "device_online_rate", "residents", "foot_traffic_in"}


@pytest.fixture
def warehouse(la311_us):
    con = duckdb.connect(str(la311_us.data_dir / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def report_days(la311_us):
    with open(la311_us.source, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["latitude"].strip() and r["longitude"].strip()]
    return sorted({dt.datetime.strptime(r["createddate"], "%m/%d/%y %H:%M").date() for r in rows})


def test_dim_date_holds_californias_holidays_not_chinas(warehouse):
    first, last = warehouse.execute("select min(date_day), max(date_day) from marts.dim_date").fetchone()
    listed = holidays.country_holidays("US", subdiv="CA", years=range(first.year, last.year + 1))
    shown = dict(warehouse.execute("select date_day, holiday from marts.dim_date where is_holiday").fetchall())
    assert set(shown) == {d for d in listed if first <= d <= last}
    assert shown[dt.date(2020, 1, 20)] == "martin_luther_king_jr_day"
    assert shown[dt.date(2020, 11, 26)] == "thanksgiving_day"
    spring_festival = warehouse.execute("select is_workday, is_holiday, calendar_source from marts.dim_date "
                                        "where date_day = '2020-01-27'").fetchone()
    assert spring_festival == (True, False, "holidays")           # a Monday of Spring Festival: work in LA
    assert warehouse.execute("select distinct region from raw.calendar").fetchall() == [("US-CA",)]


def test_figures_are_as_of_the_last_report_not_the_last_closure(la311_us, warehouse, report_days):
    first_day, last_day, as_of_day = warehouse.execute(
        "select first_day, last_day, as_of_day from marts.mart_data_period").fetchone()
    last_event = warehouse.execute("select max(cast(event_at as date)) from staging.stg_incidents__events"
                                   ).fetchone()[0]
    assert (first_day, as_of_day) == (report_days[0], report_days[-1])
    assert last_day == last_event and last_day > as_of_day + dt.timedelta(days=90)   # closures months later
    serving = la311_us.data_dir / "serving"
    manifest = json.loads((serving / (serving / "CURRENT").read_text() / "manifest.json").read_text())
    assert (manifest["first_day"], manifest["as_of"], manifest["last_day"]) == (
        first_day.isoformat(), as_of_day.isoformat(), last_day.isoformat())
    # every cockpit period ends on the last report, so the default 30 days hold every report
    assert warehouse.execute("select distinct as_of_date from marts.mart_kpi_values").fetchall() == [(as_of_day,)]
    reported = warehouse.execute("select value from marts.mart_kpi_values where kpi = 'cases_reported' and "
                                 "area_level = 'district' and period_days = 30").fetchone()[0]
    assert reported == warehouse.execute("select count(*) from marts.fct_incidents where not is_duplicate"
                                         ).fetchone()[0] > 0


def test_kpis_the_sample_cannot_give_are_not_available_everywhere(warehouse):
    flags = dict(warehouse.execute("select kpi, is_available from marts.dim_kpis").fetchall())
    assert {k for k, available in flags.items() if not available} == NOT_AVAILABLE
    rows = warehouse.execute("""
        select kpi, count(*), count(value), count(score), count(*) filter (where status = 'not_available')
        from marts.mart_kpi_values where kpi in (select kpi from marts.dim_kpis where not is_available)
        group by kpi""").fetchall()
    assert {kpi for kpi, *_ in rows} == NOT_AVAILABLE
    assert all(n > 0 and values == scores == 0 and na == n for _, n, values, scores, na in rows)
    # what the sample does hold keeps its figures
    assert warehouse.execute("select status from marts.mart_kpi_values where kpi = 'closure_rate' and "
                             "area_level = 'district' and period_days = 30").fetchone()[0] != "not_available"


def test_the_overall_score_is_the_mean_over_the_available_kpis(warehouse):
    scorecards = warehouse.execute("""
        select area_level, area_id, period_days, score from marts.mart_scorecard where kpi = 'overall'""").fetchall()
    assert len(scorecards) > 100
    expected = {(level, area, days): score for level, area, days, score in warehouse.execute("""
        select v.area_level, v.area_id, v.period_days, avg(v.score)
        from marts.mart_kpi_values as v join marts.dim_kpis as k using (kpi)
        where k.in_scorecard and k.is_available
        group by all""").fetchall()}
    for level, area, days, score in scorecards:
        assert score == pytest.approx(expected[(level, area, days)], nan_ok=True), (level, area, days)
    listed = warehouse.execute("""
        select count(*) from marts.mart_scorecard where status = 'not_available' and area_level = 'district'
        and period_days = 30""").fetchone()[0]
    in_scorecard = {k for (k,) in warehouse.execute("select kpi from marts.dim_kpis where in_scorecard").fetchall()}
    assert listed == len(NOT_AVAILABLE & in_scorecard)

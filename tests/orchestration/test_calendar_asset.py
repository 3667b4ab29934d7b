"""raw/calendar: the deployment's calendar written into the warehouse before dbt builds dim_date from it; a bad
holiday file stops the step with its one line and leaves the previous calendar in place."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from orchestration.defs.calendar.assets import calendar
from orchestration.defs.resources import Warehouse
from tests.orchestration.conftest import load_definitions


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDSIGHT_TODAY", "2026-12-01")
    return tmp_path


def run(data_dir) -> dg.ExecuteInProcessResult:
    return dg.materialize([calendar], resources={"warehouse": Warehouse()}, raise_on_error=False)


def days(data_dir) -> dict:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select date, is_workday, holiday, source, region from raw.calendar").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_the_calendar_is_the_deployments_and_rewritten_for_a_new_region(data_dir, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_REGION", "US-CA")
    assert run(data_dir).success
    us = days(data_dir)
    assert len(us) == (dt.date(2028, 12, 31) - dt.date(2000, 1, 1)).days + 1
    assert us[dt.date(2020, 1, 20)] == (False, "martin_luther_king_jr_day", "holidays", "US-CA")
    assert us[dt.date(2020, 1, 27)][:2] == (True, None)                 # Spring Festival: a working day there
    monkeypatch.setenv("GRIDSIGHT_REGION", "CN")
    assert run(data_dir).success                                          # re-running replaces, never appends
    china = days(data_dir)
    assert len(china) == len(us)
    assert china[dt.date(2020, 1, 27)] == (False, "spring_festival", "chinese_calendar", "CN")
    assert china[dt.date(2027, 10, 1)] == (False, "national_day", "holidays", "CN")


def test_a_bad_holiday_file_stops_the_step_in_one_line_and_keeps_the_last_calendar(data_dir):
    assert run(data_dir).success
    before = days(data_dir)
    (data_dir / "calendar").mkdir()
    (data_dir / "calendar" / "holidays.csv").write_text("date,name,is_workday\n2027-02-30,Spring Festival,false\n")
    result = run(data_dir)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    description = failure.step_failure_data.user_failure_data.description
    assert description == (f"{data_dir / 'calendar' / 'holidays.csv'} line 2: date '2027-02-30' is not a "
                           "YYYY-MM-DD day")
    assert days(data_dir) == before


def test_dbt_reads_the_calendar_asset():
    definitions = load_definitions()
    graph = definitions.resolve_asset_graph()
    stg = dg.AssetKey(["staging", "stg_calendar__days"])
    assert dg.AssetKey(["raw", "calendar"]) in graph.get(stg).parent_keys
    assert stg in graph.get(dg.AssetKey(["marts", "dim_date"])).parent_keys

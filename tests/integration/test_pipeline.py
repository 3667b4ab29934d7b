"""A small world (one street, 60 days) through Dagster → DuckDB → dbt → serving, twice.

The marts are checked against what the generator knows to be true, and the second run must change nothing.
"""

import re

import chinese_calendar
import holidays
import pandas as pd
import pytest

from tests.conftest import WORLD_END, WORLD_START, day_end

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)

ID_NUMBER = r"(^|[^0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]([^0-9]|$)"
MOBILE = r"(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)"


def test_both_runs_succeed_and_publish_a_snapshot(world):
    assert world.first_run.success and world.second_run.success
    assert world.serving_versions[0] != world.serving_versions[1]
    snapshot = world.data_dir / "serving" / world.serving_versions[1]
    assert (snapshot / "marts__fct_incidents.parquet").exists()
    assert (world.data_dir / "serving" / "CURRENT").read_text() == world.serving_versions[1]


def test_second_run_changes_nothing(world):
    assert world.fingerprint_after_first == world.fingerprint_after_second
    assert world.fingerprint_after_first["marts.fct_incidents"][0] > 0
    old, new = (pd.read_parquet(world.data_dir / "serving" / v / "marts__mart_grid_daily.parquet")
                for v in world.serving_versions)
    pd.testing.assert_frame_equal(old.sort_values(["grid_id", "date_day"]).reset_index(drop=True),
                                  new.sort_values(["grid_id", "date_day"]).reset_index(drop=True))


def test_every_landed_row_is_loaded_or_quarantined(world, marts):
    log = marts.execute("select table_name, sum(rows_in), sum(rows_loaded), sum(rows_quarantined), "
                        "sum(rows_deduplicated) from meta.ingest_log group by 1").fetchall()
    rows = {table: (rows_in, loaded, quarantined, repeats) for table, rows_in, loaded, quarantined, repeats in log}
    truth_rows = world.truth["rows"]
    expected = {"grids": truth_rows["grids"], "population_register": truth_rows["population"],
                "incident_cases": truth_rows["incident_cases"], "incident_events": truth_rows["incident_events"],
                "device_registry": truth_rows["device_registry"], "device_telemetry": truth_rows["device_telemetry"],
                "foot_traffic_counts": truth_rows["foot_traffic"]}
    for table, landed in expected.items():
        rows_in, loaded, quarantined, repeats = rows[table]   # repeats: the same device message twice
        assert rows_in == landed == loaded + quarantined + repeats, table
        assert marts.execute(f"select count(*) from raw.{table}").fetchone()[0] == loaded


def test_every_injected_bad_row_is_quarantined_and_no_good_row_is(world, marts):
    injected = {(file, row) for file, rows in world.truth["bad_rows"].items() for row in rows}
    assert len(injected) > 50
    tables = [t for (t,) in marts.execute("select table_name from information_schema.tables "
                                          "where table_schema = 'quarantine'").fetchall()]
    quarantined = set()
    for table in tables:
        quarantined |= set(marts.execute(f"select _file, _row from quarantine.{table}").fetchall())
    assert quarantined == injected
    rules = {rule for (rule,) in marts.execute("select distinct rule from marts.mart_quarantine_by_rule").fetchall()}
    assert {"required", "not_allowed", "out_of_range", "bad_format", "invalid_timestamp"} <= rules


def test_marts_match_the_generators_truth(world, marts):
    truth = world.truth
    reported, closed, disputes = marts.execute(
        "select count(*), count(*) filter (where is_closed), count(*) filter (where is_dispute) "
        "from marts.fct_incidents").fetchone()
    assert (reported, closed, disputes) == (truth["cases_reported"], truth["cases_closed"], truth["disputes"])
    by_grid = dict(marts.execute("select grid_id, residents from marts.mart_population_by_grid").fetchall())
    assert by_grid == truth["residents_by_grid"]
    (last_day_residents,) = day_end(marts, WORLD_END, "residents")
    assert last_day_residents == truth["residents_at_end"]
    floating = marts.execute("select sum(floating) from marts.mart_population_by_grid").fetchone()[0]
    assert floating == truth["floating_at_end"]
    active, online = marts.execute("select sum(devices_active), sum(devices_online) from marts.mart_device_health "
                               "where date_day = ?", [WORLD_END]).fetchone()
    assert (active, online) == (truth["devices_active_at_end"], truth["devices_online_at_end"])
    visitors_last, visitors_total = marts.execute(
        "select sum(visitors_in) filter (where date_day = ?), sum(visitors_in) from marts.mart_foot_traffic_daily",
        [WORLD_END]).fetchone()
    assert (visitors_last, visitors_total) == (truth["foot_traffic_in_last_day"], truth["foot_traffic_in_total"])


def test_calibrated_shares_hold_in_the_marts(marts):
    closure, in_grid, on_time = marts.execute("""
        select avg(is_closed::int) filter (where reported_on <= ? - interval 14 day),
               avg(is_resolved_in_grid::int) filter (where is_resolved),
               avg(is_resolved_on_time::int) filter (where is_resolved)
        from marts.fct_incidents""", [WORLD_END]).fetchone()
    assert closure >= 0.95      # seed: 98.4 % of items closed
    assert in_grid >= 0.88      # seed: 90 %+ solved within the grid
    assert on_time >= 0.85


def test_dim_date_follows_the_official_calendar(marts):
    days = marts.execute("select date_day, is_workday, is_holiday, is_adjusted_workday from marts.dim_date "
                     "where date_day between ? and ?", [WORLD_START, WORLD_END]).df()
    assert len(days) == (WORLD_END - WORLD_START).days + 1
    for row in days.itertuples():
        day = row.date_day.date() if hasattr(row.date_day, "date") else row.date_day
        assert row.is_workday == chinese_calendar.is_workday(day), day
        assert row.is_holiday == (not chinese_calendar.is_workday(day) and chinese_calendar.is_holiday(day)
                                  and chinese_calendar.get_holiday_detail(day)[1] is not None), day
    assert days["is_adjusted_workday"].any()   # 调休 around the Spring Festival
    # past chinese-calendar's last year: the holidays package's China list, else the weekend rule
    beyond = marts.execute("select date_day, is_workday, is_holiday, calendar_source from marts.dim_date "
                           "where date_day >= date '2027-01-01'").fetchall()
    listed = holidays.China(years={day.year for day, *_ in beyond})
    assert beyond and all(source == "holidays" for *_, source in beyond)
    assert all(is_holiday == (day in listed) and is_workday == (day not in listed and day.weekday() < 5)
               for day, is_workday, is_holiday, _ in beyond)


def test_grid_hierarchy_is_flattened(marts):
    missing = marts.execute("""
        select count(*) from marts.dim_grids
        where level = 'micro_grid' and (l3_grid_id is null or community_id is null or street_id is null
                                        or district_id is null)""").fetchone()[0]
    assert missing == 0
    levels = dict(marts.execute("select level, count(*) from marts.dim_grids group by 1").fetchall())
    assert levels["district"] == 1 and levels["street"] == 1 and levels["community"] == 3
    assert levels["micro_grid"] > levels["grid"]


@pytest.mark.parametrize("pattern, label", [(ID_NUMBER, "ID number"), (MOBILE, "mobile number")])
def test_no_clear_identifier_reaches_the_warehouse_or_snapshot(world, marts, pattern, label):
    columns = marts.execute("select table_schema, table_name, column_name from information_schema.columns "
                        "where data_type = 'VARCHAR'").fetchall()
    for schema, table, column in columns:
        hits = marts.execute(f'select count(*) from {schema}.{table} where regexp_matches("{column}", ?)',
                         [pattern]).fetchone()[0]
        assert hits == 0, f"{label} in {schema}.{table}.{column}"
    snapshot = world.data_dir / "serving" / world.serving_versions[1]
    for parquet in snapshot.glob("*.parquet"):
        frame = pd.read_parquet(parquet)
        for column in frame.select_dtypes(include=["object", "string"]).columns:
            assert not frame[column].astype(str).str.contains(re.compile(pattern)).any(), f"{label} in {parquet.name}"

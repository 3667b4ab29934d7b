"""A hand-written device landing through the real ingest and dbt build: every mart value of the device rules
(docs/devices.md) against numbers worked out by hand, and every row accounted for."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow   # ingest + a full dbt build

ROOT = Path(__file__).resolve().parents[2]
DAY1, DAY2 = dt.date(2026, 3, 9), dt.date(2026, 3, 10)
KEY = b"test-key-not-secret-long-enough-for-the-32-character-minimum"

GRIDS = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {
    "grid_id": grid, "parent_id": parent, "level": level, "grid_type": "residential", "name_zh": grid,
    "name_en": grid, "households": 10, "shops": 0, "centroid_lat": "", "centroid_lon": "",
    "valid_from": "2020-01-01", "valid_to": ""}} for grid, parent, level in (
        ("D1", "", "district"), ("S1", "D1", "street"), ("C1", "S1", "community"), ("G1", "C1", "grid"))]}

REGISTRY = ("device_id,device_type,grid_id,lat,lon,installed_at,vendor,"
            "heartbeat_minutes,offline_after_minutes,household_id,quiet_hours\n") + """\
SMOKE1,smoke_detector,G1,22.5,114.1,2025-01-01,v,,,,
SMOKE2,smoke_detector,G1,22.5,114.1,2025-01-01,v,,,,
GAS1,gas_detector,G1,22.5,114.1,2025-01-01,v,,,,
BIN1,trash_bin,G1,22.6,114.2,2025-01-01,v,,,,
DOOR1,door_magnet,G1,22.5,114.1,2025-01-01,v,,,H1,
WATER1,water_meter,G1,22.5,114.1,2025-01-01,v,,,H1,
DOOR2,door_magnet,G1,22.5,114.1,2025-01-01,v,,,H2,
"""


def _hourly(device, day, hours, event="heartbeat", value=""):
    return [f"{device},{day} {h:02d}:00:00,{event},{value}," for h in hours]


def landing_rows():
    """Telemetry of both days (one list per file) and what each rule should make of it."""
    d1, d2 = DAY1.isoformat(), DAY2.isoformat()
    day1 = []
    # SMOKE1 (timeout 180 min): heartbeats 0..6 h and 12..23 h on day 1 -> offline 09:00 .. 12:00
    day1 += [f"SMOKE1,{d1} {h:02d}:00:00,heartbeat,," for h in list(range(0, 7)) + list(range(12, 24))]
    day1 += [f"SMOKE1,{d1} 05:00:00,heartbeat,,"]                       # the same message twice: de-duplicated
    # SMOKE1 alarm 'smoke' at 13:00, repeated 13:10, acknowledged 13:05 and confirmed 13:20, cleared 14:00
    day1 += [f"SMOKE1,{d1} 13:00:00,alarm,,smoke", f"SMOKE1,{d1} 13:10:00,alarm,,smoke",
             f"SMOKE1,{d1} 14:00:00,clear,,smoke"]
    # GAS1 (timeout 90): heartbeat every hour day 1, flapping gas_leak 10:00 .. 20:00 every 30 min alarm/clear
    day1 += [f"GAS1,{d1} {h:02d}:00:00,heartbeat,," for h in range(24)]
    for i in range(22):
        t = dt.datetime.combine(DAY1, dt.time(10)) + dt.timedelta(minutes=15 * i)
        day1.append(f"GAS1,{t:%Y-%m-%d %H:%M:%S},{'alarm' if i % 2 == 0 else 'clear'},,gas_leak")
    # BIN1 fill levels: 40 85 10 (a collection) 90 (over 80)
    day1 += [f"BIN1,{d1} {h:02d}:00:00,reading,{v}," for h, v in ((1, 40), (2, 85), (3, 10), (20, 90))]
    day1 += [f"BIN1,{d1} {h:02d}:30:00,heartbeat,," for h in range(24)]
    # H1 is active until 06:00 day 1 (water used 00:00-04:00) then quiet: no_activity raised 18:00 day 1, closed 19:00
    day1 += [f"DOOR1,{d1} {h:02d}:00:00,heartbeat,{1 if h <= 6 else 0}," for h in range(24)]
    day1 += [f"WATER1,{d1} {h:02d}:00:00,heartbeat,{100 + 0.05 * min(h, 4):.2f}," for h in range(24)]
    # H2's door magnet goes silent after 03:00 day 1 (offline from 06:00): no welfare check for H2
    day1 += [f"DOOR2,{d1} {h:02d}:00:00,heartbeat,0," for h in range(4)]
    # bad rows
    day1 += ["GHOST,2026-03-09 10:00:00,heartbeat,,",                 # unknown_device
             f"BIN1,{d1} 10:00:00,reading,150,",                       # out_of_range
             "BIN1,2026-03-11 03:00:00,heartbeat,,",                   # future_time
             "BIN1,2026-01-01 03:00:00,heartbeat,,"]                   # too_old
    day2 = [f"SMOKE1,{d2} {h:02d}:00:00,heartbeat,," for h in range(24)]
    day2 += [f"SMOKE2,{d2} 00:00:00,heartbeat,,"]                        # silent after 00:00 day 2
    day2 += [f"GAS1,{d2} {h:02d}:00:00,heartbeat,," for h in range(24)]
    day2 += [f"BIN1,{d2} {h:02d}:30:00,heartbeat,," for h in range(24)]
    day2 += [f"DOOR1,{d2} {h:02d}:00:00,heartbeat,1," for h in range(24)]
    # runs from the last reading of day 1 (23:00) all day 2: a continuous_water check at 05:00 day 2
    day2 += [f"WATER1,{d2} {h:02d}:00:00,heartbeat,{100.6 + 0.1 * h:.1f}," for h in range(24)]
    # a late batch on day 2 of day 1's SMOKE2 heartbeats (normal, loaded)
    day2 += [f"SMOKE2,{d1} {h:02d}:00:00,heartbeat,," for h in range(24)]
    day2 += [f"SMOKE2,{d2} 00:00:00,fault,,battery_low"]
    return day1, day2


ACTIONS_DAY1 = f"""device_id,code,at,action,actor
SMOKE1,smoke,{DAY1} 13:05:00,acknowledged,duty_a
SMOKE1,smoke,{DAY1} 13:20:00,confirmed,duty_b
GHOST,smoke,{DAY1} 13:20:00,confirmed,duty_b
"""
WELFARE_DAY1 = f"""household_id,at,outcome,actor
H1,{DAY1} 19:00:00,safe_after_call,duty_a
"""


def _write(landing, source, day, name, text):
    folder = landing / source / f"dt={day}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def build(data_dir: Path, start: dt.date, end: dt.date) -> list:
    """Ingest every source of start..end (empty sources make empty raw tables), the calendar, then dbt build."""
    os.environ["GRIDSIGHT_DATA_DIR"] = str(data_dir)
    from data_contracts.specs import SOURCES
    from models_ml.calendar import deployment_calendar
    from orchestration.defs.calendar.assets import COLUMNS
    from orchestration.defs.resources import Warehouse
    from orchestration.ingest import ingest_source

    warehouse = Warehouse(path=str(data_dir / "warehouse.duckdb"))
    loads = [load for source in SOURCES
             for load in ingest_source(warehouse, data_dir / "landing", source, start, end, KEY)]
    frame = deployment_calendar()[COLUMNS]  # noqa: F841
    with warehouse.connect() as con:
        con.execute("create or replace table raw.calendar as select cast(date as date) as date, is_workday, "
                    "is_holiday, is_adjusted_workday, holiday, source, region from frame")
    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--project-dir", "dbt_project",
                           "--profiles-dir", "dbt_project", "--exclude", "resource_type:unit_test"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stdout[done.stdout.rfind("Completed with"):][:6000]
    return loads


@pytest.fixture(scope="module")
def devices(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("device-warehouse")
    landing = data_dir / "landing"
    import json
    _write(landing, "grids", DAY1, "grids.geojson", json.dumps(GRIDS))
    _write(landing, "devices", DAY1, "registry.csv", REGISTRY)
    day1, day2 = landing_rows()
    header = "device_id,ts,event_type,value,code\n"
    _write(landing, "devices", DAY1, "telemetry.csv", header + "\n".join(day1) + "\n")
    _write(landing, "devices", DAY2, "telemetry.csv", header + "\n".join(day2) + "\n")
    _write(landing, "devices", DAY1, "alarm_actions.csv", ACTIONS_DAY1)
    _write(landing, "devices", DAY1, "welfare_outcomes.csv", WELFARE_DAY1)
    loads = {load.table: load for load in build(data_dir, DAY1, DAY2)}
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    yield con, loads, (len(day1), len(day2))
    con.close()


def test_every_row_is_loaded_quarantined_or_counted_as_a_repeat(devices):
    con, loads, (n1, n2) = devices
    telemetry = loads["device_telemetry"]
    assert telemetry.rows_in == n1 + n2
    assert (telemetry.rows_quarantined, telemetry.rows_deduplicated) == (4, 1)
    assert telemetry.reconciled
    assert dict(telemetry.reasons) == {"unknown_device:device_id": 1, "out_of_range:value": 1,
                                       "future_time:ts": 1, "too_old:ts": 1}
    assert loads["device_alarm_actions"].rows_quarantined == 1
    log = con.execute("select sum(rows_in), sum(rows_loaded), sum(rows_quarantined), sum(rows_deduplicated) "
                      "from meta.ingest_log where table_name = 'device_telemetry'").fetchone()
    assert log == (n1 + n2, n1 + n2 - 5, 4, 1)


def test_offline_intervals_and_online_shares(devices):
    con, *_ = devices
    smoke1 = con.execute("select state, started_at, ended_at from marts.fct_device_state_intervals "
                         "where device_id = 'SMOKE1' order by started_at").fetchall()
    at = lambda h, day=DAY1: dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=h)  # noqa: E731
    assert smoke1 == [("online", at(0), at(9)), ("offline", at(9), at(12)), ("online", at(12), None)]
    shares = dict(con.execute("select device_id || ' ' || date_day, online_share from marts.fct_device_daily")
                  .fetchall())
    assert shares[f"SMOKE1 {DAY1}"] == pytest.approx(21 / 24)
    assert shares[f"SMOKE1 {DAY2}"] == 1.0
    assert shares[f"SMOKE2 {DAY2}"] == pytest.approx(3 / 24)     # heard at 00:00, silent from 03:00
    assert shares[f"DOOR2 {DAY1}"] == pytest.approx(6 / 24)   # last heard 03:00, door magnets time out at 180 min
    offline = con.execute("select device_id, offline_since, hours_offline, fault_code "
                          "from marts.mart_devices_offline order by device_id").fetchall()
    assert offline == [("DOOR2", at(6), 42.0, None), ("SMOKE2", at(3, DAY2), 21.0, "battery_low")]
    grid = con.execute("select sum(device_days_online), sum(device_days_active) from marts.mart_grid_daily"
                       ).fetchone()
    assert grid[1] == 14 and grid[0] == pytest.approx(sum(shares.values()))


def test_alarms_acknowledgement_disposition_clear_and_flapping(devices):
    con, *_ = devices
    smoke = con.execute("select repeats, acknowledged_at, acknowledged_by, disposition, cleared_at, cleared_by, "
                        "is_open, is_suppressed, minutes_to_acknowledge, hours_to_resolve, severity "
                        "from marts.fct_alarms where device_id = 'SMOKE1'").fetchall()
    assert smoke == [(1, dt.datetime(2026, 3, 9, 13, 5), "duty_a", "confirmed", dt.datetime(2026, 3, 9, 14),
                      "device", False, False, 5.0, 1.0, "critical")]
    gas = con.execute("select count(*), count(*) filter (where is_suppressed) from marts.fct_alarms "
                      "where device_id = 'GAS1'").fetchone()
    # 11 alarms open and clear in turn (messages 1, 3 … 21); at message k the share of changes is (k-1)/20, above
    # 20 % from the 6th, so the alarms of messages 7 … 21 are suppressed
    assert gas[0] == 11 and gas[1] == 8
    health = con.execute("select sum(alarms), sum(confirmed_alarms), sum(suppressed_alarms), "
                         "max(minutes_to_acknowledge_p50) from marts.mart_device_health").fetchone()
    assert health == (4, 1, 8, 5.0)


def test_welfare_checks_and_bins(devices):
    con, *_ = devices
    checks = con.execute("select h.household_id, reason, quiet_since, raised_at, outcome, settled_by_call, "
                         "hours_to_close, is_open from marts.fct_welfare_checks "
                         "join marts.fct_welfare_check_households as h using (check_id, grid_id) "
                         "order by raised_at").fetchall()
    assert checks == [
        ("H1", "no_activity", dt.datetime(2026, 3, 9, 6), dt.datetime(2026, 3, 9, 18), "safe_after_call", True,
         1.0, False),
        ("H1", "continuous_water", dt.datetime(2026, 3, 9, 23), dt.datetime(2026, 3, 10, 5), None, None, None,
         True)]
    # the by-grid checks never name the household
    assert "household_id" not in {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_name = 'fct_welfare_checks'").fetchall()}
    bins = con.execute("select device_id, fill_level, threshold, collections_30d "
                       "from marts.mart_bins_over_threshold").fetchall()
    assert bins == [("BIN1", 90.0, 80.0, 1)]

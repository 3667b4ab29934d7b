"""Device landing files: unknown devices, clocks far off the file's day, readings outside their type's range
and hostile values are quarantined with a reason; the same message twice is de-duplicated and counted."""

import time

import numpy as np
import pandas as pd

from data_contracts.specs import contracts_for
from data_contracts.validate import check

DEVICES = {c.table: c for c in contracts_for("devices")}
TELEMETRY, ACTIONS = DEVICES["device_telemetry"], DEVICES["device_alarm_actions"]
REGISTRY, WELFARE = DEVICES["device_registry"], DEVICES["device_welfare_outcomes"]
REFS = {"device": {"BIN1", "DOOR1"}, "device_types": {"BIN1": "trash_bin", "DOOR1": "door_magnet"}}


def _frame(contract, rows, day="2026-03-10"):
    frame = pd.DataFrame(rows, columns=contract.names, dtype=object).fillna("")
    frame["dt"] = pd.Timestamp(day).date()
    frame["_file"] = f"devices/dt={day}/{contract.filename}"
    frame["_row"] = range(1, len(frame) + 1)
    return frame


def _reasons(checked):
    return list(checked.quarantined["rule"] + ":" + checked.quarantined["column_name"])


def test_telemetry_rules_quarantine_with_their_reason_and_repeats_are_counted():
    rows = [
        ["BIN1", "2026-03-10 08:00:00", "reading", "85", ""],             # loaded
        ["BIN1", "2026-03-10 08:00:00", "reading", "85", ""],             # same message again: de-duplicated
        ["GHOST", "2026-03-10 08:00:00", "heartbeat", "", ""],            # unknown_device
        ["BIN1", "2026-03-11 01:30:00", "heartbeat", "", ""],             # 1.5 h past the day: future_time
        ["BIN1", "2026-03-11 00:30:00", "heartbeat", "", ""],             # within the hour: loaded
        ["BIN1", "2026-02-01 08:00:00", "heartbeat", "", ""],             # 37 days late: too_old
        ["BIN1", "2026-02-10 08:00:00", "heartbeat", "", ""],             # 28 days late: loaded
        ["BIN1", "2026-03-10 09:00:00", "reading", "140", ""],            # fill 140 %: out_of_range
        ["DOOR1", "2026-03-10 09:00:00", "reading", "-1", ""],            # negative openings: out_of_range
        ["DOOR1", "2026-03-10 09:10:00", "heartbeat", "-3", ""],          # the same, sent with a heartbeat
        ["DOOR1", "2026-03-10 09:00:00", "alarm", "-1", "tilt"],          # not a reading: no range
        ["DOOR1", "2026-03-10 09:30:00", "clear", "", "tilt"],            # clear: loaded
    ]
    checked = check(_frame(TELEMETRY, rows), TELEMETRY, b"k", REFS)
    assert _reasons(checked) == ["unknown_device:device_id", "future_time:ts", "too_old:ts",
                                 "out_of_range:value", "out_of_range:value", "out_of_range:value"]
    assert checked.rows_deduplicated == 1 and len(checked.loaded) == 5
    assert checked.rows_in == len(checked.loaded) + len(checked.quarantined) + checked.rows_deduplicated


def test_times_with_a_utc_offset_are_refused_even_mixed_with_wall_times():
    rows = [["BIN1", "2026-03-10 08:00:00", "heartbeat", "", ""],         # the district's wall time: loaded
            ["BIN1", "2026-03-10T08:05:00+08:00", "heartbeat", "", ""],   # an offset: invalid
            ["BIN1", "2026-03-10 00:10:00Z", "heartbeat", "", ""],        # UTC: invalid
            ["BIN1", "2026-03-10T08:15:00.5-0500", "heartbeat", "", ""]]  # another offset: invalid
    checked = check(_frame(TELEMETRY, rows), TELEMETRY, b"k", REFS)
    assert _reasons(checked) == ["invalid_timestamp:ts"] * 3 and len(checked.loaded) == 1
    only_offsets = check(_frame(TELEMETRY, rows[1:]), TELEMETRY, b"k", REFS)
    assert len(only_offsets.quarantined) == 3 and only_offsets.loaded.empty


def test_hostile_values_in_every_new_column_are_quarantined_never_a_crash():
    hostile = ["1e400", "-5", "NaN", "'; drop table raw.device_telemetry; --", "烟感\u202e", "9" * 400]
    registry = [["D1", "door_magnet", "G1", "", "", "2026-01-01", "v", h, "", "", ""] for h in hostile]
    registry += [["D1", "door_magnet", "G1", "", "", "2026-01-01", "v", "", h, "", ""] for h in hostile]
    registry += [["D1", "door_magnet", "G1", "", "", "2026-01-01", "v", "", "", h, ""] for h in hostile[3:]]
    registry += [["D1", "door_magnet", "G1", "", "", "2026-01-01", "v", "", "", "", h] for h in hostile]
    checked = check(_frame(REGISTRY, registry), REGISTRY, b"k", {})
    assert len(checked.loaded) == 0 and checked.quarantined["rule"].notna().all()
    actions = [["BIN1", h, "2026-03-10 08:00:00", "acknowledged", "duty"] for h in hostile[3:]]
    actions += [["BIN1", "overfill", "2026-03-10 08:00:00", h, "duty"] for h in hostile]
    actions += [["BIN1", "overfill", h, "acknowledged", "duty"] for h in hostile]
    checked = check(_frame(ACTIONS, actions), ACTIONS, b"k", REFS)
    assert len(checked.loaded) == 0 and len(checked.quarantined) == len(actions)
    welfare = [[h, "2026-03-10 08:00:00", "away", "x"] for h in hostile[3:]]
    welfare += [["H1", "2026-03-10 08:00:00", h, "x"] for h in hostile]
    checked = check(_frame(WELFARE, welfare), WELFARE, b"k", {})
    assert len(checked.loaded) == 0 and len(checked.quarantined) == len(welfare)
    telemetry = [["BIN1", "2026-03-10 08:00:00", "reading", h, ""] for h in hostile]
    telemetry += [["BIN1", "2026-03-10 08:00:00", "alarm", "", h] for h in hostile[3:]]
    checked = check(_frame(TELEMETRY, telemetry), TELEMETRY, b"k", REFS)
    assert len(checked.loaded) == 0 and len(checked.quarantined) == len(telemetry)


def test_a_million_telemetry_rows_are_checked_vectorized(capsys):
    n = 1_000_000
    rng = np.random.default_rng(16)
    ts = pd.Timestamp("2026-03-10") + pd.to_timedelta(rng.integers(0, 86_400, n), unit="s")
    frame = _frame(TELEMETRY, {"device_id": np.where(rng.random(n) < 0.5, "BIN1", "DOOR1"),
                               "ts": ts.strftime("%Y-%m-%d %H:%M:%S"), "event_type": "reading",
                               "value": rng.integers(0, 100, n).astype(str), "code": ""})
    started = time.perf_counter()
    checked = check(frame, TELEMETRY, b"k", REFS)
    seconds = time.perf_counter() - started
    assert checked.rows_in == len(checked.loaded) + len(checked.quarantined) + checked.rows_deduplicated == n
    with capsys.disabled():
        print(f"\ntelemetry check: {n / seconds:,.0f} rows/s ({seconds:.1f} s for {n:,} rows)")
    assert seconds < 120

"""The demo world's devices: the landing files of docs/devices.md agree with the generator's truth."""

import datetime as dt
import json

import pandas as pd
import pytest

from simulator import WorldConfig, simulate
from simulator.devices import PER_GRID

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 9)
DAYS = 7


def _read(root, name):
    files = sorted((root / "landing").glob(f"*/dt=*/{name}"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False).assign(_dt=f.parent.name[3:])
                      for f in files], ignore_index=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("devices")
    truth = simulate(root, WorldConfig.small(START, END, seed=11, device_days=DAYS), progress=lambda _m: None)
    t = root / "truth" / "devices"
    return {"root": root, "truth": truth, "registry": _read(root, "registry.csv"),
            "telemetry": _read(root, "telemetry.csv"), "actions": _read(root, "alarm_actions.csv"),
            "outcomes": _read(root, "welfare_outcomes.csv"), "cases": _read(root, "cases.csv"),
            "register": _read(root, "register.csv"),
            "alarms": pd.read_csv(t / "alarms.csv", keep_default_na=False),
            "events": pd.read_csv(t / "welfare_events.csv", parse_dates=["start", "check_from", "check_until"]),
            "checks": pd.read_csv(t / "welfare_checks.csv", parse_dates=["raised_at", "outcome_at"]),
            "days": pd.read_csv(t / "device_days.csv"),
            "summary": json.loads((t / "summary.json").read_text())}


def test_fleet_sizes_per_grid_and_homes_of_elderly_living_alone(world):
    registry = world["registry"]
    registry = registry[registry["device_id"].str.startswith("DEV")]
    public = registry[registry["household_id"] == ""]
    per_grid = public.groupby(["grid_id", "device_type"]).size().unstack(fill_value=0)
    for device_type, (lo, hi) in PER_GRID.items():
        assert per_grid[device_type].between(lo, hi).all(), device_type
    homes = registry[registry["household_id"] != ""]
    assert set(homes["device_type"]) == {"door_magnet", "water_meter"}
    alone = set(world["register"].loc[world["register"]["elderly_alone"] == "True", "household_id"])
    assert set(homes["household_id"]) <= alone
    assert homes.groupby("household_id").size().eq(2).all()
    assert 0.7 * len(alone) <= homes["household_id"].nunique() <= len(alone)


def test_telemetry_only_in_the_device_window_and_within_budget(world):
    tel = world["telemetry"]
    first = END - dt.timedelta(days=DAYS - 1)
    days = sorted(tel["_dt"].unique())
    assert days[0] == first.isoformat() and days[-1] == END.isoformat()
    good = tel[tel["device_id"].str.fullmatch(r"DEV\d{5}") & tel["ts"].str.startswith("2026")]
    assert pd.to_datetime(good["ts"]).min() >= pd.Timestamp(first) - pd.Timedelta(minutes=16)
    assert set(tel["event_type"]) >= {"heartbeat", "reading", "alarm", "clear", "fault", "restore"}
    assert len(tel) < 200_000   # seven days of the small world


def test_delivery_flaws_are_in_the_files_and_counted(world):
    tel, counts = world["telemetry"], world["summary"]
    known = set(world["registry"]["device_id"])
    assert (~tel["device_id"].isin(known)).sum() >= counts["bad_rows"]["unknown_device"] > 0
    ts = pd.to_datetime(tel["ts"], errors="coerce")
    folder = pd.to_datetime(tel["_dt"])
    assert (ts > folder + pd.Timedelta(days=2)).sum() >= counts["bad_rows"]["future_time"] > 0
    assert (ts < folder - pd.Timedelta(days=30)).sum() >= counts["bad_rows"]["too_old"] > 0
    late = ts.dt.normalize() < folder - pd.Timedelta(days=1)
    assert late.sum() > 0 and counts["late_rows"] > 0
    columns = ["device_id", "ts", "event_type", "value", "code"]
    assert tel.duplicated(columns).sum() >= counts["duplicates"] > 0
    assert counts["bad_rows"]["out_of_range"] > 0
    # the generator's own broken rows are listed with the injected ones, by file and row
    listed = sum(len(rows) for f, rows in world["truth"]["bad_rows"].items() if f.endswith("telemetry.csv"))
    assert listed >= sum(counts["bad_rows"].values())


def test_confirmed_alarms_open_smart_sensor_cases(world):
    alarms, cases = world["alarms"], world["cases"]
    confirmed = alarms[(alarms["disposition"] == "confirmed") & (alarms["case_reported_at"] != "")]
    assert len(confirmed) > 0
    sensor = cases[cases["channel"] == "smart_sensor"]
    assert (sensor["device_id"] != "").all()
    assert (cases.loc[cases["channel"] != "smart_sensor", "device_id"] == "").all()
    assert set(confirmed["case_id"]) == set(sensor["case_id"])
    by_case = sensor.set_index("case_id")
    for a in confirmed.itertuples():
        case = by_case.loc[a.case_id]
        assert case["device_id"] == a.device_id and case["grid_id"] == a.grid_id
        lag = pd.Timestamp(case["reported_at"]) - pd.Timestamp(a.confirmed_at)
        assert pd.Timedelta(0) < lag <= pd.Timedelta(minutes=20)
    window_start = pd.Timestamp(END - dt.timedelta(days=DAYS - 1))
    assert (pd.to_datetime(sensor["reported_at"], format="mixed") >= window_start).all()
    # the duty room's judgement is in the actions file; false alarms never become cases
    actions = world["actions"]
    assert set(actions["action"]) <= {"acknowledged", "confirmed", "false_alarm", "cleared"}
    assert (alarms.loc[alarms["nature"] != "true", "case_id"] == "").all()
    assert alarms["suppressed"].astype(str).eq("True").sum() > 0


def test_welfare_events_get_checks_and_outcomes(world):
    events, checks, outcomes = world["events"], world["checks"], world["outcomes"]
    assert len(outcomes) == (checks["outcome_at"] < pd.Timestamp(END) + pd.Timedelta(days=1)).sum()
    cutoff = pd.Timestamp(END) + pd.Timedelta(hours=18)
    due = events[events["check_until"].notna() & (events["check_until"] < cutoff)]
    assert len(due) > 0
    for e in due.itertuples():
        raised = checks[(checks["household_id"] == e.household_id) & (checks["raised_at"] >= e.check_from)
                        & (checks["raised_at"] <= e.check_until)]
        assert len(raised) == 1, e
        expected = {"fall": "help_needed", "away": "away"}.get(e.kind)
        if expected:
            assert raised["outcome"].iloc[0] == expected
        got = outcomes[(outcomes["household_id"] == e.household_id)
                       & (outcomes["at"] == raised["outcome_at"].iloc[0].strftime("%Y-%m-%d %H:%M:%S"))]
        assert len(got) == 1
    lag = checks["outcome_at"] - checks["raised_at"]
    assert lag.between(pd.Timedelta(minutes=9), pd.Timedelta(hours=6, minutes=1)).all()


def test_online_truth_per_device_day(world):
    days, truth = world["days"], world["truth"]
    assert (days["online_minutes"] <= days["installed_minutes"]).all()
    assert (days["up_minutes"] <= days["installed_minutes"]).all()
    last = days[days["date_day"] == END.isoformat()]
    assert truth["devices_active_at_end"] == len(last)
    assert truth["devices_online_at_end"] == (last["online_minutes"] >= 0.5 * last["installed_minutes"]).sum()
    assert 0.9 * len(last) <= truth["devices_online_at_end"] < len(last)

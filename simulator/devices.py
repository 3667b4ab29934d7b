"""The IoT fleet of the demo world (docs/devices.md): registry, telemetry of the last `device_days` days at
each type's heartbeat, alarms with the duty room's actions, faults, silences, drift, flapping, delivery
flaws, and the welfare checks of elderly people living alone. Confirmed alarms come back as smart-sensor
case arrivals for simulator.incidents.

Video channels report counts only; no images, face features or plates ever leave the device here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import welfare
from simulator.incidents import Arrival
from simulator.world import Grid

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
TYPES = pd.read_csv(SEEDS / "device_types.csv").set_index("device_type")
VENDORS = ["海康威视", "大华", "宇视", "海曼", "泰和安", "华为"]
# public devices per L3 grid (low, high)
PER_GRID = {"smoke_detector": (2, 5), "gas_detector": (1, 2), "hydrant_pressure": (1, 2), "manhole_cover": (1, 2),
            "trash_bin": (1, 3), "access_gate": (1, 2), "video_face": (1, 1), "video_vehicle": (0, 1),
            "ebike_charger": (1, 2), "elevator": (0, 2), "fire_exit": (1, 2)}
# alarm code, true and false alarms per device-day, case category_l2 of a confirmed one
ALARMS = {"smoke_detector": ("smoke", 0.0012, 0.006, "fire_hazard"),
          "gas_detector": ("gas_leak", 0.001, 0.003, "fire_hazard"),
          "hydrant_pressure": ("low_pressure", 0.002, 0.002, "water_supply"),
          "manhole_cover": ("tilt", 0.002, 0.003, "manhole_cover"),
          "trash_bin": ("overfill", 0.004, 0.002, "garbage"),
          "access_gate": ("door_forced", 0.001, 0.004, "theft"),
          "ebike_charger": ("overheat", 0.002, 0.002, "ebike_charging"),
          "elevator": ("trapped", 0.003, 0.002, "elevator"),
          "fire_exit": ("fire_exit_blocked", 0.003, 0.002, "fire_hazard")}
FAULT_CODES = ["low_battery", "sensor_error", "comm_weak", "tamper"]
ENROLLED_P = 0.85            # elderly living alone who took the door magnet and water meter
REPEAT_MINUTES = 10          # an open alarm is sent again every 10 minutes
OUTAGE_P, SILENT_P = 0.01, 0.015     # outages per device-day; devices that go silent for good
FAULT_P = 0.006              # device-reported faults per device-day
FLAP_P, DRIFT_P, SKEW_P = 0.01, 0.03, 0.03
LATE_P, DUPLICATE_P = 0.02, 0.003    # device-days delivered 1–3 days late; messages sent twice
BAD_P = 0.0002               # each of: unknown device, far-future ts, far-past ts (extra rows)
REGISTRY_COLUMNS = ["device_id", "device_type", "grid_id", "lat", "lon", "installed_at", "vendor",
                    "heartbeat_minutes", "offline_after_minutes", "household_id", "quiet_hours"]
TELEMETRY_COLUMNS = ["device_id", "ts", "event_type", "value", "code"]


@dataclass
class DeviceWorld:
    registry: pd.DataFrame
    telemetry: pd.DataFrame      # + dt (delivery day) and bad (what is wrong with an injected row, else "")
    actions: pd.DataFrame
    outcomes: pd.DataFrame
    arrivals: list[Arrival]      # smart-sensor case reports from confirmed alarms
    alarms: pd.DataFrame         # truth
    device_days: pd.DataFrame    # truth
    welfare_events: pd.DataFrame
    welfare_checks: pd.DataFrame
    counts: dict = field(default_factory=dict)


def _registry(rng, grids: list[Grid], register: pd.DataFrame, start: dt.date, first: dt.date, end: dt.date):
    rows = []
    by_id = {g.grid_id: g for g in grids}

    def add(device_type, g, household=""):
        installed = start - dt.timedelta(days=int(rng.integers(1, 900)))
        if rng.random() < 0.04:   # installed during the device period
            installed = first + dt.timedelta(days=int(rng.integers(0, (end - first).days + 1)))
        rows.append({"device_id": f"DEV{len(rows) + 1:05d}", "device_type": device_type, "grid_id": g.grid_id,
                     "lat": round(float(rng.uniform(g.bounds[1], g.bounds[3])), 6),
                     "lon": round(float(rng.uniform(g.bounds[0], g.bounds[2])), 6),
                     "installed_at": installed, "vendor": str(rng.choice(VENDORS)), "household_id": household})

    for g in (g for g in grids if g.level == "grid" and g.bounds is not None):
        for device_type, (lo, hi) in PER_GRID.items():
            for _ in range(int(rng.integers(lo, hi + 1))):
                add(device_type, g)
    alone = register[(register["change_type"] == "snapshot") & register["elderly_alone"].astype(bool)]
    for h in alone.drop_duplicates("household_id").itertuples():
        if rng.random() > ENROLLED_P:
            continue
        add("door_magnet", by_id[h.grid_id], h.household_id)
        add("water_meter", by_id[h.grid_id], h.household_id)
    reg = pd.DataFrame(rows)
    for col in ("heartbeat_minutes", "offline_after_minutes", "quiet_hours"):
        reg[col] = pd.Series([pd.NA] * len(reg), dtype="Int64")
    # a few devices configured off their type's defaults
    slow = (reg["household_id"] == "") & (rng.random(len(reg)) < 0.03)
    reg.loc[slow, "heartbeat_minutes"] = 60
    reg.loc[slow, "offline_after_minutes"] = 240
    reg.loc[(reg["household_id"] != "") & (rng.random(len(reg)) < 0.1), "quiet_hours"] = 12
    return reg[REGISTRY_COLUMNS]


def _slots(rng, reg, heartbeat, start_min, window):
    """Per device the scheduled message minutes from its start (phase < heartbeat) to the window end."""
    phase = rng.uniform(0, heartbeat)
    first = start_min + phase
    n = np.maximum(np.ceil((window - first) / heartbeat), 0).astype(int)
    dev = np.repeat(np.arange(len(reg)), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    return dev, first[dev] + k * heartbeat[dev]


def generate(rng: np.random.Generator, grids: list[Grid], register: pd.DataFrame, start: dt.date, end: dt.date,
             device_days: int) -> DeviceWorld:
    first = max(start, end - dt.timedelta(days=device_days - 1))
    t0 = pd.Timestamp(first)
    window = ((end - first).days + 1) * 1440
    reg = _registry(rng, grids, register, start, first, end)
    reg["dt"] = [max(d, start) for d in reg["installed_at"]]
    types = reg["device_type"].to_numpy()
    spec = TYPES.loc[types]
    heartbeat = reg["heartbeat_minutes"].astype("float").fillna(pd.Series(spec["heartbeat_minutes"].to_numpy(
        dtype=float))).to_numpy()
    timeout = reg["offline_after_minutes"].astype("float").fillna(pd.Series(spec["offline_after_minutes"].to_numpy(
        dtype=float))).to_numpy()
    start_min = np.maximum((pd.to_datetime(reg["installed_at"]) - t0).dt.days.to_numpy() * 1440.0, 0)
    in_home = reg["household_id"].to_numpy() != ""
    n_dev = len(reg)

    # in-home devices of one household share the hourly phase, so the welfare rule runs on common slots
    households = reg.loc[in_home, "household_id"].unique()
    hh_index = pd.Series(np.arange(len(households)), index=households)
    hh_phase = rng.uniform(0, welfare.HEARTBEAT, len(households))
    dev, minute = _slots(rng, reg, heartbeat, start_min, window)
    home = in_home[dev]
    hh_of_dev = np.full(n_dev, -1)
    hh_of_dev[in_home] = hh_index[reg.loc[in_home, "household_id"]].to_numpy()
    minute = np.where(home, np.floor(minute / 60) * 60 + hh_phase[np.maximum(hh_of_dev[dev], 0)], minute)
    keep = minute < window
    dev, minute, home = dev[keep], minute[keep], home[keep]
    minute = minute + rng.uniform(0, 0.5, len(minute))   # seconds of jitter

    # silences: outages that end, and devices that stop for good (some after a low-battery fault)
    down = np.zeros(len(dev), dtype=bool)
    up_minutes_cut = []   # (device, from, to) minutes not sending
    n_out = rng.poisson(OUTAGE_P * window / 1440, n_dev)
    for d in np.repeat(np.arange(n_dev), n_out):
        a = float(rng.uniform(start_min[d], window))
        up_minutes_cut.append((d, a, min(window, a + float(rng.lognormal(np.log(240), 1.0)))))
    silent = rng.random(n_dev) < SILENT_P
    silent_at = np.where(silent, rng.uniform(start_min, window), np.inf)
    for d in np.nonzero(silent)[0]:
        up_minutes_cut.append((int(d), float(silent_at[d]), float(window)))
    cuts = pd.DataFrame(up_minutes_cut, columns=["dev", "a", "b"])
    for c in cuts.itertuples():
        sel = slice(*np.searchsorted(dev, [c.dev, c.dev + 1]))
        down[sel] |= (minute[sel] >= c.a) & (minute[sel] < c.b)
    dev, minute = dev[~down], minute[~down]

    value = np.full(len(dev), np.nan)
    hour = ((minute // 60) % 24).astype(int)
    t_of = types[dev]
    for device_type, fn in _READINGS.items():
        sel = t_of == device_type
        value[sel] = fn(rng, hour[sel], minute[sel])
    event = np.where(np.isin(t_of, TYPES.index[TYPES["reading_unit"].notna()]), "reading", "heartbeat")

    # welfare: activity per household slot, events, the rule, the worker's outcomes
    n_slots = window // 60 + 1
    hh_slot_hour = np.arange(n_slots) % 24      # the window starts at midnight
    door, water = welfare.activity(rng, len(households), n_slots, hh_slot_hour)
    events = welfare.draw_events(rng, households, n_slots)
    slot_abs = np.floor(minute / 60).astype(int)
    wf = _welfare(rng, reg, dev, slot_abs, door, water, events, hh_of_dev, types, n_slots, t0, hh_phase)
    door_v, water_v, w_events, w_checks, outcomes = wf
    is_door, is_water = t_of == "door_magnet", t_of == "water_meter"
    value[is_door] = door_v
    value[is_water] = water_v

    # drift: a reading creeps out of its physical range
    drift_dev = np.nonzero(np.isin(types, ["hydrant_pressure", "trash_bin"]) & (rng.random(n_dev) < DRIFT_P))[0]
    drift_from = rng.uniform(0, window, n_dev)
    rate = np.where(types == "hydrant_pressure", 0.1, 5.0) / 60   # units per minute
    drifting = np.isin(dev, drift_dev) & (minute > drift_from[dev])
    value[drifting] += rate[dev[drifting]] * (minute[drifting] - drift_from[dev[drifting]])
    value = np.where(np.isnan(value), np.nan, np.round(value, 3))

    frames = [pd.DataFrame({"dev": dev, "minute": minute, "event_type": event, "value": value, "code": ""})]
    # faults reported by devices (they keep sending), then restored
    n_f = rng.poisson(FAULT_P * window / 1440, n_dev)
    f_dev = np.repeat(np.arange(n_dev), n_f)
    f_at = rng.uniform(start_min[f_dev], window)
    f_end = f_at + rng.lognormal(np.log(180), 1.0, len(f_dev))
    f_code = np.array(FAULT_CODES)[rng.integers(0, len(FAULT_CODES), len(f_dev))]
    for d in np.nonzero(silent)[0]:   # a dying battery warns first
        if rng.random() < 0.5 and silent_at[d] - 60 > start_min[d]:
            f_dev, f_at = np.append(f_dev, d), np.append(f_at, silent_at[d] - rng.uniform(10, 60))
            f_end, f_code = np.append(f_end, np.inf), np.append(f_code, "low_battery")
    alive = f_at < np.minimum(silent_at[f_dev], window)
    frames.append(pd.DataFrame({"dev": f_dev[alive], "minute": f_at[alive], "event_type": "fault",
                                "value": np.nan, "code": f_code[alive]}))
    ok = alive & (f_end < np.minimum(silent_at[f_dev], window))
    frames.append(pd.DataFrame({"dev": f_dev[ok], "minute": f_end[ok], "event_type": "restore",
                                "value": np.nan, "code": f_code[ok]}))

    alarm_msgs, actions, alarms = _alarms(rng, reg, types, start_min, silent_at, cuts, window, t0)
    frames.append(alarm_msgs)
    tel = pd.concat(frames, ignore_index=True).sort_values(["minute", "dev"], kind="stable", ignore_index=True)

    # clock skew (public devices), then delivery flaws
    skew = np.where(~in_home & (rng.random(n_dev) < SKEW_P), rng.choice([-1, 1], n_dev) * rng.uniform(2, 15, n_dev),
                    0.0)
    tel["sent"] = tel["minute"]
    tel["minute"] = tel["minute"] + skew[tel["dev"].to_numpy()]
    tel["ts"] = t0 + pd.to_timedelta(np.round(tel["minute"].to_numpy() * 60), unit="s")
    tel["day"] = (t0 + pd.to_timedelta(np.floor(tel["sent"].to_numpy() / 1440), unit="D")).date
    phys_lo = TYPES["reading_min"].reindex(types).to_numpy()[tel["dev"]]
    phys_hi = TYPES["reading_max"].reindex(types).to_numpy()[tel["dev"]]
    v = tel["value"].to_numpy()
    tel["bad"] = np.where((tel["event_type"] == "reading") & ((v < phys_lo) | (v > phys_hi)), "out_of_range", "")
    device_days = _online(reg, tel, timeout, start_min, cuts, window, first)

    key = tel["dev"].astype(np.int64) * 10_000 + (tel["sent"] // 1440).astype(np.int64)
    late_keys = np.unique(key)[rng.random(len(np.unique(key))) < LATE_P]
    lag = pd.Series(rng.integers(1, 4, len(late_keys)), index=late_keys)
    late = key.isin(late_keys).to_numpy()
    shift = np.where(late, key.map(lag).fillna(0).to_numpy(), 0).astype(int)
    tel["dt"] = np.minimum(pd.to_datetime(tel["day"]) + pd.to_timedelta(shift, unit="D"), pd.Timestamp(end)).dt.date
    tel["late"] = pd.to_datetime(tel["dt"]) > pd.to_datetime(tel["day"])
    tel["device_id"] = reg["device_id"].to_numpy()[tel["dev"]]
    dup = tel[rng.random(len(tel)) < DUPLICATE_P].assign(bad="")
    n_bad = rng.binomial(len(tel), BAD_P, 3)
    unknown = tel.iloc[rng.integers(0, len(tel), n_bad[0])].assign(
        device_id=[f"DEV9{int(x):04d}" for x in rng.integers(0, 10_000, n_bad[0])], bad="unknown_device")
    future = tel.iloc[rng.integers(0, len(tel), n_bad[1])].assign(bad="future_time")
    future["ts"] = future["ts"] + pd.Timedelta(days=3653)
    old = tel.iloc[rng.integers(0, len(tel), n_bad[2])].assign(bad="too_old")
    old["ts"] = pd.Timestamp("1970-01-01 08:00:00") + pd.to_timedelta(rng.integers(0, 86400, len(old)), unit="s")
    tel = pd.concat([tel.assign(copy=0), dup.assign(copy=1), unknown.assign(copy=2), future.assign(copy=2),
                     old.assign(copy=2)], ignore_index=True)
    # a file holds its day in time order, late batches after it
    tel = tel.sort_values(["dt", "late", "sent", "dev", "copy"], kind="stable", ignore_index=True)
    tel["ts"] = np.char.replace(np.datetime_as_string(tel["ts"].to_numpy().astype("datetime64[s]"), unit="s"),
                                "T", " ")
    counts = {"telemetry_rows": int(len(tel)), "duplicates": int(len(dup)), "late_rows": int(tel["late"].sum()),
              "skewed_devices": int((skew != 0).sum()), "silent_devices": int(silent.sum()),
              "drifting_devices": int(len(drift_dev)),
              "bad_rows": {k: int((tel["bad"] == k).sum()) for k in
                           ("unknown_device", "future_time", "too_old", "out_of_range")}}
    telemetry = tel[TELEMETRY_COLUMNS + ["dt", "bad"]]

    arrivals = []
    for a in alarms[alarms["confirmed_at"].notna()].itertuples():
        reported = (a.confirmed_at + pd.Timedelta(minutes=float(rng.uniform(2, 20)))).floor("s")
        if reported < pd.Timestamp(end) + pd.Timedelta(days=1):
            arrivals.append(Arrival(reported.to_pydatetime(), a.grid_id, a.category_l2, a.lat, a.lon,
                                    channel="smart_sensor", device_id=a.device_id))
            alarms.loc[a.Index, "case_reported_at"] = reported
    return DeviceWorld(reg, telemetry, actions, outcomes, arrivals, alarms, device_days, w_events, w_checks,
                       counts)


def _diurnal(hour, day_level, night_level):
    return np.where((hour >= 7) & (hour < 22), day_level, night_level)


_READINGS = {
    "hydrant_pressure": lambda rng, h, m: 0.38 - 0.06 * _diurnal(h, 1, 0) + rng.normal(0, 0.01, len(h)),
    "trash_bin": lambda rng, h, m: np.clip(((m % 720) / 720) * 70 + rng.normal(0, 3, len(h)), 0, 100),
    "video_face": lambda rng, h, m: rng.poisson(_diurnal(h, 120, 8)).astype(float),
    "video_vehicle": lambda rng, h, m: rng.poisson(_diurnal(h, 40, 4)).astype(float),
    "elevator": lambda rng, h, m: rng.poisson(_diurnal(h, 25, 2)).astype(float),
}


def _welfare(rng, reg, dev, slot_abs, door, water, events, hh_of_dev, types, n_slots, t0, hh_phase):
    """Reported door counts and meter totals for the in-home messages, the true welfare events, the checks
    the rule raises on what was reported, and the worker's outcomes."""
    n_h = door.shape[0]
    t_of = types[dev]
    is_door, is_water = t_of == "door_magnet", t_of == "water_meter"
    sent_door = np.zeros((n_h, n_slots), bool)
    sent_water = np.zeros((n_h, n_slots), bool)
    sent_door[hh_of_dev[dev[is_door]], slot_abs[is_door]] = True
    sent_water[hh_of_dev[dev[is_water]], slot_abs[is_water]] = True

    def online_of(sent):
        c = np.concatenate([np.zeros((n_h, 1)), np.cumsum(sent, axis=1)], axis=1)
        lo = np.maximum(np.arange(n_slots) - 2, 0)
        return (c[:, np.arange(n_slots) + 1] - c[:, lo]) > 0      # a message within the last 3 hours

    online = online_of(sent_door) & online_of(sent_water)
    base_total = np.round(rng.uniform(50, 3000, n_h), 3)

    def reported(d, w):
        cdoor = np.cumsum(d, axis=1)
        total = base_total[:, None] + np.cumsum(w, axis=1)
        # door: openings since the previous message
        idx = np.where(sent_door, np.arange(n_slots), -1)
        prev = np.maximum.accumulate(np.concatenate([np.full((n_h, 1), -1), idx[:, :-1]], axis=1), axis=1)
        since = cdoor - np.where(prev >= 0, np.take_along_axis(cdoor, np.maximum(prev, 0), 1), 0)
        # the rule sees door counts where sent and the meter total as last reported
        seen_total = np.where(sent_water, total, np.nan)
        seen_total = pd.DataFrame(seen_total.T).ffill().fillna(pd.Series(base_total)).to_numpy().T
        return np.where(sent_door, since, 0), total, seen_total

    def run(end_slot):
        d, w = welfare.apply_events(door, water, events, end_slot)
        door_seen, total, seen_total = reported(d, w)
        return door_seen, total, welfare.checks(door_seen, seen_total, online)

    def slot_time(h, s):
        return t0 + pd.Timedelta(minutes=float(s * 60 + hh_phase[h]))

    _, _, first = run(None)
    delays: dict[tuple[int, int], tuple[str, float]] = {}

    by_household = {h: part for h, part in events.groupby("household")}

    def event_of(h, s, ends):
        """The welfare event a check raised at slot s belongs to (it is still going on)."""
        for e in by_household.get(h, events.iloc[:0]).itertuples():
            stop = min(e.start_slot + e.slots, ends.get(e.Index, 10**9))
            if e.start_slot <= s <= stop + 1:
                return e
        return None

    end_slot = {}
    for c in first.itertuples():
        e = event_of(c.household, c.raised_slot, end_slot)
        kind = None if e is None else e.kind
        if kind == "tap" and c.reason != "continuous_water" or kind in ("fall", "away") and c.reason != "no_activity":
            kind = None
        delays[(c.household, c.raised_slot)] = welfare.outcome(rng, kind)
        if kind in ("fall", "tap") and e.Index not in end_slot:
            end_slot[e.Index] = c.raised_slot + int(np.ceil(delays[(c.household, c.raised_slot)][1] / 60)) + 1
    door_seen, total, final = run(end_slot)
    hh = reg.loc[reg["household_id"] != "", "household_id"].unique()
    rows = []
    for c in final.itertuples():
        e = event_of(c.household, c.raised_slot, end_slot)
        kind = None if e is None else e.kind
        if kind == "tap" and c.reason != "continuous_water" or kind in ("fall", "away") and c.reason != "no_activity":
            kind = None
        out, minutes = delays.get((c.household, c.raised_slot)) or welfare.outcome(rng, kind)
        if kind == "fall":
            out = "help_needed"
        raised = slot_time(c.household, c.raised_slot) + pd.Timedelta(seconds=30)
        rows.append({"household_id": hh[c.household], "reason": c.reason,
                     "quiet_since": slot_time(c.household, c.since_slot).floor("s"), "raised_at": raised.ceil("s"),
                     "event_kind": kind or "", "outcome": out,
                     "outcome_at": (raised + pd.Timedelta(minutes=minutes)).floor("s")})
    checks = pd.DataFrame(rows, columns=["household_id", "reason", "quiet_since", "raised_at", "event_kind",
                                         "outcome", "outcome_at"])
    checks["outcome_at"] = pd.to_datetime(checks["outcome_at"])
    window_end = t0 + pd.Timedelta(minutes=(n_slots - 1) * 60)
    ev = []
    for e in events.itertuples():
        h = e.household
        stop = min(e.start_slot + e.slots, end_slot.get(e.Index, 10**9), n_slots - 1)
        if e.kind == "tap":   # use just before the tap may complete the 6 hours a little earlier
            since, width = e.start_slot, welfare.TAP_SLOTS
            expected = e.slots >= width + 1
        else:
            active = (door[h, :e.start_slot] > 0) | (water[h, :e.start_slot] > 0)
            since = int(np.nonzero(active)[0][-1]) + 1 if active.any() else 0
            width, expected = welfare.QUIET_SLOTS, stop - since >= welfare.QUIET_SLOTS + 1
        due = since + width
        expected = expected and due + 2 < n_slots and bool(online[h, min(due, n_slots - 1)])
        ev.append({"household_id": hh[h], "kind": e.kind, "start": slot_time(h, e.start_slot).floor("s"),
                   "end": slot_time(h, stop).floor("s") if stop < n_slots - 1 else pd.NaT,
                   "check_from": slot_time(h, e.start_slot if e.kind == "tap" else due - 1).floor("s")
                   if expected else pd.NaT,
                   "check_until": slot_time(h, due + 2).floor("s") if expected else pd.NaT})
    w_events = pd.DataFrame(ev, columns=["household_id", "kind", "start", "end", "check_from", "check_until"])
    outcomes = checks[checks["outcome_at"] <= window_end + pd.Timedelta(minutes=59)].rename(
        columns={"outcome_at": "at"})[["household_id", "at", "outcome"]].assign(actor=lambda f: [
            f"grid:{h.rsplit('-', 1)[0]}" for h in f["household_id"]])
    outcomes = outcomes.sort_values("at", ignore_index=True)
    outcomes["at"] = pd.to_datetime(outcomes["at"])
    outcomes["dt"] = outcomes["at"].dt.date
    outcomes["at"] = outcomes["at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    door_v = door_seen[hh_of_dev[dev[is_door]], slot_abs[is_door]].astype(float)
    water_v = np.round(total[hh_of_dev[dev[is_water]], slot_abs[is_water]], 3)
    return door_v, water_v, w_events, checks, outcomes


def _alarms(rng, reg, types, start_min, silent_at, cuts, window, t0):
    """Alarm and clear messages, the duty room's actions and the truth of every alarm."""
    msgs, actions, truth = [], [], []

    def at(m):
        return (t0 + pd.Timedelta(seconds=round(m * 60))).floor("s")

    def down(d, m):
        c = cuts[cuts["dev"] == d]
        return m >= silent_at[d] or bool(((c["a"] <= m) & (c["b"] > m)).any())

    for d in range(len(reg)):
        device_type = types[d]
        if device_type not in ALARMS:
            continue
        code, p_true, p_false, category = ALARMS[device_type]
        days = (window - start_min[d]) / 1440
        flap = rng.random() < FLAP_P
        episodes = [("true", m) for m in rng.uniform(start_min[d], window, rng.poisson(p_true * days))]
        episodes += [("false", m) for m in rng.uniform(start_min[d], window, rng.poisson(p_false * days))]
        if flap:
            episodes.append(("flap", float(rng.uniform(start_min[d], window))))
        episodes.sort(key=lambda e: e[1])
        busy_until = -1.0
        for nature, m in episodes:
            if m < busy_until or down(d, m):
                continue
            row = reg.iloc[d]
            base = {"device_id": row.device_id, "device_type": device_type, "grid_id": row.grid_id, "code": code,
                    "lat": row.lat, "lon": row.lon, "category_l2": category}
            if nature == "flap":   # alarm/clear alternating every few minutes; suppressed after the 2nd opening
                t = m
                for i in range(int(rng.integers(6, 14))):
                    end = t + float(rng.uniform(0.5, 3))
                    msgs += [(d, t, "alarm", code), (d, end, "clear", code)]
                    truth.append({**base, "raised_at": at(t), "nature": "flap", "suppressed": i >= 2,
                                  "acknowledged_at": pd.NaT, "disposition": "unreviewed", "confirmed_at": pd.NaT,
                                  "cleared_at": at(end), "cleared_by": "device"})
                    t = end + float(rng.uniform(0.5, 3))
                busy_until = t + 24 * 60
                continue
            ack = m + float(np.clip(rng.lognormal(np.log(6), 0.8), 1, 180))
            judge = ack + float(rng.uniform(2, 25))
            if nature == "false" and rng.random() < 0.25:   # clears itself before anyone looks
                end, by, ack, judge = m + float(rng.uniform(2, 9)), "device", None, None
            elif nature == "false":
                end, by = judge, "false_alarm"
            else:
                end = judge + float(rng.lognormal(np.log(90), 0.8))
                by = "device" if rng.random() < 0.7 else "cleared"
            repeats = np.arange(m, min(end, window), REPEAT_MINUTES)
            msgs += [(d, r, "alarm", code) for r in repeats]
            if by == "device" and end < window:
                msgs.append((d, end, "clear", code))
            actor = f"duty:{row.grid_id.rsplit('-', 2)[0]}"
            for kind, when in (("acknowledged", ack), ("confirmed" if nature == "true" else "false_alarm", judge),
                               ("cleared", end if by == "cleared" else None)):
                if when is not None and when < window:
                    actions.append({"device_id": row.device_id, "code": code, "at": at(when), "action": kind,
                                    "actor": actor})
            truth.append({**base, "raised_at": at(m), "nature": nature, "suppressed": False,
                          "acknowledged_at": at(ack) if ack is not None and ack < window else pd.NaT,
                          "disposition": ("confirmed" if nature == "true" else "false_alarm")
                          if judge is not None and judge < window else "unreviewed",
                          "confirmed_at": at(judge) if nature == "true" and judge < window else pd.NaT,
                          "cleared_at": at(end) if end < window else pd.NaT,
                          "cleared_by": by if end < window else ""})
            busy_until = end + 30
    frame = pd.DataFrame(msgs, columns=["dev", "minute", "event_type", "code"]).assign(value=np.nan)
    acts = pd.DataFrame(actions, columns=["device_id", "code", "at", "action", "actor"]).sort_values(
        "at", kind="stable", ignore_index=True)
    acts["at"] = pd.to_datetime(acts["at"])
    acts["dt"] = acts["at"].dt.date
    acts["at"] = acts["at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    alarms = pd.DataFrame(truth, columns=["device_id", "device_type", "grid_id", "code", "lat", "lon", "category_l2",
                                          "raised_at", "nature", "suppressed", "acknowledged_at", "disposition",
                                          "confirmed_at", "cleared_at", "cleared_by"])
    alarms["case_reported_at"] = pd.NaT
    alarms["case_id"] = ""
    return frame, acts, alarms


def _online(reg, tel, timeout, start_min, cuts, window, first):
    """Per device and day: installed minutes, minutes actually sending (up) and online minutes by the rule
    (a message keeps the device online for offline_after minutes) on the messages the warehouse keeps."""
    days = window // 1440
    kept = tel[tel["bad"] == ""]
    order = np.lexsort((kept["minute"].to_numpy(), kept["dev"].to_numpy()))
    d = kept["dev"].to_numpy()[order]
    m = np.clip(kept["minute"].to_numpy()[order], 0, window)
    nxt = np.append(m[1:], np.inf)
    nxt = np.where(np.append(d[1:] != d[:-1], True), np.inf, nxt)
    a, b = m, np.minimum(np.minimum(nxt, m + timeout[d]), window)
    online = np.zeros((len(reg), days))
    da = np.minimum((a // 1440).astype(int), days - 1)
    split = np.minimum((da + 1) * 1440.0, b)
    np.add.at(online, (d, da), split - a)
    more = b > split
    np.add.at(online, (d[more], np.minimum(da[more] + 1, days - 1)), b[more] - split[more])
    day_lo = np.arange(days) * 1440.0
    installed = np.clip(day_lo[None, :] + 1440 - start_min[:, None], 0, 1440)
    down = np.zeros_like(online)
    for c in cuts.itertuples():
        down[c.dev] += np.clip(np.minimum(c.b, day_lo + 1440) - np.maximum(c.a, day_lo), 0, None)
    up = np.clip(installed - np.minimum(down, installed), 0, 1440)
    out = pd.DataFrame({"device_id": np.repeat(reg["device_id"].to_numpy(), days),
                        "device_type": np.repeat(reg["device_type"].to_numpy(), days),
                        "grid_id": np.repeat(reg["grid_id"].to_numpy(), days),
                        "date_day": np.tile([first + dt.timedelta(days=i) for i in range(days)], len(reg)),
                        "installed_minutes": installed.ravel().round(1), "up_minutes": up.ravel().round(1),
                        "online_minutes": np.minimum(online, installed).ravel().round(1)})
    out = out[out["installed_minutes"] > 0].reset_index(drop=True)
    out["is_online"] = out["online_minutes"] >= 0.5 * out["installed_minutes"]
    return out


def link_cases(fleet: DeviceWorld, cases: pd.DataFrame) -> None:
    """The case id of each confirmed alarm's smart-sensor case (same device, reported at that time)."""
    sensor = cases[cases["device_id"] != ""]
    pairs = zip(sensor["device_id"], pd.to_datetime(sensor["reported_at"]), strict=True)
    key = dict(zip(pairs, sensor["case_id"], strict=True))
    alarms = fleet.alarms
    alarms["case_id"] = [key.get((d, pd.Timestamp(t)), "") if pd.notna(t) else ""
                         for d, t in zip(alarms["device_id"], alarms["case_reported_at"], strict=True)]


def write_truth(folder: Path, fleet: DeviceWorld) -> dict:
    """truth/devices/: device_days.csv, alarms.csv, welfare_events.csv, welfare_checks.csv, summary.json."""
    folder.mkdir(parents=True, exist_ok=True)
    fleet.device_days.to_csv(folder / "device_days.csv", index=False)
    alarms = fleet.alarms.drop(columns=["lat", "lon"])
    alarms.insert(0, "alarm_no", range(1, len(alarms) + 1))
    alarms.to_csv(folder / "alarms.csv", index=False)
    fleet.welfare_events.to_csv(folder / "welfare_events.csv", index=False)
    fleet.welfare_checks.to_csv(folder / "welfare_checks.csv", index=False)
    a = fleet.alarms
    summary = {**fleet.counts,
               "devices": int(len(fleet.registry)),
               "devices_by_type": fleet.registry["device_type"].value_counts().sort_index().astype(int).to_dict(),
               "alarms": int(len(a)), "alarms_true": int((a["nature"] == "true").sum()),
               "alarms_false": int((a["nature"] == "false").sum()), "alarms_flap": int((a["nature"] == "flap").sum()),
               "alarms_suppressed": int(a["suppressed"].sum()), "alarm_cases": int((a["case_id"] != "").sum()),
               "alarm_actions": int(len(fleet.actions)),
               "welfare_events": fleet.welfare_events["kind"].value_counts().sort_index().astype(int).to_dict(),
               "welfare_checks": int(len(fleet.welfare_checks)), "welfare_outcomes": int(len(fleet.outcomes))}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary

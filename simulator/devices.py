"""IoT device registry and telemetry: heartbeats, alarms, faults, restores and readings.

Video channels report counts only; no images, face features or plates ever leave the device here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from simulator.world import Grid

VENDORS = ["海康威视", "大华", "宇视", "海曼", "泰和安", "华为"]
# device type: (devices per L3 grid as a (low, high) range, alarm probability per device-day)
FLEET = {"smoke_detector": ((2, 6), 0.002), "gas_detector": ((0, 3), 0.001), "hydrant_pressure": ((0, 2), 0.001),
         "manhole_cover": ((0, 3), 0.0015), "trash_bin": ((1, 4), 0.0), "access_gate": ((1, 3), 0.0005),
         "video_face": ((0, 2), 0.0), "video_vehicle": ((0, 1), 0.0), "ebike_charger": ((0, 2), 0.002),
         "elevator": ((0, 3), 0.003), "door_magnet": ((0, 2), 0.001), "water_meter": ((0, 2), 0.0)}
READING_TYPES = {"trash_bin", "video_face", "video_vehicle", "water_meter", "hydrant_pressure"}
FAIL_P, RECOVER_P = 0.004, 0.25   # daily chance a device drops offline / comes back
HEARTBEAT_HOURS = (8,)   # one daily keep-alive (plus readings) per device
REGISTRY_COLUMNS = ["device_id", "device_type", "grid_id", "lat", "lon", "installed_at", "vendor"]
TELEMETRY_COLUMNS = ["device_id", "ts", "event_type", "value", "code"]


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Registry rows (landed on the day of install; the initial fleet on `start`), telemetry rows, and
    the true number of devices online each day (for evaluation only)."""
    registry = []
    for g in (g for g in grids if g.level == "grid" and g.bounds is not None):
        for device_type, ((lo, hi), _) in FLEET.items():
            for _ in range(int(rng.integers(lo, hi + 1))):
                installed = start - dt.timedelta(days=int(rng.integers(1, 900)))
                if rng.random() < 0.08:  # some devices are installed during the period
                    installed = start + dt.timedelta(days=int(rng.integers(1, max((end - start).days, 2))))
                registry.append({
                    "device_id": f"DEV{len(registry) + 1:05d}", "device_type": device_type, "grid_id": g.grid_id,
                    "lat": round(float(rng.uniform(g.bounds[1], g.bounds[3])), 6),
                    "lon": round(float(rng.uniform(g.bounds[0], g.bounds[2])), 6),
                    "installed_at": installed, "vendor": str(rng.choice(VENDORS))})
    reg = pd.DataFrame(registry, columns=REGISTRY_COLUMNS)
    reg["dt"] = [max(d, start) for d in reg["installed_at"]]
    ids = reg["device_id"].to_numpy()
    types = reg["device_type"].to_numpy()
    alarm_p = np.array([FLEET[t][1] for t in types])
    reads = np.isin(types, list(READING_TYPES))
    online = np.ones(len(reg), dtype=bool)
    installed = pd.to_datetime(reg["installed_at"]).to_numpy()
    parts, truth = [], []
    day = start
    while day <= end:
        active = installed <= np.datetime64(day)
        was = online.copy()
        fail, recover = rng.random(len(reg)) < FAIL_P, rng.random(len(reg)) < RECOVER_P
        online = np.where(online, ~fail, recover)
        base = pd.Timestamp(day)
        for idx, event_type, hour in ((active & was & ~online, "fault", 3), (active & ~was & online, "restore", 3)):
            parts.append(pd.DataFrame({"device_id": ids[idx], "ts": base + pd.Timedelta(hours=hour),
                                       "event_type": event_type, "value": np.nan, "code": "E_OFFLINE"}))
        up = active & online
        truth.append({"date": day, "devices_active": int(active.sum()), "devices_online": int(up.sum())})
        for hour in HEARTBEAT_HOURS:
            ts = base + pd.Timedelta(hours=hour) + pd.to_timedelta(rng.integers(0, 300, up.sum()), unit="s")
            parts.append(pd.DataFrame({"device_id": ids[up], "ts": ts, "event_type": "heartbeat",
                                       "value": np.nan, "code": ""}))
            r = up & reads
            parts.append(pd.DataFrame({"device_id": ids[r], "ts": ts[reads[up]], "event_type": "reading",
                                       "value": np.round(rng.uniform(0, 100, r.sum()), 1), "code": ""}))
        alarm = up & (rng.random(len(reg)) < alarm_p)
        parts.append(pd.DataFrame({"device_id": ids[alarm], "ts": base + pd.to_timedelta(
            rng.integers(0, 86400, alarm.sum()), unit="s"), "event_type": "alarm", "value": np.nan,
            "code": np.where(rng.random(alarm.sum()) < 0.3, "A_FALSE", "A_REAL")}))
        day += dt.timedelta(days=1)
    telemetry = pd.concat(parts, ignore_index=True)[TELEMETRY_COLUMNS]
    telemetry["dt"] = telemetry["ts"].dt.date
    return reg, telemetry, pd.DataFrame(truth)

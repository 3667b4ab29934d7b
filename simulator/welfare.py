"""Elderly people living alone: their day at home as a door magnet and a water meter see it, the real
welfare events (falls, taps left running, absences), and the grid worker's response to the checks the
rule of docs/devices.md raises on the telemetry.

Both devices of a household report on one hourly slot grid (HEARTBEAT), so the rule runs on slots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HEARTBEAT = 60                      # minutes, both in-home types (seed device_types.csv)
QUIET_SLOTS, TAP_SLOTS = 12, 6      # quiet_hours 12 h; water in every reading for 6 h
QUIET_WATER = 0.01                  # m³
# per hour of day: chance of using water in that hour, and door openings expected in that hour
WATER_P = np.array([0.25] * 6 + [0.6, 0.5, 0.3, 0.3, 0.3, 0.35, 0.3, 0.25, 0.25, 0.25, 0.3, 0.35, 0.4, 0.35,
                                 0.3, 0.3, 0.25, 0.25])     # night: the toilet
DOOR_MEAN = np.array([0.01] * 6 + [0.5, 0.8, 0.8, 0.6, 0.4, 0.4, 0.3, 0.3, 0.4, 0.6, 0.7, 0.6, 0.5, 0.4,
                                   0.3, 0.1, 0.02, 0.01])
FALL_P, TAP_P, AWAY_P = 0.0025, 0.002, 0.004   # per household-day


def activity(rng, n_households: int, n_slots: int, slot_hour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Door openings and water use (m³) per household and hourly slot of an ordinary life."""
    hour = slot_hour[None, :]
    door = rng.poisson(DOOR_MEAN[hour].repeat(n_households, 0))
    uses = rng.random((n_households, n_slots)) < WATER_P[hour]
    run = np.zeros(n_households, dtype=int)
    for s in range(n_slots):   # nobody draws water five hours on end in ordinary life
        run = np.where(uses[:, s], run + 1, 0)
        uses[:, s] &= run < 5
        run = np.where(uses[:, s], run, 0)
    water = np.where(uses, np.round(rng.gamma(2.0, 0.008, (n_households, n_slots)) + 0.01, 3), 0.0)
    return door, water


def draw_events(rng, households: np.ndarray, n_slots: int) -> pd.DataFrame:
    """Falls, taps left running and absences: household index, kind, first slot, planned slots."""
    days = n_slots / 24
    rows = []
    for kind, p, lo, hi in (("fall", FALL_P, 10**6, 10**6), ("tap", TAP_P, 2, 10), ("away", AWAY_P, 24, 48)):
        n = rng.poisson(p * days, len(households))
        for h in np.repeat(np.arange(len(households)), n):
            rows.append((int(h), kind, int(rng.integers(0, n_slots)), int(rng.integers(lo, hi + 1))))
    events = pd.DataFrame(rows, columns=["household", "kind", "start_slot", "slots"])
    events = events.sort_values(["household", "start_slot"]).drop_duplicates("household")  # one a household
    return events.reset_index(drop=True)


def apply_events(door, water, events: pd.DataFrame, end_slot: dict[int, int] | None = None):
    """Activity with the events in it: no activity while fallen or away, water in every slot of a tap."""
    door, water = door.copy(), water.copy()
    for e in events.itertuples():
        stop = min(door.shape[1], e.start_slot + e.slots)
        if end_slot and e.Index in end_slot:
            stop = min(stop, end_slot[e.Index])
        if e.kind == "tap":
            water[e.household, e.start_slot:stop] = 0.06
        else:
            door[e.household, e.start_slot:stop] = 0
            water[e.household, e.start_slot:stop] = 0.0
    return door, water


def checks(door_sent: np.ndarray, water_total: np.ndarray, online: np.ndarray) -> pd.DataFrame:
    """The welfare rule on the slot grid: household, reason, quiet/continuous since (slot), raised (slot).
    door_sent: openings reported per slot (0 where no message); water_total: meter total (ffilled);
    online: both devices online at that slot."""
    n_h, n_s = door_sent.shape
    cdoor = np.concatenate([np.zeros((n_h, 1)), np.cumsum(door_sent, axis=1)], axis=1)
    rows = []
    for reason, width in (("no_activity", QUIET_SLOTS), ("continuous_water", TAP_SLOTS)):
        if n_s <= width:
            continue
        k = np.arange(width, n_s)
        if reason == "no_activity":
            hit = ((cdoor[:, k + 1] - cdoor[:, k + 1 - width]) == 0) & \
                  (water_total[:, k] - water_total[:, k - width] < QUIET_WATER)
        else:
            used = np.diff(water_total, axis=1) > 1e-9                      # used[:, j]: slot j → j+1
            c = np.concatenate([np.zeros((n_h, 1)), np.cumsum(used, axis=1)], axis=1)
            hit = (c[:, k] - c[:, k - width]) == width
        hit &= online[:, k]
        start = hit & ~np.concatenate([np.zeros((n_h, 1), bool), hit[:, :-1]], axis=1)
        for h, j in zip(*np.nonzero(start), strict=True):
            rows.append((int(h), reason, int(k[j] - width), int(k[j])))
    return pd.DataFrame(rows, columns=["household", "reason", "since_slot", "raised_slot"]).sort_values(
        ["household", "raised_slot"], ignore_index=True)


def outcome(rng, kind: str | None) -> tuple[str, float]:
    """The grid worker's answer to a check and the minutes it took (10 min – 6 h)."""
    if kind == "fall":
        return "help_needed", float(rng.uniform(10, 120))
    if kind == "away":
        return "away", float(rng.uniform(10, 360))
    return ("visited_safe" if rng.random() < 0.15 else "safe_after_call"), float(rng.uniform(10, 360))

"""Hourly in/out counts per counter in the commercial zones, shaped by hour, weekday, Chinese holidays
(Golden Week and Spring Festival strongest, the eve of a holiday busier, 调休 working days like any
working day), weather-like noise and events (an evening crowd in one zone), with counter outages that
leave gaps (missing hours, not zeros) and counter resets (a rebooting counter reports 0 in / 0 out for
an hour while people keep walking past — the marts treat such an hour as not reported)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models_ml.calendar import day_flags
from simulator.world import Zone

COUNTERS_PER_ZONE = 2
# Share of a day's visitors arriving in each hour (local time).
HOUR_SHAPE = np.array([0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 1.0, 1.4, 1.8, 2.2, 2.4, 2.3, 2.4, 2.6, 2.7,
                       2.8, 3.0, 3.2, 3.0, 2.2, 1.2, 0.5])
HOUR_SHAPE = HOUR_SHAPE / HOUR_SHAPE.max()
BIG_HOLIDAYS = {"national_day": 3.0, "spring_festival": 2.6}
HOLIDAY_EVE = 1.25   # the evening before a holiday
OUTAGE_P = 0.004   # daily chance a counter stops for some hours
RESET_P = 0.01     # daily chance a counter reboots and reports one zero hour
EVENT_P = 0.02     # daily chance of an event (concert, promotion) in a zone: a crowd from 17:00 to 22:00
EVENT_FACTOR = 1.8
COLUMNS = ["counter_id", "zone_id", "ts", "count_in", "count_out"]


def day_factor(day: dt.date) -> float:
    flags = day_flags(day)
    if flags["is_holiday"]:
        return BIG_HOLIDAYS.get(flags["holiday"], 1.7)
    return 1.45 if not flags["is_workday"] else 1.0


def hour_factors(day: dt.date) -> np.ndarray:
    """Per hour of `day`: the day's factor, with the evening before a holiday busier."""
    factors = np.full(24, day_factor(day))
    if day_flags(day + dt.timedelta(days=1))["is_holiday"] and not day_flags(day)["is_holiday"]:
        factors[17:] *= HOLIDAY_EVE
    return factors


def generate(rng: np.random.Generator, zones: list[Zone], start: dt.date, end: dt.date) -> pd.DataFrame:
    parts = []
    day = start
    while day <= end:
        weather = float(rng.lognormal(0, 0.15))
        hours = pd.Timestamp(day) + pd.to_timedelta(np.arange(24), unit="h")
        factors = hour_factors(day)
        for z in zones:
            mean = z.base_hourly_visitors * HOUR_SHAPE * factors * weather / COUNTERS_PER_ZONE
            if rng.random() < EVENT_P:
                mean[17:22] *= EVENT_FACTOR
            for c in range(COUNTERS_PER_ZONE):
                count_in = rng.poisson(mean)
                count_out = rng.poisson(np.roll(mean, 1))
                keep = np.ones(24, dtype=bool)
                if rng.random() < OUTAGE_P:
                    first = int(rng.integers(0, 20))
                    keep[first:first + int(rng.integers(3, 10))] = False
                if rng.random() < RESET_P:
                    reset = int(rng.integers(9, 21))
                    count_in[reset] = count_out[reset] = 0
                parts.append(pd.DataFrame({"counter_id": f"{z.zone_id}-P{c + 1}", "zone_id": z.zone_id,
                                           "ts": hours[keep], "count_in": count_in[keep],
                                           "count_out": count_out[keep]}))
        day += dt.timedelta(days=1)
    frame = pd.concat(parts, ignore_index=True)[COLUMNS]
    frame["dt"] = frame["ts"].dt.date
    return frame

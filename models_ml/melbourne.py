"""Adapter: City of Melbourne hourly pedestrian counts (tsibble's `pedestrian` data, converted to CSV;
see ../shared/realdata/PROVENANCE.md) → the canonical foot-traffic shape.

Each sensor becomes a zone with one counter (counter_id = zone_id = a slug of the sensor name).
`ts` is the hour start in Melbourne local time (the file's Date + Time columns), like the demo world's
local time. Hours without a count were dropped upstream: they stay gaps (no row). At the end of
daylight saving one local hour occurs twice; its two counts are summed into that local hour, and the
skipped hour at its start is a gap. The sensors count passers-by in both directions: the count goes
to count_in and count_out is left empty (NaN).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

REQUIRED = ["Sensor", "Date", "Time", "Count"]


def zone_slug(sensor: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", sensor.lower()).strip("_")


def read_melbourne(path: Path) -> pd.DataFrame:
    """Canonical foot_traffic rows (counter_id, zone_id, ts, count_in, count_out) from the CSV."""
    raw = pd.read_csv(path)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{path} is not the Melbourne pedestrian file: missing columns {', '.join(missing)}")
    ts = pd.to_datetime(raw["Date"], errors="coerce") + pd.to_timedelta(pd.to_numeric(raw["Time"], errors="coerce"),
                                                                       unit="h")
    count = pd.to_numeric(raw["Count"], errors="coerce")
    bad = ts.isna() | count.isna() | (count < 0)
    if bad.any():
        raise ValueError(f"{path}: {int(bad.sum())} rows with an unreadable date, hour or count "
                         f"(first at line {int(bad.idxmax()) + 2})")
    frame = pd.DataFrame({"zone_id": raw["Sensor"].map(zone_slug), "ts": ts, "count_in": count})
    frame = frame.groupby(["zone_id", "ts"], as_index=False)["count_in"].sum()
    frame.insert(0, "counter_id", frame["zone_id"])
    frame["count_out"] = float("nan")
    return frame


def series(frame: pd.DataFrame) -> pd.DataFrame:
    """The forecasting series (zone_id, ts, count) of canonical rows."""
    return frame.rename(columns={"count_in": "count"})[["zone_id", "ts", "count"]]

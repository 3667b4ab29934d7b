"""The staleness rule, the one place that judges a source of mart_source_freshness on a given day.

"Today" comes from `gridsight.settings.today()` (GRIDSIGHT_TODAY pins it; otherwise today in the
district's time zone), which is why the rule runs when a page is drawn rather than in the snapshot.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

STATUSES = ("ok", "stale", "unknown_source", "unexpected_files")


def source_status(freshness: pd.DataFrame, on: dt.date) -> pd.Series:
    """Status of each source of mart_source_freshness on day `on`, one of STATUSES.

    unknown_source: landed files for a source nobody declared in source_cadence;
    stale: a daily source whose last landed day is more than stale_after_days before `on`, or any
    declared source that never landed; unexpected_files: files or folders outside the expected layout.
    """
    landed = pd.to_datetime(freshness["last_landed_on"])
    age = (pd.Timestamp(on) - landed).dt.days
    overdue = (freshness["delivery"] == "daily") & (age > pd.to_numeric(freshness["stale_after_days"]))
    stale = overdue | landed.isna()
    unknown = freshness["is_unknown_source"].fillna(False).astype(bool)
    unexpected = freshness["unexpected_files"].fillna(0) > 0
    status = pd.Series("ok", index=freshness.index)
    status[unexpected] = "unexpected_files"
    status[stale] = "stale"
    status[unknown] = "unknown_source"
    return status

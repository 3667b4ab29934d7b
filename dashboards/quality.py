"""Data freshness and data-quality figures for the banner and the data-quality page.

The staleness rule lives in `source_status`, the one place that judges a source; "today" comes from
`gridsight.settings.today()` (GRIDSIGHT_TODAY pins it; otherwise today in the district's time zone).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Snapshot, has_table, query

STATUSES = ("ok", "stale", "unknown_source", "unexpected_files")
PERIODS = [7, 30, 90, 365, 0]   # the period choices, in days; 0: every landing day of the snapshot


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


def source_freshness(snapshot: Snapshot, on: dt.date) -> pd.DataFrame:
    """mart_source_freshness with a `status` column; empty if the snapshot has no such mart."""
    if not has_table(snapshot, "mart_source_freshness"):
        return pd.DataFrame()
    freshness = query(snapshot, """
        select * from mart_source_freshness order by is_unknown_source, source_name""")
    freshness["status"] = source_status(freshness, on)
    return freshness


def flagged_sources(snapshot: Snapshot, on: dt.date) -> pd.DataFrame:
    """The sources whose status is not ok (what the banner lists)."""
    freshness = source_freshness(snapshot, on)
    return freshness[freshness["status"] != "ok"] if not freshness.empty else freshness


def period(snapshot: Snapshot, days: int) -> tuple[dt.date, dt.date]:
    """The `days` landing days up to the snapshot's last day, or all of them when `days` is 0."""
    end = dt.date.fromisoformat(snapshot.as_of)
    if not days:
        return dt.date.fromisoformat(snapshot.first_day or snapshot.as_of), end
    return end - dt.timedelta(days=days - 1), end


def table_names(snapshot: Snapshot) -> list[str]:
    return query(snapshot, "select distinct table_name from mart_data_quality_daily order by 1")["table_name"].tolist()


def daily_results(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> pd.DataFrame:
    """Rows loaded and quarantined per landing day, summed over tables (or for one table)."""
    return query(snapshot, """
        select landed_on, cast(sum(rows_loaded) as bigint) as rows_loaded,
               cast(sum(rows_quarantined) as bigint) as rows_quarantined
        from mart_data_quality_daily
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)
        group by landed_on order by landed_on""", (start, end, table, table))


def quarantine_by_rule(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> pd.DataFrame:
    """Quarantined rows per table, rule and column over the period, largest first."""
    return query(snapshot, """
        select table_name, rule, column_name, cast(sum(rows_quarantined) as bigint) as rows_quarantined
        from mart_quarantine_by_rule
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)
        group by all order by rows_quarantined desc, table_name, rule, column_name""",
                 (start, end, table, table))


def reconciliation(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> pd.DataFrame:
    """Every partition (table × landing day) of the period, latest first."""
    return query(snapshot, """
        select table_name, landed_on, cast(rows_in as bigint) as rows_in, cast(rows_loaded as bigint) as rows_loaded,
               cast(rows_quarantined as bigint) as rows_quarantined, coalesce(is_reconciled, false) as is_reconciled
        from mart_data_quality_daily
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)
        order by landed_on desc, table_name""", (start, end, table, table))


def unreconciled(partitions: pd.DataFrame) -> int:
    """How many partitions of `reconciliation(...)` do not reconcile (rows in ≠ loaded + quarantined)."""
    return int((~partitions["is_reconciled"].astype(bool)).sum())

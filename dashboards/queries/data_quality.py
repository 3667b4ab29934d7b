"""Queries of the data-quality page and of the stale-data banner: source freshness, contract results,
quarantine by rule and reconciliation per partition, for a period and one table or all."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Snapshot, has_table, query
from dashboards.staleness import source_status

PERIODS = [7, 30, 90, 365]   # the period presets, in days (components/period.py adds all days and a range)


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


def quarantined_total(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> int:
    """Quarantined rows over the period (all tables, or one)."""
    return int(query(snapshot, """
        select coalesce(sum(rows_quarantined), 0) as rows_quarantined from mart_quarantine_by_rule
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)""",
                     (start, end, table, table))["rows_quarantined"].iloc[0])


def reconciliation(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> pd.DataFrame:
    """Every partition (table × landing day) of the period, latest first."""
    return query(snapshot, """
        select table_name, landed_on, cast(rows_in as bigint) as rows_in, cast(rows_loaded as bigint) as rows_loaded,
               cast(rows_quarantined as bigint) as rows_quarantined,
               cast(rows_deduplicated as bigint) as rows_deduplicated, coalesce(is_reconciled, false) as is_reconciled
        from mart_data_quality_daily
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)
        order by landed_on desc, table_name""", (start, end, table, table))


def unreconciled(snapshot: Snapshot, start: dt.date, end: dt.date, table: str | None) -> int:
    """How many partitions of the period do not reconcile (rows in ≠ loaded + quarantined + de-duplicated)."""
    return int(query(snapshot, """
        select count(*) as partitions from mart_data_quality_daily
        where landed_on between ? and ? and (cast(? as varchar) is null or table_name = ?)
          and not coalesce(is_reconciled, false)""", (start, end, table, table))["partitions"].iloc[0])

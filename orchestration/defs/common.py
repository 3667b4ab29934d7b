"""What every area shares: the daily partitions, the single-run backfill policy, the one pool for
warehouse writers, the resource that knows where the data lives, and how a model asset skips a run
that has too little data."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from data_contracts.privacy import load_key
from gridsight.settings import PARTITIONS_START, TIMEZONE, Paths

DAILY = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone=TIMEZONE)
SINGLE_RUN = dg.BackfillPolicy.single_run()
WAREHOUSE_POOL = "warehouse"  # DuckDB has one writer: every asset that writes the warehouse runs in it


class GridsightData(dg.ConfigurableResource):
    """Where landing files, the warehouse and serving snapshots live: GRIDSIGHT_DATA_DIR, which dbt's
    profile reads too, so ingest and dbt always write the same warehouse."""

    @property
    def paths(self) -> Paths:
        return Paths.from_env()

    def pseudonym_key(self) -> bytes:
        return load_key(self.paths.key_file)


def partition_days(context: dg.AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the partitions this run materializes."""
    window = context.partition_time_window
    return window.start.date(), (window.end - dt.timedelta(days=1)).date()


def skipped(context: dg.AssetExecutionContext, reason: str) -> dg.MaterializeResult:
    """Too little data is no failure of the daily run: a model asset says why and leaves its tables as
    they are."""
    context.log.warning(reason)
    return dg.MaterializeResult(metadata={"skipped": reason})

"""The ingest checks on every raw table, blocking: a broken delivery stops the marts from being rebuilt
and the dashboards keep the previous snapshot. The ingest asset evaluates them on the load it just made."""

from collections.abc import Iterator

import dagster as dg

from data_contracts.specs import FileContract
from gridsight.settings import MAX_QUARANTINE_SHARE
from orchestration.ingest import TableLoad


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def ingest_check_specs(contract: FileContract) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec("rows_reconcile", asset=raw_key(contract.table), blocking=True,
                          description="Rows in = rows loaded + rows quarantined, per landing file."),
        dg.AssetCheckSpec("quarantine_share", asset=raw_key(contract.table), blocking=True,
                          description=f"At most {MAX_QUARANTINE_SHARE:.0%} of the rows of the run are quarantined; "
                                      "more means a broken delivery, and nothing downstream is rebuilt from it.")]


def ingest_check_results(load: TableLoad, counts: dict) -> Iterator[dg.AssetCheckResult]:
    yield dg.AssetCheckResult(asset_key=raw_key(load.table), check_name="rows_reconcile",
                              passed=load.reconciled, metadata=counts)
    share = load.rows_quarantined / load.rows_in if load.rows_in else 0.0
    yield dg.AssetCheckResult(asset_key=raw_key(load.table), check_name="quarantine_share",
                              passed=share <= MAX_QUARANTINE_SHARE, metadata={"share": share, **counts})

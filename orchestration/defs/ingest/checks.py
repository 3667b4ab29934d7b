"""The ingest checks on every raw table, blocking: a broken delivery stops the marts from being rebuilt
and the dashboards keep the previous snapshot. The ingest asset evaluates them on the load it just made.
The quarantine limit is per source (gridsight.settings.max_quarantine_share); a failed check's description
is the one line the CLI prints when it stops a run: source, check, share, limit and the top reasons."""

from collections.abc import Iterator

import dagster as dg

from data_contracts.specs import FileContract
from gridsight.settings import QUARANTINE_SHARE_ENV, max_quarantine_share
from orchestration.ingest import TableLoad

TOP_REASONS = 3


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def ingest_check_specs(contract: FileContract) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec("rows_reconcile", asset=raw_key(contract.table), blocking=True,
                          description="Rows in = rows loaded + rows quarantined + rows de-duplicated, "
                                      "per landing file."),
        dg.AssetCheckSpec("quarantine_share", asset=raw_key(contract.table), blocking=True,
                          description=f"At most {max_quarantine_share(contract.source):.0%} of the rows of the run "
                                      f"are quarantined ({QUARANTINE_SHARE_ENV} sets it per source); more means a "
                                      "broken delivery, and nothing downstream is rebuilt from it.")]


def _percent(share: float) -> str:
    return f"{round(share * 100, 1):g} %"


def ingest_check_results(source: str, load: TableLoad, counts: dict) -> Iterator[dg.AssetCheckResult]:
    table = "/".join(raw_key(load.table).path)
    reconciled = load.reconciled
    yield dg.AssetCheckResult(
        asset_key=raw_key(load.table), check_name="rows_reconcile", passed=reconciled, metadata=counts,
        description=None if reconciled else (
            f"{source}: rows_reconcile failed on {table} — {load.rows_in:,} rows in, {load.rows_loaded:,} loaded "
            f"+ {load.rows_quarantined:,} quarantined + {load.rows_deduplicated:,} de-duplicated"))
    share = load.rows_quarantined / load.rows_in if load.rows_in else 0.0
    limit = max_quarantine_share(source)
    passed = share <= limit
    reasons = ", ".join(f"{reason} {rows:,}" for reason, rows in load.reasons[:TOP_REASONS])
    description = None if passed else (
        f"{source}: quarantine_share failed on {table} — {share * 100:.1f} % of {load.rows_in:,} rows quarantined "
        f"(limit {_percent(limit)}); top reasons: {reasons or 'none recorded'}")
    yield dg.AssetCheckResult(asset_key=raw_key(load.table), check_name="quarantine_share", passed=passed,
                              metadata={"share": share, "limit": limit, "top_reasons": reasons, **counts},
                              description=description)

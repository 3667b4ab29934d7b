"""One ingest asset per source: landing files of the partition range → raw.<table> + quarantine.<table>."""

import dagster as dg

from data_contracts.specs import SOURCES, contracts_for
from gridsight.settings import MAX_QUARANTINE_SHARE
from orchestration.defs.common import DAILY, SINGLE_RUN, WAREHOUSE_POOL, GridsightData, partition_days
from orchestration.ingest import ingest_source


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def quarantine_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["quarantine", table])


def build_ingest_asset(source: str) -> dg.AssetsDefinition:
    contracts = contracts_for(source)
    specs = [spec for c in contracts for spec in (
        dg.AssetSpec(raw_key(c.table), group_name="ingest", kinds={"duckdb"},
                     description=f"Rows of {c.filename} from the {source} landing zone that meet their contract, "
                                 "personal data pseudonymized."),
        dg.AssetSpec(quarantine_key(c.table), group_name="ingest", kinds={"duckdb"},
                     description=f"Rows of {c.filename} that broke their contract, with the rule."))]
    checks = [check for c in contracts for check in (
        dg.AssetCheckSpec("rows_reconcile", asset=raw_key(c.table), blocking=True,
                          description="Rows in = rows loaded + rows quarantined, per landing file."),
        dg.AssetCheckSpec("quarantine_share", asset=raw_key(c.table), blocking=True,
                          description=f"At most {MAX_QUARANTINE_SHARE:.0%} of the rows of the run are quarantined; "
                                      "more means a broken delivery, and nothing downstream is rebuilt from it."))]

    @dg.multi_asset(name=f"ingest_{source}", specs=specs, check_specs=checks, partitions_def=DAILY,
                    backfill_policy=SINGLE_RUN, pool=WAREHOUSE_POOL)
    def _ingest(context: dg.AssetExecutionContext, gridsight: GridsightData):
        start, end = partition_days(context)
        paths = gridsight.paths
        paths.root.mkdir(parents=True, exist_ok=True)
        context.log.info(f"ingest {source}: {start} … {end}")
        for load in ingest_source(paths.warehouse, paths.landing, source, start, end, gridsight.pseudonym_key()):
            context.log.info(f"ingest {source}: {load.table} {load.rows_loaded:,} loaded, "
                             f"{load.rows_quarantined:,} quarantined from {load.files} files")
            counts = {"files": load.files, "rows_in": load.rows_in, "rows_loaded": load.rows_loaded,
                      "rows_quarantined": load.rows_quarantined}
            yield dg.MaterializeResult(asset_key=raw_key(load.table), metadata=counts)
            yield dg.MaterializeResult(asset_key=quarantine_key(load.table), metadata=counts)
            yield dg.AssetCheckResult(asset_key=raw_key(load.table), check_name="rows_reconcile",
                                      passed=load.reconciled, metadata=counts)
            share = load.rows_quarantined / load.rows_in if load.rows_in else 0.0
            yield dg.AssetCheckResult(asset_key=raw_key(load.table), check_name="quarantine_share",
                                      passed=share <= MAX_QUARANTINE_SHARE, metadata={"share": share, **counts})

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in SOURCES]

"""One ingest asset per source: landing files of the partition range → raw.<table> + quarantine.<table>."""

import dagster as dg

from data_contracts.specs import SOURCES, contracts_for
from orchestration.defs.common import DAILY, SINGLE_RUN, WAREHOUSE_POOL, partition_days
from orchestration.defs.ingest.checks import ingest_check_results, ingest_check_specs, raw_key
from orchestration.defs.resources import GridsightData, Warehouse
from orchestration.ingest import ingest_source


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

    @dg.multi_asset(name=f"ingest_{source}", specs=specs, check_specs=[s for c in contracts
                                                                       for s in ingest_check_specs(c)],
                    partitions_def=DAILY, backfill_policy=SINGLE_RUN, pool=WAREHOUSE_POOL)
    def _ingest(context: dg.AssetExecutionContext, gridsight: GridsightData, warehouse: Warehouse):
        start, end = partition_days(context)
        paths = gridsight.paths
        context.log.info(f"ingest {source}: {start} … {end}")
        for load in ingest_source(warehouse, paths.landing, source, start, end, gridsight.pseudonym_key()):
            context.log.info(f"ingest {source}: {load.table} {load.rows_loaded:,} loaded, "
                             f"{load.rows_quarantined:,} quarantined, {load.rows_deduplicated:,} de-duplicated "
                             f"from {load.files} files")
            counts = {"files": load.files, "rows_in": load.rows_in, "rows_loaded": load.rows_loaded,
                      "rows_quarantined": load.rows_quarantined, "rows_deduplicated": load.rows_deduplicated}
            yield dg.MaterializeResult(asset_key=raw_key(load.table), metadata=counts)
            yield dg.MaterializeResult(asset_key=quarantine_key(load.table), metadata=counts)
            yield from ingest_check_results(source, load, counts)

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in SOURCES]

"""One ingest asset per source: landing files of the partition range → raw.<table> + quarantine.<table>."""

import dagster as dg

from data_contracts.specs import SOURCES, contracts_for
from orchestration.defs.common import DAILY, SINGLE_RUN, WAREHOUSE_POOL, GridsightData, partition_days
from orchestration.ingest import ingest_source


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def build_ingest_asset(source: str) -> dg.AssetsDefinition:
    specs = [dg.AssetSpec(raw_key(c.table), group_name="ingest", kinds={"duckdb"},
                          description=f"Rows of {c.filename} from the {source} landing zone, validated and "
                                      "pseudonymized; rejected rows go to quarantine." ) for c in contracts_for(source)]

    @dg.multi_asset(name=f"ingest_{source}", specs=specs, partitions_def=DAILY, backfill_policy=SINGLE_RUN,
                    pool=WAREHOUSE_POOL)
    def _ingest(context: dg.AssetExecutionContext, gridsight: GridsightData):
        start, end = partition_days(context)
        paths = gridsight.paths
        paths.root.mkdir(parents=True, exist_ok=True)
        context.log.info(f"ingest {source}: {start} … {end}")
        for load in ingest_source(paths.warehouse, paths.landing, source, start, end, gridsight.pseudonym_key()):
            context.log.info(f"ingest {source}: {load.table} {load.rows_loaded:,} loaded, "
                             f"{load.rows_quarantined:,} quarantined from {load.files} files")
            yield dg.MaterializeResult(asset_key=raw_key(load.table), metadata={
                "files": load.files, "rows_in": load.rows_in, "rows_loaded": load.rows_loaded,
                "rows_quarantined": load.rows_quarantined})

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in SOURCES]

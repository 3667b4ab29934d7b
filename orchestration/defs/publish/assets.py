"""Publish the marts the dashboards read as a new serving snapshot."""

import dagster as dg

from orchestration.defs.common import WAREHOUSE_POOL, GridsightData
from orchestration.defs.transform.assets import mart_keys
from orchestration.serving import publish_snapshot

MARTS = mart_keys()


@dg.asset(key=["serving", "snapshot"], deps=MARTS, group_name="serving",
          pool=WAREHOUSE_POOL, kinds={"parquet"})
def serving_snapshot(context: dg.AssetExecutionContext, gridsight: GridsightData) -> dg.MaterializeResult:
    """Versioned Parquet copy of every mart, swapped in atomically for the dashboards."""
    paths = gridsight.paths
    manifest = publish_snapshot(paths.warehouse, paths.serving, [".".join(k.path) for k in MARTS])
    context.log.info(f"published serving snapshot {manifest['version']} (data as of {manifest['as_of']})")
    return dg.MaterializeResult(metadata={"version": manifest["version"], "as_of": manifest["as_of"],
                                          "tables": len(manifest["tables"])})

"""Publish the marts that declare an access scope as a new serving snapshot."""

from collections.abc import Sequence

import dagster as dg

from orchestration.defs.common import WAREHOUSE_POOL
from orchestration.defs.resources import GridsightData, Warehouse
from orchestration.serving import publish_snapshot


def build_serving_snapshot(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """The serving snapshot asset, published after every asset in `upstream` (marts and model outputs)."""

    @dg.asset(key=["serving", "snapshot"], deps=list(upstream), group_name="serving",
              pool=WAREHOUSE_POOL, kinds={"parquet"})
    def serving_snapshot(context: dg.AssetExecutionContext, gridsight: GridsightData,
                         warehouse: Warehouse) -> dg.MaterializeResult:
        """Versioned Parquet copy of every mart that declares `config: meta: access`, swapped in atomically
        for the dashboards."""
        # a full run reaches this step only when all of it succeeded; any other run is checked by the gate
        manifest = publish_snapshot(warehouse, gridsight.paths.serving,
                                    full_run=context.job_name == "materialize_everything")
        context.log.info(f"published serving snapshot {manifest['version']} (data as of {manifest['as_of']})")
        return dg.MaterializeResult(metadata={"version": manifest["version"], "as_of": manifest["as_of"],
                                              "tables": len(manifest["tables"])})

    return serving_snapshot

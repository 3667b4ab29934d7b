"""The dbt project as Dagster assets: staging → intermediate → marts; dbt data tests become checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.defs.common import WAREHOUSE_POOL


class GridsightTranslator(DagsterDbtTranslator):
    """Every node is keyed <schema>/<name>: dbt sources raw.* and quarantine.* are the ingest assets'
    outputs; meta.* (ingest records shared by all ingest assets) stay external."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["sources"].get(unique_id) or manifest["nodes"][unique_id]
        key = dg.AssetKey([node["schema"], node["name"]])
        if node["resource_type"] == "source":
            return spec.replace_attributes(key=key)
        return spec.replace_attributes(key=key, group_name=node["schema"])


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=GridsightTranslator(),
            pool=WAREHOUSE_POOL)
def gridsight_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Not partitioned: models are rebuilt over the whole warehouse, so one dbt build after the ingest of
    # any range of days brings every mart up to date.
    yield from dbt.cli(["build"], context=context).stream()


def mart_keys() -> list[dg.AssetKey]:
    """The marts the dashboards read (everything dbt builds in the marts schema)."""
    return [key for key in gridsight_dbt.keys if key.path[0] == "marts"]

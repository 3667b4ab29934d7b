"""The dbt project as Dagster assets: staging → intermediate → marts; dbt data tests become checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.defs.common import WAREHOUSE_POOL


class GridsightTranslator(DagsterDbtTranslator):
    """Every node is keyed <schema>/<name>: dbt sources raw.* and quarantine.* are the ingest assets'
    outputs, ml.* the model assets' outputs (their source tests are those assets' checks); meta.* (ingest
    records shared by all ingest assets) stay external."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["sources"].get(unique_id) or manifest["nodes"][unique_id]
        key = dg.AssetKey([node["schema"], node["name"]])
        if node["resource_type"] == "source":
            return spec.replace_attributes(key=key)
        return spec.replace_attributes(key=key, group_name=node["schema"])


TRANSLATOR = GridsightTranslator(DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))
# The marts over the model outputs build after the model assets, which read the other marts: two dbt
# steps in one run (dbt marts → model assets → ml marts → publish).
ML_MARTS = "source:ml+"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=TRANSLATOR,
            exclude=ML_MARTS, pool=WAREHOUSE_POOL)
def gridsight_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Not partitioned: models are rebuilt over the whole warehouse, so one dbt build after the ingest of
    # any range of days brings every mart up to date.
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=TRANSLATOR,
            select=ML_MARTS, name="gridsight_dbt_ml", pool=WAREHOUSE_POOL)
def gridsight_dbt_ml(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """The ml.* sources' tests (the model assets' checks) and the marts over them."""
    yield from dbt.cli(["build"], context=context).stream()


dbt_asset_defs = [gridsight_dbt, gridsight_dbt_ml]


def mart_keys() -> list[dg.AssetKey]:
    """Everything dbt builds in the marts schema (publish waits for all of them)."""
    return [key for a in dbt_asset_defs for key in a.keys if key.path[0] == "marts"]

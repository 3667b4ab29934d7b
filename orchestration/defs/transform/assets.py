"""The dbt project as Dagster assets: staging → intermediate → marts; dbt data tests become checks."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.defs.common import WAREHOUSE_POOL

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


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


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)


TRANSLATOR = GridsightTranslator(DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=TRANSLATOR,
            pool=WAREHOUSE_POOL)
def gridsight_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Not partitioned: models are rebuilt over the whole warehouse, so one dbt build after the ingest of
    # any range of days brings every mart up to date.
    yield from dbt.cli(["build"], context=context).stream()


def mart_keys() -> list[dg.AssetKey]:
    """Everything dbt builds in the marts schema (publish waits for all of them)."""
    return [key for key in gridsight_dbt.keys if key.path[0] == "marts"]

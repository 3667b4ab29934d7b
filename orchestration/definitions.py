"""The gridsight Dagster code location: `dagster dev` / `dagster definitions validate` load this."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.common import GridsightData
from orchestration.defs.foot_traffic_ml.assets import flow_assets, weekly_training, weekly_training_schedule
from orchestration.defs.hotspots.assets import hotspot_assets, hotspot_training_job, hotspot_weekly_schedule
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.publish.assets import build_serving_snapshot
from orchestration.defs.transform.assets import dbt_asset_defs, dbt_resource, mart_keys

everything = dg.define_asset_job(
    "materialize_everything", selection=dg.AssetSelection.all(),
    description="Ingest every source for the partition range, build the dbt project, publish a snapshot.")

daily_schedule = dg.build_schedule_from_partitioned_job(everything, hour_of_day=2, minute_of_hour=30,
                                                        name="daily_materialization")


# Model assets (training, scoring, backtests) write the ml.* sources of the ml marts; publish waits for both.
ml_assets: list[dg.AssetsDefinition] = [*flow_assets, *hotspot_assets]
serving_snapshot = build_serving_snapshot([*mart_keys(), *(key for a in ml_assets for key in a.keys)])


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[*ingest_assets, *dbt_asset_defs, *ml_assets, serving_snapshot],
        jobs=[everything, weekly_training, hotspot_training_job],
        schedules=[daily_schedule, weekly_training_schedule, hotspot_weekly_schedule],
        resources={"gridsight": GridsightData(), "dbt": dbt_resource()},
    )

"""The gridsight Dagster code location: `dagster dev` / `dagster definitions validate` load this. It gathers
each area's assets (defs/<area>/assets.py, checks in checks.py), jobs and their schedules (schedules.py),
the sensors that record how daemon-started runs ended (defs/publish/sensors.py) and the shared resources
(defs/resources.py)."""

from __future__ import annotations

import dagster as dg

from gridsight.settings import make_data_dir_private
from orchestration.defs.calendar.assets import calendar_assets
from orchestration.defs.foot_traffic_ml.assets import flow_assets
from orchestration.defs.foot_traffic_ml.schedules import flow_weekly_training, flow_weekly_training_schedule
from orchestration.defs.hotspots.assets import hotspot_assets
from orchestration.defs.hotspots.schedules import hotspot_weekly_training, hotspot_weekly_training_schedule
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.publish.assets import build_serving_snapshot
from orchestration.defs.publish.schedules import materialize_everything, materialize_everything_schedule
from orchestration.defs.publish.sensors import record_failed_run, record_successful_run
from orchestration.defs.resources import gridsight_resources
from orchestration.defs.transform.assets import dbt_asset_defs, mart_keys

make_data_dir_private()   # `dagster dev` and its run workers write warehouse, logs and snapshots 0600

# Model assets (training, scoring, backtests) write the ml.* sources of the ml marts; publish waits for both.
ml_assets: list[dg.AssetsDefinition] = [*flow_assets, *hotspot_assets]
serving_snapshot = build_serving_snapshot([*mart_keys(), *(key for a in ml_assets for key in a.keys)])


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[*ingest_assets, *calendar_assets, *dbt_asset_defs, *ml_assets, serving_snapshot],
        jobs=[materialize_everything, flow_weekly_training, hotspot_weekly_training],
        schedules=[materialize_everything_schedule, flow_weekly_training_schedule, hotspot_weekly_training_schedule],
        sensors=[record_successful_run, record_failed_run],
        resources=gridsight_resources(),
    )

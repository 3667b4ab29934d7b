"""Weekly training of the foot-traffic model: Monday 04:00 in the district's time zone."""

import dagster as dg

from gridsight.settings import TIMEZONE
from orchestration.defs.foot_traffic_ml.assets import flow_assets

flow_weekly_training = dg.define_asset_job(
    "flow_weekly_training", selection=dg.AssetSelection.assets(*flow_assets).downstream(),
    config={"ops": {"ml__flow_model": {"config": {"retrain": True}}}},
    description="Retrain the foot-traffic model on the latest year, backtest it, re-forecast, rebuild the "
                "foot-traffic forecast marts and publish.")

flow_weekly_training_schedule = dg.ScheduleDefinition(
    name="flow_weekly_training_schedule", job=flow_weekly_training, cron_schedule="0 4 * * 1",
    execution_timezone=TIMEZONE)

"""Weekly training of the dispute-hotspot model: Monday 04:30 in the district's time zone."""

import dagster as dg

from gridsight.settings import TIMEZONE
from orchestration.defs.hotspots.assets import hotspot_assets

hotspot_weekly_training = dg.define_asset_job(
    "hotspot_weekly_training",
    selection=dg.AssetSelection.assets(*hotspot_assets).downstream(),
    config={"ops": {"ml__hotspot_model": {"config": {"retrain": True}}}},
    description="Retrain the dispute-hotspot model, rescore next week, rerun the backtest, rebuild the "
                "hotspot marts, publish.")

hotspot_weekly_training_schedule = dg.ScheduleDefinition(
    name="hotspot_weekly_training_schedule", job=hotspot_weekly_training, cron_schedule="30 4 * * 1",
    execution_timezone=TIMEZONE)

"""Weekly training of the dispute-hotspot model: Monday 04:30 in the district's time zone."""

from orchestration.defs.common import weekly_training
from orchestration.defs.hotspots.assets import hotspot_assets

hotspot_weekly_training, hotspot_weekly_training_schedule = weekly_training(
    "hotspot_weekly_training", hotspot_assets, "ml__hotspot_model", "30 4 * * 1",
    "Retrain the dispute-hotspot model, rescore next week, rerun the backtest, rebuild the hotspot marts, publish.")

"""Weekly training of the foot-traffic model: Monday 04:00 in the district's time zone."""

from orchestration.defs.common import weekly_training
from orchestration.defs.foot_traffic_ml.assets import flow_assets

flow_weekly_training, flow_weekly_training_schedule = weekly_training(
    "flow_weekly_training", flow_assets, "ml__flow_model", "0 4 * * 1",
    "Retrain the foot-traffic model on the latest year, backtest it, re-forecast, rebuild the foot-traffic "
    "forecast marts and publish.")

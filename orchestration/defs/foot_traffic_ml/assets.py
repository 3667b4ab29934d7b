"""Foot-traffic forecast assets: the model (trained weekly, or when none can score the data), the
daily 7-day forecast with crowding alerts, and the rolling-origin backtest of each model version."""

import dagster as dg
import pandas as pd

from orchestration import flow_ml
from orchestration.defs.common import WAREHOUSE_POOL, ModelTraining, out_of_date, skipped
from orchestration.defs.resources import GridsightData, Warehouse
from orchestration.ml_store import SavedModel, latest_model, write_table

HOURLY = dg.AssetKey(["marts", "fct_foot_traffic_hourly"])
MODEL = dg.AssetKey(["ml", "flow_model"])
ZONES = dg.AssetKey(["marts", "dim_zones"])


def usable(saved: SavedModel | None, series: pd.DataFrame) -> bool:
    """A saved model can score these data: it knows every zone, was trained on this world's period, and
    no late delivery has changed the counts of its training window since (that retrains at once)."""
    return not out_of_date(saved, pd.to_datetime(series["ts"]).max().date(),
                           known={"zones": series["zone_id"].unique()},
                           fingerprint=("window_fingerprint", lambda info: flow_ml.window_fingerprint(
                               series, info["train_start"], info["train_end"])))


@dg.asset(key=MODEL, deps=[HOURLY], group_name="ml", pool=WAREHOUSE_POOL, kinds={"sklearn"})
def flow_model(context: dg.AssetExecutionContext, config: ModelTraining, gridsight: GridsightData,
               warehouse: Warehouse) -> dg.MaterializeResult:
    """Hourly flow forecaster (gradient boosting, 168 h ahead) saved with its version and training window."""
    paths = gridsight.paths
    series = flow_ml.zone_series(warehouse)
    if series["count"].notna().sum() == 0:
        return skipped(context, "no foot-traffic counts in the warehouse: the flow model is not trained")
    saved = latest_model(paths.models, flow_ml.MODEL_NAME)
    if config.retrain or not usable(saved, series):
        try:
            saved, _model = flow_ml.train(paths.models, series)
        except ValueError as exc:   # too little history: a warning, not a failed daily run
            return skipped(context, f"flow model not trained: {exc}")
        context.log.info(f"trained flow model {saved.version} on "
                         f"{saved.info['train_start']} … {saved.info['train_end']}")
    else:
        context.log.info(f"flow model {saved.version} is current; weekly training replaces it")
    return dg.MaterializeResult(metadata={"version": saved.version, "train_start": saved.info["train_start"],
                                          "train_end": saved.info["train_end"]})


FORECAST, ALERTS = dg.AssetKey(["ml", "flow_forecast"]), dg.AssetKey(["ml", "flow_crowding_alerts"])


@dg.multi_asset(specs=[dg.AssetSpec(key, deps=[MODEL, HOURLY, ZONES], group_name="ml", kinds={"duckdb"})
                       for key in (FORECAST, ALERTS)], pool=WAREHOUSE_POOL)
def flow_forecast(context: dg.AssetExecutionContext, gridsight: GridsightData, warehouse: Warehouse):
    """ml.flow_forecast: q10/q50/q90 per zone for the next 168 hours; ml.flow_crowding_alerts: the hours
    whose upper bound exceeds the zone's safe capacity."""
    paths = gridsight.paths
    series = flow_ml.zone_series(warehouse)
    saved = latest_model(paths.models, flow_ml.MODEL_NAME)
    if saved is None or not usable(saved, series):   # no model: no series to judge it on either
        skip = skipped(context, "no flow model fits these data: no forecast")
        yield from (dg.MaterializeResult(asset_key=key, metadata=skip.metadata) for key in (FORECAST, ALERTS))
        return
    out, alerts = flow_ml.forecast(warehouse, saved, series)
    write_table(warehouse, "flow_forecast", out)
    write_table(warehouse, "flow_crowding_alerts", alerts)
    context.log.info(f"flow forecast from {out['origin'].iloc[0]:%Y-%m-%d}: {len(out)} rows, "
                     f"{len(alerts)} crowding alerts")
    yield dg.MaterializeResult(asset_key=FORECAST, metadata={"rows": len(out), "model_version": saved.version})
    yield dg.MaterializeResult(asset_key=ALERTS, metadata={"rows": len(alerts), "model_version": saved.version})


@dg.asset(key=["ml", "flow_backtest"], deps=[MODEL, HOURLY], group_name="ml", pool=WAREHOUSE_POOL,
          kinds={"duckdb"})
def flow_backtest(context: dg.AssetExecutionContext, gridsight: GridsightData,
                  warehouse: Warehouse) -> dg.MaterializeResult:
    """ml.flow_backtest: rolling-origin MASE (m = 168), WAPE and 80 % coverage per zone for the model
    and the seasonal-naive baseline, recomputed for each new model version."""
    paths = gridsight.paths
    saved = latest_model(paths.models, flow_ml.MODEL_NAME)
    if saved is None:
        return skipped(context, "no flow model: no backtest")
    if flow_ml.backtested_version(warehouse) == saved.version:
        context.log.info(f"flow backtest of model {saved.version} is current")
        return dg.MaterializeResult(metadata={"model_version": saved.version, "recomputed": False})
    series = flow_ml.zone_series(warehouse)
    table = flow_ml.backtest_table(series, "demo", "region", flow_ml.BACKTEST_ORIGINS, model_version=saved.version,
                                   progress=context.log.info)
    write_table(warehouse, "flow_backtest", table)
    overall = table[table["zone_id"] == "ALL"].set_index("method")
    context.log.info("flow backtest: " + "; ".join(
        f"{m} MASE {r.mase:.3f} WAPE {r.wape:.3f} coverage {r.coverage_80:.3f}" for m, r in overall.iterrows()))
    return dg.MaterializeResult(metadata={"model_version": saved.version, "recomputed": True,
                                          **{f"mase_{m}": float(r.mase) for m, r in overall.iterrows()}})


flow_assets = [flow_model, flow_forecast, flow_backtest]

"""The foot-traffic forecast's work, outside Dagster so the assets and the CLI share it: read the zone
series and capacities from the marts, train and save the model, forecast 168 h with crowding alerts, backtest.

The series is people in per zone and hour from marts.fct_foot_traffic_hourly; an hour that is not
complete (a counter out or reset) is a gap (NaN), never a zero.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from models_ml import flow_backtest, flow_forecast
from orchestration.ml_store import load_estimator, read_sql, save_model, write_table

if TYPE_CHECKING:
    from orchestration.defs.resources import Warehouse

MODEL_NAME = "flow_forecast"
BACKTEST_ORIGINS = 4


def zone_series(warehouse: Warehouse) -> pd.DataFrame:
    return read_sql(warehouse, "select zone_id, hour_start as ts, case when is_complete then cast(count_in as double) "
                               "end as count from marts.fct_foot_traffic_hourly order by zone_id, hour_start")


def zone_capacity(warehouse: Warehouse) -> pd.Series:
    frame = read_sql(warehouse, "select zone_id, safe_capacity from marts.dim_zones")
    return frame.set_index("zone_id")["safe_capacity"]


def window_fingerprint(series: pd.DataFrame, start: str, end: str) -> list[float]:
    """Hours with a count and their total inside start..end: changes when a late or corrected delivery
    lands inside a model's training window."""
    ts = pd.to_datetime(series["ts"])
    inside = series.loc[(ts >= pd.Timestamp(start)) & (ts < pd.Timestamp(end) + pd.Timedelta(days=1)), "count"]
    return [int(inside.notna().sum()), round(float(inside.sum()), 3)]


def train(models_dir: Path, series: pd.DataFrame, calendar: str = "region"):
    """Fit on the series' training window and save a new model version."""
    model = flow_forecast.fit(series, calendar=calendar)
    info = {**model.info(), "window_fingerprint": window_fingerprint(series, model.train_start, model.train_end)}
    saved = save_model(models_dir, MODEL_NAME, model.estimator, dt.date.fromisoformat(model.train_start),
                       dt.date.fromisoformat(model.train_end), info=info)
    return saved, model


def load(saved) -> flow_forecast.FlowForecaster:
    return flow_forecast.FlowForecaster.from_info(load_estimator(saved), saved.info)


def forecast(warehouse: Warehouse, saved, series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The next 168 h from the midnight after the last count; (forecast rows, crowding alerts)."""
    model = load(saved)
    origin = pd.to_datetime(series["ts"]).max().normalize() + pd.Timedelta(days=1)
    out = model.predict(series, origin)
    capacity = zone_capacity(warehouse)
    out["safe_capacity"] = out["zone_id"].map(capacity).astype("Int64")
    out["origin"] = origin
    out["model_version"] = saved.version
    out["train_start"] = dt.date.fromisoformat(saved.info["train_start"])
    out["train_end"] = dt.date.fromisoformat(saved.info["train_end"])
    alerts = flow_forecast.crowding_alerts(out, capacity)
    alerts = alerts[["zone_id", "ts", "q50", "q90", "safe_capacity", "excess_share", "likely", "model_version"]]
    return out, alerts


def backtest_table(series: pd.DataFrame, dataset: str, calendar: str, n_origins: int, step_weeks: int = 1,
                   model_version: str | None = None, progress=lambda _m: None) -> pd.DataFrame:
    metrics, _hours = flow_backtest.backtest(series, calendar=calendar, n_origins=n_origins, step_weeks=step_weeks,
                                             progress=progress)
    metrics.insert(0, "dataset", dataset)
    metrics["model_version"] = model_version
    return metrics


def backtested_version(warehouse: Warehouse, table: str = "flow_backtest") -> str | None:
    """The model version ml.<table> was computed for (None if there is none yet)."""
    with warehouse.connect(read_only=True) as con:
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'ml' "
                             "and table_name = ?", [table]).fetchone()[0]
        if not exists:
            return None
        row = con.execute(f"select any_value(model_version) from ml.{table}").fetchone()
    return row[0] if row else None


def publish_melbourne_backtest(warehouse: Warehouse, table: pd.DataFrame, progress=print) -> str | None:
    """Write a CLI backtest on real Melbourne counts to ml.flow_backtest_melbourne and, if the warehouse
    holds built marts, publish it through the pipeline's gate (runner.publish_ml_marts: the marts over it,
    then the publish step); returns the snapshot version, or None when only the table was written. Raises
    NotPublished (CURRENT unchanged) when the gate refuses."""
    from orchestration.runner import publish_ml_marts

    write_table(warehouse, "flow_backtest_melbourne", table)
    with warehouse.connect(read_only=True) as con:
        built = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                            "and table_name = 'mart_data_period'").fetchone()[0]
    return publish_ml_marts(progress) if built else None


__all__ = ["MODEL_NAME", "backtest_table", "backtested_version", "forecast", "publish_melbourne_backtest", "train",
           "window_fingerprint", "write_table", "zone_series"]

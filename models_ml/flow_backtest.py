"""Rolling-origin backtest of the flow forecast against the seasonal-naive baseline.

Origins are midnights one week apart at the end of the series; at each origin both methods see only
the counts before it and forecast the next 168 hours. Metrics per method and zone (and over all zones):

- MASE (m = 168): mean absolute error / in-sample MAE of the seasonal naive on the training window,
  computed per origin and averaged over origins;
- WAPE: Σ|error| / Σ actual over every scored hour;
- coverage: share of scored hours whose actual lies within [q10, q90] (the 80 % interval).

Gap hours (NaN actuals) are not scored; an hour is scored only when both methods have a forecast, so
the two are compared on the same hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml import flow_forecast
from models_ml.flow_forecast import HORIZON, hourly_grid

SEASON = 168
MIN_HISTORY_DAYS = 28   # an origin needs four weeks of counts before it (lags and the holdout)


def seasonal_naive(series: pd.DataFrame, origin, horizon: int = HORIZON) -> pd.DataFrame:
    """Same hour last week (two weeks back where last week is a gap), with an 80 % band from the
    empirical quantiles of the method's own in-sample errors per zone."""
    origin = pd.Timestamp(origin)
    history = series[pd.to_datetime(series["ts"]) < origin]
    grid = hourly_grid(history, end=origin + pd.Timedelta(hours=horizon))
    by_zone = grid.groupby("zone_id")["count"]
    last_week = by_zone.shift(SEASON)
    point = last_week.fillna(by_zone.shift(2 * SEASON))
    errors = (grid["count"] - last_week)
    band = errors.groupby(grid["zone_id"]).quantile([0.1, 0.9]).unstack()
    out = grid.assign(q50=point)[grid["ts"] >= origin].reset_index(drop=True)
    # the point is the median; a band that its errors put wholly on one side still contains it
    out["q10"] = np.clip(out["q50"] + np.minimum(out["zone_id"].map(band[0.1]), 0), 0, None)
    out["q90"] = np.clip(out["q50"] + np.maximum(out["zone_id"].map(band[0.9]), 0), 0, None)
    return out[["zone_id", "ts", "q10", "q50", "q90"]]


def naive_scale(series: pd.DataFrame) -> pd.Series:
    """Per zone: the in-sample MAE of the seasonal naive (m = 168), MASE's denominator."""
    grid = hourly_grid(series)
    diff = (grid["count"] - grid.groupby("zone_id")["count"].shift(SEASON)).abs()
    return diff.groupby(grid["zone_id"]).mean()


def origins(series: pd.DataFrame, n_origins: int, step_weeks: int = 1, horizon: int = HORIZON
            ) -> list[pd.Timestamp]:
    """The last `n_origins` origins, `step_weeks` apart, whose full horizon lies within the series."""
    last = pd.to_datetime(series["ts"]).max().normalize() + pd.Timedelta(days=1)
    final = last - pd.Timedelta(hours=horizon)
    return [final - pd.Timedelta(weeks=k * step_weeks) for k in range(n_origins)][::-1]


def backtest(series: pd.DataFrame, calendar: str = "region", n_origins: int = 4, step_weeks: int = 1,
             progress=lambda _m: None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the rolling-origin backtest (origins `step_weeks` apart; 1 = consecutive weeks, 4 = a year
    sampled monthly, holidays and all). Returns (metrics, forecasts): metrics one row per method and
    zone (zone_id "ALL" for all zones together); forecasts every scored hour of every origin."""
    series = series[["zone_id", "ts", "count"]].assign(ts=lambda f: pd.to_datetime(f["ts"]))
    first = series["ts"].min().normalize() + pd.Timedelta(days=MIN_HISTORY_DAYS)
    usable = [o for o in origins(series, n_origins, step_weeks) if o >= first]
    if not usable:
        raise ValueError(f"too little history to backtest: need {MIN_HISTORY_DAYS} days before the first origin "
                         f"and 7 days after it")
    parts = []
    for origin in usable:
        train = series[series["ts"] < origin]
        actual = hourly_grid(series, origin, origin + pd.Timedelta(hours=HORIZON))
        model = flow_forecast.fit(train, calendar=calendar)
        scale = naive_scale(train)
        for method, forecast in (("model", model.predict(train, origin)), ("seasonal_naive",
                                                                           seasonal_naive(train, origin))):
            scored = actual.merge(forecast, on=["zone_id", "ts"], how="left")
            scored["method"], scored["origin"] = method, origin
            scored["naive_mae"] = scored["zone_id"].map(scale)
            parts.append(scored)
        progress(f"backtest origin {origin:%Y-%m-%d}: done")
    hours = pd.concat(parts, ignore_index=True)
    scorable = hours.groupby(["zone_id", "ts", "origin"])["q50"].transform(lambda q: q.notna().all())
    hours = hours[hours["count"].notna() & scorable].reset_index(drop=True)
    return metrics(hours), hours


def metrics(hours: pd.DataFrame) -> pd.DataFrame:
    """MASE, WAPE and 80 % coverage per method and zone, and per method over all zones."""
    h = hours.assign(abs_error=(hours["count"] - hours["q50"]).abs(),
                     covered=(hours["count"] >= hours["q10"]) & (hours["count"] <= hours["q90"]))
    per_origin = (h.groupby(["method", "zone_id", "origin"])
                  .agg(mae=("abs_error", "mean"), naive_mae=("naive_mae", "first")).reset_index())
    per_origin["mase"] = per_origin["mae"] / per_origin["naive_mae"]

    def summarise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        return frame.groupby(keys).agg(abs_error=("abs_error", "sum"), actual=("count", "sum"),
                                       coverage_80=("covered", "mean"), hours_scored=("count", "size"),
                                       origins=("origin", "nunique")).reset_index()

    zone = summarise(h, ["method", "zone_id"]).merge(
        per_origin.groupby(["method", "zone_id"])["mase"].mean().reset_index(), on=["method", "zone_id"])
    overall = summarise(h, ["method"]).merge(
        per_origin.groupby("method")["mase"].mean().reset_index(), on="method").assign(zone_id="ALL")
    out = pd.concat([zone, overall], ignore_index=True)
    out["wape"] = out["abs_error"] / out["actual"]
    return out[["method", "zone_id", "mase", "wape", "coverage_80", "hours_scored", "origins"]]

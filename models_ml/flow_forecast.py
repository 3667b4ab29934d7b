"""7-day (168 h) hourly foot-traffic forecast per zone with 10 % / 50 % / 90 % bands.

One global gradient-boosting model (scikit-learn HistGradientBoostingRegressor, Poisson loss) for all
zones, on counts scaled by each zone's mean. Features: hour, weekday, the zone, the day's calendar flags
(pluggable: the deployment's region's holidays and 调休 from models_ml.calendar (GRIDSIGHT_REGION), China's
whatever the region, or plain weekday/hour, e.g. for the Melbourne sample) and lags of 168, 336, 504 and 672
hours with the calendar type of the days they come from. Every lag is at least a week old, so one model
forecasts all 168 hours ahead directly (no recursion). Gaps (NaN) stay gaps: lags may be NaN (the trees
route them), and gap hours are neither trained on nor scored.

The bands are the point forecast plus empirical residual quantiles measured on a holdout (the last
weeks of the training window, forecast by a model that had not seen them), per band of forecast level,
so the 80 % interval is calibrated on out-of-sample errors rather than assumed.

Series frame (the canonical shape every adapter produces): columns zone_id, ts (hour start, naive local
time), count (float, NaN = no count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HORIZON = 168
LAGS = (168, 336, 504, 672)
QUANTILES = (0.1, 0.5, 0.9)
# Residual quantiles taken for the 10 % / 90 % bounds. Measured over 12 monthly origins, 10 % / 90 % covers
# 76 % of hours on the two-year demo world and on the real Melbourne counts (12.5 % / 87.5 %: 72 % there).
BAND_QUANTILES = (0.1, 0.5, 0.9)
HOLDOUT_DAYS = 42
TRAIN_DAYS = 371      # a year and a week: every holiday once, and the lags of its first weeks
LEVEL_BINS = 6
CENTER_SHIFT = True
MAX_ITER = 120
DAY_TYPES = {"workday": 0, "weekend": 1, "holiday": 2, "adjusted_workday": 3}

# Calendar features: a function from an array of dates to a frame of numeric day features, one row per
# date, including "day_type" (one of DAY_TYPES' values). Pluggable so each place brings its own holidays.
DayFeatures = Callable[[np.ndarray], pd.DataFrame]


def weekday_day_features(days: np.ndarray) -> pd.DataFrame:
    """No holiday calendar: weekends only (used for Melbourne, whose public holidays are not Chinese)."""
    weekday = pd.DatetimeIndex(days).weekday.to_numpy()
    return pd.DataFrame({"day_type": np.where(weekday >= 5, DAY_TYPES["weekend"], DAY_TYPES["workday"])})


def region_day_features(days: np.ndarray, region: str | None = None) -> pd.DataFrame:
    """Public holidays and adjusted working days (调休) of the deployment's region (or `region`) from
    models_ml.calendar, the day of the holiday, and the eve of a holiday."""
    from models_ml.calendar import region_calendar

    day_flags = region_calendar(region).flags
    unique = pd.DatetimeIndex(pd.unique(pd.DatetimeIndex(days).normalize()))
    lo, hi = unique.min().date() - dt.timedelta(days=10), unique.max().date() + dt.timedelta(days=2)
    table = {}
    run = 0
    for d in pd.date_range(lo, hi, freq="D").date:
        f = day_flags(d)
        run = run + 1 if f["is_holiday"] else 0
        table[d] = f | {"holiday_day": run}
    rows = []
    for d in unique.date:
        f, nxt = table[d], table[d + dt.timedelta(days=1)]
        day_type = ("holiday" if f["is_holiday"] else "adjusted_workday" if f["is_adjusted_workday"]
                    else "workday" if f["is_workday"] else "weekend")
        rows.append({"date": pd.Timestamp(d), "day_type": DAY_TYPES[day_type], "holiday_day": f["holiday_day"],
                     "big_holiday": int(f["holiday"] in ("national_day", "spring_festival")),
                     "holiday_eve": int(nxt["is_holiday"] and not f["is_holiday"])})
    lookup = pd.DataFrame(rows).set_index("date")
    return lookup.reindex(pd.DatetimeIndex(days).normalize()).reset_index(drop=True)


def china_day_features(days: np.ndarray) -> pd.DataFrame:
    """China's holidays and 调休 whatever the deployment's region."""
    return region_day_features(days, "CN")


CALENDARS: dict[str, DayFeatures] = {"region": region_day_features, "china": china_day_features,
                                     "weekday": weekday_day_features}


def hourly_grid(series: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Every hour from start to end (exclusive) for every zone, count NaN where no count exists."""
    series = series[["zone_id", "ts", "count"]].copy()
    series["ts"] = pd.to_datetime(series["ts"])
    start = pd.Timestamp(start) if start is not None else series["ts"].min().normalize()
    end = pd.Timestamp(end) if end is not None else series["ts"].max().normalize() + pd.Timedelta(days=1)
    hours = pd.date_range(start, end, freq="h", inclusive="left")
    zones = sorted(series["zone_id"].unique())
    index = pd.MultiIndex.from_product([zones, hours], names=["zone_id", "ts"])
    counts = series.groupby(["zone_id", "ts"])["count"].sum(min_count=1)
    return counts.reindex(index).reset_index()


def _features(grid: pd.DataFrame, calendar: DayFeatures, zones: list[str], scales: dict[str, float]
              ) -> pd.DataFrame:
    """Feature rows for every (zone, ts) of `grid` (a complete hourly grid incl. the history for lags)."""
    out = pd.DataFrame({"zone": grid["zone_id"].map({z: i for i, z in enumerate(zones)}).astype(float),
                        "hour": grid["ts"].dt.hour, "weekday": grid["ts"].dt.weekday})
    day = calendar(grid["ts"].dt.normalize().to_numpy())
    for col in day.columns:
        out[col] = day[col].to_numpy()
    scaled = grid["count"] / grid["zone_id"].map(scales)
    by_zone = scaled.groupby(grid["zone_id"])
    for lag in LAGS:
        out[f"lag{lag}"] = by_zone.shift(lag).to_numpy()
    lag_cols = [f"lag{lag}" for lag in LAGS]
    out["lag_mean"] = out[lag_cols].mean(axis=1)
    out["lag_median"] = out[lag_cols].median(axis=1)
    for lag in LAGS[:2]:
        past = calendar((grid["ts"] - pd.Timedelta(hours=lag)).dt.normalize().to_numpy())
        out[f"lag{lag}_day_type"] = past["day_type"].to_numpy()
    return out


@dataclass
class FlowForecaster:
    """A fitted forecaster: the estimator plus what scoring needs (zones, scales, residual bands)."""

    estimator: object
    calendar: str
    zones: list[str]
    scales: dict[str, float]
    band_edges: list[list[float]]    # per day group (0 ordinary, 1 holiday): forecast-level bin edges
    band_lo: list[list[float]]       # residual q10 per group and bin (scaled units)
    band_mid: list[list[float]]
    band_hi: list[list[float]]
    train_start: str = ""
    train_end: str = ""
    feature_names: list[str] = field(default_factory=list)

    def info(self) -> dict:
        """Everything but the estimator, JSON-ready (saved next to the model)."""
        return {k: v for k, v in self.__dict__.items() if k != "estimator"}

    @classmethod
    def from_info(cls, estimator, info: dict) -> FlowForecaster:
        names = cls.__dataclass_fields__
        return cls(estimator=estimator, **{k: v for k, v in info.items() if k in names and k != "estimator"})

    def predict(self, series: pd.DataFrame, origin, horizon: int = HORIZON) -> pd.DataFrame:
        """q10/q50/q90 for every zone and each of the `horizon` hours from `origin` (lags come from
        `series`; counts at or after origin are ignored)."""
        origin = pd.Timestamp(origin)
        history = series[(pd.to_datetime(series["ts"]) < origin) & series["zone_id"].isin(self.zones)]
        start = origin - pd.Timedelta(hours=max(LAGS))
        grid = hourly_grid(history, start, origin + pd.Timedelta(hours=horizon))
        grid = grid[grid["zone_id"].isin(self.zones)].reset_index(drop=True)
        feats = _features(grid, CALENDARS[self.calendar], self.zones, self.scales)
        keep = (grid["ts"] >= origin).to_numpy()
        grid, feats = grid[keep].reset_index(drop=True), feats[keep].reset_index(drop=True)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            point = np.clip(self.estimator.predict(feats[self.feature_names]), 0, None)
        scale = grid["zone_id"].map(self.scales).to_numpy()
        group = _day_group(feats)
        lo, mid, hi = (np.zeros(len(point)) for _ in range(3))
        for g in (0, 1):
            at = group == g
            b = np.clip(np.searchsorted(self.band_edges[g], point[at], side="right") - 1, 0, len(self.band_lo[g]) - 1)
            lo[at], mid[at], hi[at] = (np.asarray(x[g])[b] for x in (self.band_lo, self.band_mid, self.band_hi))
        mid = mid if CENTER_SHIFT else 0 * mid
        q10, q50, q90 = (np.clip(point + r, 0, None) * scale for r in (lo, mid, hi))
        return pd.DataFrame({"zone_id": grid["zone_id"], "ts": grid["ts"], "q10": q10,
                             "q50": np.maximum(q50, q10), "q90": np.maximum(q90, q50)})


def _fit_one(seed: int, X: pd.DataFrame, y: np.ndarray):
    """Fit one estimator on a single thread: OpenMP threads spin badly on a busy shared machine, and the
    fits are small enough that one core is quick."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _estimator(seed).fit(X, y)


def _estimator(seed: int):
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(loss="poisson", max_iter=MAX_ITER, learning_rate=0.1, max_leaf_nodes=31,
                                         min_samples_leaf=20, l2_regularization=1.0, early_stopping=False,
                                         categorical_features=["zone"], random_state=seed)


def _training_rows(grid, feats):
    """Rows with a count and at least one lag (the first weeks of a history have none)."""
    ok = grid["count"].notna() & feats[[f"lag{lag}" for lag in LAGS]].notna().any(axis=1)
    return ok.to_numpy()


def _day_group(feats: pd.DataFrame) -> np.ndarray:
    """1 on public holidays (their errors are larger and get their own bands), else 0."""
    return (feats["day_type"] == DAY_TYPES["holiday"]).to_numpy().astype(int)


def fit(series: pd.DataFrame, calendar: str = "region", holdout_days: int | None = None,
        train_days: int | None = None, seed: int = 0) -> FlowForecaster:
    """Fit on the last `train_days` of `series` (the training window). The bands come from a model
    fitted without the last `holdout_days` and scored on them (168 h ahead at most, as in use)."""
    holdout_days, train_days = holdout_days or HOLDOUT_DAYS, train_days or TRAIN_DAYS
    series = series.assign(ts=pd.to_datetime(series["ts"]))
    start = max(series["ts"].max().normalize() - pd.Timedelta(days=train_days - 1), series["ts"].min().normalize())
    series = series[series["ts"] >= start - pd.Timedelta(hours=max(LAGS))]
    grid = hourly_grid(series)
    zones = sorted(grid["zone_id"].unique())
    scales = {z: float(v) for z, v in grid.groupby("zone_id")["count"].mean().items()}
    if any(not np.isfinite(v) or v <= 0 for v in scales.values()):
        raise ValueError("every zone needs some counts above zero in the training window")
    feats = _features(grid, CALENDARS[calendar], zones, scales)
    names = list(feats.columns)
    y = (grid["count"] / grid["zone_id"].map(scales)).to_numpy()
    rows = _training_rows(grid, feats) & (grid["ts"] >= start).to_numpy()
    days = (grid["ts"].max() - grid["ts"].min()).days + 1
    holdout_days = min(holdout_days, max(7, days // 4))
    cut = grid["ts"].max().normalize() - pd.Timedelta(days=holdout_days - 1)
    early = rows & (grid["ts"] < cut).to_numpy()
    late = rows & (grid["ts"] >= cut).to_numpy()
    if early.sum() < 24 * 7 or late.sum() < 24:
        raise ValueError(f"too little history to fit: {days} days (need at least five weeks)")
    # a short history has no 504/672 h lags before the holdout: leave out features with no value at all
    names = [c for c in names if feats.loc[early, c].notna().any()]
    first = _fit_one(seed, feats.loc[early, names], y[early])
    pred = np.clip(first.predict(feats.loc[late, names]), 0, None)
    group, resid = _day_group(feats.loc[late]), y[late] - pred
    overall = _residual_bands(pred, resid)
    # ordinary days and holidays get their own bands (a Golden Week in the holdout must not widen them all)
    bands = [_residual_bands(pred[group == g], resid[group == g]) if (group == g).sum() >= 48 else overall
             for g in (0, 1)]
    final = _fit_one(seed, feats.loc[rows, names], y[rows])
    edges, lo, mid, hi = ([b[i] for b in bands] for i in range(4))
    return FlowForecaster(final, calendar, zones, scales, edges, lo, mid, hi,
                          str(start.date()), str(grid["ts"].max().date()), names)


def _residual_bands(pred: np.ndarray, resid: np.ndarray, bins: int = LEVEL_BINS):
    """Residual q10/q50/q90 in bins of the forecast level (equal-count bins)."""
    edges = np.unique(np.quantile(pred, np.linspace(0, 1, bins + 1)))
    edges[0] = -np.inf
    which = np.clip(np.searchsorted(edges, pred, side="right") - 1, 0, len(edges) - 2)
    lo, mid, hi = [], [], []
    for b in range(len(edges) - 1):
        r = resid[which == b]
        q = np.quantile(r, BAND_QUANTILES) if len(r) else np.zeros(3)
        lo.append(float(q[0]))
        mid.append(float(q[1]))
        hi.append(float(q[2]))
    return [float(e) for e in edges[:-1]], lo, mid, hi


def crowding_alerts(forecast: pd.DataFrame, capacity: pd.Series) -> pd.DataFrame:
    """Forecast hours whose upper bound (q90) exceeds the zone's safe capacity (`capacity` by zone_id)."""
    out = forecast.assign(safe_capacity=forecast["zone_id"].map(capacity))
    out = out[out["safe_capacity"].notna() & (out["q90"] > out["safe_capacity"])].copy()
    out["excess_share"] = out["q90"] / out["safe_capacity"] - 1
    out["likely"] = out["q50"] > out["safe_capacity"]
    return out.reset_index(drop=True)

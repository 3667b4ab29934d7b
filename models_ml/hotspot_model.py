"""Next week's disputes per grid: a gradient-boosted Poisson model, its per-grid reasons, and the honest
baselines it has to beat (last week, trailing 4- and 12-week means, kernel density of past locations).

Long-run rate: a grid's own dispute history is the best guide to its temperament (what no register
shows), but a year of a quiet grid is a handful of disputes, and a young installation has only weeks.
So the model also gets each grid's empirical-Bayes rate: what grids with its population make-up and
shops usually have (a Poisson regression on the static features, the "prior"), moved towards the grid's
own disputes of the last LONG_RUN_WEEKS weeks as far as the number of weeks and disputes behind it
warrants (gamma-Poisson credibility; how far grids really differ from their prior is estimated from
the training data):  rate = prior × (shape + disputes) / (shape + prior × weeks).

Reasons: for each grid and feature, the model's prediction with that feature set to its typical value
(the training median) is compared with the actual prediction; the ratio says how much that feature
moves this grid's expected disputes ("×1.8" = it raises them by 80 % compared with a typical grid).
The three largest raising factors are a grid's reasons.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from models_ml.hotspot_features import FEATURES, M_PER_DEG_LAT, STATIC_FEATURES

if TYPE_CHECKING:   # scikit-learn is imported where a model is fitted: a run that fits none stays lighter
    from sklearn.ensemble import HistGradientBoostingRegressor

BASELINES = ["last_week", "mean_4w", "mean_12w", "kde"]
MODEL = "model"
# Raised whenever the model's inputs or structure change: saved models of another design are retrained
# and their backtest rerun (1: panel features only; 2: with the long-run rate).
MODEL_DESIGN = 2
MIN_HISTORY_WEEKS = 4        # training rows need this many weeks of history behind them
LONG_RUN = "long_run_rate"   # the empirical-Bayes rate (module doc), the model's one derived feature
LONG_RUN_WEEKS = 52          # chosen on validation worlds, not on the demo world (models_ml/README.md)
MIN_SPREAD = 0.01            # floor of the estimated variance of grids' rates around their prior
KDE_WEEKS = 52               # the kernel density looks this far back
PREDICTION_FLOOR = 0.01      # for the Poisson deviance a forecast of zero is floored (1 per 100 grid-weeks)
# One OpenMP thread: these fits are small, and on a busy two-core machine extra threads spin against each
# other (a fit took 30 s instead of 1 s).
THREADS = 1


def features_used(train: pd.DataFrame) -> list[str]:
    """The features that carry information in this data (the Chicago cells have no population, say)."""
    return [f for f in FEATURES if train[f].notna().any() and train[f].nunique(dropna=True) > 1]


def fit(train: pd.DataFrame, features: list[str] | None = None, seed: int = 0) -> HistGradientBoostingRegressor:
    """Fit the Poisson model on panel rows with a known target and enough history."""
    rows = train[train["target"].notna() & (train["week_index"] >= MIN_HISTORY_WEEKS)]
    if rows.empty or rows["target"].sum() == 0:
        raise ValueError("no training weeks with disputes: the model needs history with at least one dispute")
    features = features or features_used(rows)
    from sklearn.ensemble import HistGradientBoostingRegressor

    # Shallow trees (depth 2): an almost additive model of log-rates. Deeper trees overfit the sparse
    # weekly counts (about one dispute per grid every two months in the demo world).
    # Leaves of 100 grid-weeks; a young installation with few weeks gets smaller ones rather than none.
    model = HistGradientBoostingRegressor(loss="poisson", learning_rate=0.05, max_iter=200, max_depth=2,
                                          min_samples_leaf=min(100, max(20, len(rows) // 50)),
                                          l2_regularization=1.0, early_stopping=False, random_state=seed)
    model.feature_names_ = [*features, LONG_RUN]   # kept with the estimator (skops stores plain attributes)
    _fit_long_run(model, rows, [f for f in STATIC_FEATURES if f in features])
    x = design(model, rows)
    with threadpool_limits(limits=THREADS):
        model.fit(x, rows["target"].to_numpy(float))
    model.typical_ = np.median(x, axis=0)
    return model


def _statics(rows: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Static features for the prior: counts and densities on a log scale, shares as they are."""
    return np.column_stack([rows[c].to_numpy(float) if c.endswith("_share") else np.log1p(rows[c].to_numpy(float))
                            for c in cols])


def _prior(model, rows: pd.DataFrame) -> np.ndarray:
    """Expected disputes per week of a grid like this one (the training mean where there are no statics);
    a grid without some static value gets the training median."""
    if model.prior_ is None:
        return np.full(len(rows), model.prior_mean_)
    x = _statics(rows, model.prior_features_)
    x = np.where(np.isnan(x), model.prior_center_, x)
    return model.prior_.predict((x - model.prior_center_) / model.prior_scale_)


def _fit_long_run(model, rows: pd.DataFrame, statics: list[str]) -> None:
    """The prior regression and the gamma shape of the long-run rate, stored on the model."""
    model.prior_features_, model.prior_mean_, model.prior_ = statics, float(rows["target"].mean()), None
    if statics:
        x = _statics(rows, statics)
        model.prior_center_ = np.nanmedian(x, axis=0)
        model.prior_scale_ = np.nanstd(x, axis=0) + 1e-9
        x = np.where(np.isnan(x), model.prior_center_, x)
        from sklearn.linear_model import PoissonRegressor

        model.prior_ = PoissonRegressor(alpha=1e-4, max_iter=1000).fit(
            (x - model.prior_center_) / model.prior_scale_, rows["target"].to_numpy(float))
    # Shape by moments on each grid's latest row: the spread of its disputes around its prior beyond
    # what Poisson chance explains is the spread of grids' true rates.
    latest = rows.sort_values("week_index").groupby("grid_id").tail(1)
    disputes, weeks = _history(latest)
    expected = _prior(model, latest) * weeks
    if disputes.sum() > 0:
        expected = expected * disputes.sum() / expected.sum()
    spread = float(np.mean((disputes / expected - 1) ** 2 - 1 / expected))
    model.long_run_shape_ = 1 / max(spread, MIN_SPREAD)


def _history(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Disputes of each row's grid over the last LONG_RUN_WEEKS weeks, and how many weeks that is."""
    weeks = np.minimum(rows["week_index"].to_numpy(float) + 1, LONG_RUN_WEEKS)
    return rows[f"mean_{LONG_RUN_WEEKS}w"].to_numpy(float) * weeks, weeks


def long_run_rate(model, rows: pd.DataFrame) -> np.ndarray:
    """Each row's empirical-Bayes disputes per week (module doc)."""
    prior = _prior(model, rows)
    disputes, weeks = _history(rows)
    shape = model.long_run_shape_
    return prior * (shape + disputes) / (shape + prior * weeks)


def design(model, rows: pd.DataFrame) -> np.ndarray:
    """The model's input matrix: the panel features it uses, then the long-run rate."""
    return np.column_stack([rows[model.feature_names_[:-1]].to_numpy(float), long_run_rate(model, rows)])


def predict(model, rows: pd.DataFrame) -> np.ndarray:
    with threadpool_limits(limits=THREADS):
        return model.predict(design(model, rows))


def reasons(model, rows: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """The `top` features that raise each row's prediction most, with their factor (see module doc)."""
    x = design(model, rows)
    with threadpool_limits(limits=THREADS):
        base = np.log(np.maximum(model.predict(x), 1e-9))
        effects = np.zeros_like(x)
        for j, typical in enumerate(model.typical_):
            swapped = x.copy()
            swapped[:, j] = typical
            effects[:, j] = base - np.log(np.maximum(model.predict(swapped), 1e-9))
    order = np.argsort(-effects, axis=1)[:, :top]
    out = {}
    for k in range(top):
        idx = order[:, k]
        effect = effects[np.arange(len(x)), idx]
        out[f"reason_{k + 1}"] = np.where(effect > 0, np.array(model.feature_names_)[idx], None)
        out[f"reason_{k + 1}_factor"] = np.where(effect > 0, np.round(np.exp(effect), 2), np.nan)
    return pd.DataFrame(out, index=rows.index)


def kde_scores(grids: pd.DataFrame, events: pd.DataFrame, bandwidth_m: float | None = None) -> np.ndarray:
    """Expected share of the next disputes per area from a Gaussian kernel density over past dispute
    locations (events: lat, lon), evaluated at each area's centroid and weighted by its area when
    known. The bandwidth defaults to half the typical distance between neighbouring centroids."""
    lat0 = float(grids["centroid_lat"].mean())
    kx = M_PER_DEG_LAT * math.cos(math.radians(lat0))
    gx = grids["centroid_lon"].to_numpy(float) * kx
    gy = grids["centroid_lat"].to_numpy(float) * M_PER_DEG_LAT
    if bandwidth_m is None:
        d = np.sqrt((gx[:, None] - gx[None, :]) ** 2 + (gy[:, None] - gy[None, :]) ** 2)
        np.fill_diagonal(d, np.inf)
        bandwidth_m = 0.5 * float(np.median(d.min(axis=1))) if len(grids) > 1 else 500.0
    ex = events["lon"].to_numpy(float) * kx
    ey = events["lat"].to_numpy(float) * M_PER_DEG_LAT
    density = np.zeros(len(grids))
    for start in range(0, len(ex), 4000):   # chunks keep memory small on city-sized data
        dx = gx[:, None] - ex[None, start:start + 4000]
        dy = gy[:, None] - ey[None, start:start + 4000]
        density += np.exp(-(dx ** 2 + dy ** 2) / (2 * bandwidth_m ** 2)).sum(axis=1)
    if "area_km2" in grids and grids["area_km2"].notna().all():
        density = density * grids["area_km2"].to_numpy(float)
    total = density.sum()
    return density / total if total > 0 else np.full(len(grids), 1 / len(grids))


def baseline_predictions(rows: pd.DataFrame, grids: pd.DataFrame, events: pd.DataFrame,
                         weekly_total: float) -> dict[str, np.ndarray]:
    """Every baseline's forecast of next week's disputes for the panel rows of one week (in grids' order).
    `events` are the dispute locations of the KDE window, `weekly_total` the mean disputes per week in it."""
    aligned = rows.set_index("grid_id").reindex(grids["grid_id"])
    return {
        "last_week": aligned["lag_1"].fillna(0).to_numpy(float),
        "mean_4w": aligned["mean_4w"].fillna(0).to_numpy(float),
        "mean_12w": aligned["mean_12w"].fillna(0).to_numpy(float),
        "kde": kde_scores(grids, events) * weekly_total,
    }


def risk_tiers(expected: np.ndarray) -> np.ndarray:
    """high = top 10 % of grids by expected disputes, elevated = the next 10 %, normal = the rest —
    the same cut-offs the backtest scores (hit rate and PAI at 10 % and 20 %)."""
    n = len(expected)
    rank = pd.Series(expected).rank(ascending=False, method="first").to_numpy()
    k10, k20 = max(1, round(0.1 * n)), max(1, round(0.2 * n))
    return np.where(rank <= k10, "high", np.where(rank <= k20, "elevated", "normal"))


def suggested_action(tier: str, recent_disputes: float) -> str | None:
    """High-risk grids with disputes in the last four weeks get a mediation visit (settle the open rows
    before they repeat nearby); other high and elevated grids get patrols; the rest need nothing extra."""
    if tier == "high" and recent_disputes > 0:
        return "mediation_visit"
    if tier in ("high", "elevated"):
        return "patrol"
    return None

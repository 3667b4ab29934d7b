"""Rolling-origin backtest of the hotspot model against its baselines, and the scores for next week.

At each origin (the end of a week) every model sees only what was known then: the model is refitted on
the weeks whose outcome was known, the baselines look back from the origin, and all forecast the
following week. Metrics per origin and model:
- hit rate @ p: share of the week's disputes that fell in the top p of grids the model flagged
- PAI @ p (predictive accuracy index): hit rate / share of grids flagged
- PEI @ p (predictive efficiency index): disputes captured / the most any choice of that many grids
  could have captured
- Poisson deviance of the forecast counts (forecasts floored at PREDICTION_FLOOR)
Ties at the cut-off (a baseline of counts has many) are split evenly: a tied group straddling the cut
counts with the share of it that fits, the expected capture under a random tie-break.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from models_ml import hotspot_model as hm
from models_ml.hotspot_features import WeeklyCounts

SHARES = (0.10, 0.20)
MIN_ORIGINS = 26


def flagged_count(n: int, share: float) -> int:
    return max(1, round(share * n))


def capture(scores: np.ndarray, actual: np.ndarray, k: int) -> float:
    """Disputes in the k highest-scored grids, ties at the cut-off split evenly."""
    order = np.argsort(-scores, kind="stable")
    cut = scores[order[k - 1]]
    above = scores > cut
    tied = scores == cut
    room = k - int(above.sum())
    return float(actual[above].sum() + actual[tied].sum() * room / tied.sum())


def poisson_deviance(actual: np.ndarray, predicted: np.ndarray) -> float:
    mu = np.maximum(predicted, hm.PREDICTION_FLOOR)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(actual > 0, actual * np.log(actual / mu), 0.0)
    return float(np.mean(2 * (term - (actual - mu))))


def week_metrics(scores: np.ndarray, actual: np.ndarray) -> dict:
    n, total = len(actual), float(actual.sum())
    out = {"n_grids": n, "disputes": total, "poisson_deviance": poisson_deviance(actual, scores)}
    for share in SHARES:
        k = flagged_count(n, share)
        tag = f"{round(share * 100)}"
        got = capture(scores, actual, k)
        best = float(np.sort(actual)[::-1][:k].sum())
        hit = got / total if total > 0 else math.nan
        out[f"hit_rate_{tag}"] = hit
        out[f"pai_{tag}"] = hit / (k / n) if total > 0 else math.nan
        out[f"pei_{tag}"] = got / best if best > 0 else math.nan
    return out


def _events_window(events: pd.DataFrame, end: dt.date, weeks: int) -> pd.DataFrame:
    days = pd.to_datetime(events["date_day"]).dt.date
    return events[(days <= end) & (days > end - dt.timedelta(weeks=weeks))]


def forecast_week(panel: pd.DataFrame, weekly: WeeklyCounts, grids: pd.DataFrame, events: pd.DataFrame,
                  origin: int, model=None) -> dict[str, np.ndarray]:
    """Every model's forecast for the week after week `origin`, in the order of grids."""
    rows = panel[panel["week_index"] == origin].set_index("grid_id").reindex(grids["grid_id"]).reset_index()
    first = max(0, origin - hm.KDE_WEEKS + 1)
    weekly_total = float(weekly.disputes[:, first:origin + 1].sum(axis=0).mean())
    recent = _events_window(events, weekly.week_ends[origin], hm.KDE_WEEKS)
    out = hm.baseline_predictions(rows, grids, recent, weekly_total)
    if model is not None:
        out[hm.MODEL] = hm.predict(model, rows)
    return out


def backtest(panel: pd.DataFrame, weekly: WeeklyCounts, grids: pd.DataFrame, events: pd.DataFrame,
             n_origins: int = 52, train_weeks: int | None = None, refit_every: int = 1,
             progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Metrics per origin and model over the last n_origins weeks whose outcome is known.
    grids must be in the order of weekly.grid_ids; events: date_day, lat, lon of past disputes."""
    n_weeks = len(weekly.week_ends)
    last_origin = n_weeks - 2                     # its following week is the last complete week
    first_origin = last_origin - n_origins + 1
    if n_origins < MIN_ORIGINS or first_origin < hm.MIN_HISTORY_WEEKS + 8:
        raise ValueError(f"a backtest needs at least {MIN_ORIGINS} origins after "
                         f"{hm.MIN_HISTORY_WEEKS + 8} weeks of history; the data has {n_weeks} complete weeks")
    rows, model = [], None
    for i, origin in enumerate(range(first_origin, last_origin + 1)):
        if model is None or i % refit_every == 0:
            train = panel[(panel["week_index"] < origin)]   # targets of these rows end by the origin
            if train_weeks:
                train = train[train["week_index"] >= origin - train_weeks]
            model = hm.fit(train)
        forecasts = forecast_week(panel, weekly, grids, events, origin, model)
        actual = weekly.disputes[:, origin + 1]
        end = weekly.week_ends[origin]
        for name, scores in forecasts.items():
            rows.append({"origin": end, "target_start": end + dt.timedelta(days=1),
                         "target_end": end + dt.timedelta(days=7), "model": name, **week_metrics(scores, actual)})
        if progress and (i + 1) % 10 == 0:
            progress(f"backtest: {i + 1}/{n_origins} weeks")
    return pd.DataFrame(rows)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Mean of each metric per model over the backtest weeks (weeks without disputes left out of the
    hit-rate, PAI and PEI means), best mean PAI at 10 % first (ties: by model name), and which baseline
    is best: the one the model has to beat. The one home of this rule (ml.hotspot_backtest_summary)."""
    metrics = [c for c in results.columns if c.startswith(("hit_rate", "pai", "pei", "poisson"))]
    out = results.groupby("model")[metrics].mean()
    out["weeks"] = results.groupby("model").size()
    out = out.reset_index().sort_values(["pai_10", "model"], ascending=[False, True], na_position="last")
    baselines = out.index[out["model"] != hm.MODEL]
    out["is_best_baseline"] = out.index.isin(baselines[:1])
    return out.set_index("model")


def best_baseline(results: pd.DataFrame) -> tuple[str, float]:
    """The best baseline's name and mean PAI at 10 % (see summary)."""
    table = summary(results)
    best = table[table["is_best_baseline"]]
    return str(best.index[0]), float(best["pai_10"].iloc[0])


def next_week_scores(panel: pd.DataFrame, weekly: WeeklyCounts, grids: pd.DataFrame, events: pd.DataFrame,
                     model) -> pd.DataFrame:
    """Next week's expected disputes per grid with rank, risk tier, reasons and the suggested action."""
    origin = len(weekly.week_ends) - 1
    end = weekly.week_ends[origin]
    forecasts = forecast_week(panel, weekly, grids, events, origin, model)
    rows = panel[panel["week_index"] == origin].set_index("grid_id").reindex(grids["grid_id"]).reset_index()
    expected = forecasts[hm.MODEL]
    frame = pd.DataFrame({
        "grid_id": grids["grid_id"].to_numpy(), "data_through": end,
        "week_start": end + dt.timedelta(days=1), "week_end": end + dt.timedelta(days=7),
        "expected_disputes": np.round(expected, 4),
        "rank": pd.Series(expected).rank(ascending=False, method="first").astype(int).to_numpy(),
        "risk_tier": hm.risk_tiers(expected),
        "disputes_last_4w": (rows["mean_4w"].fillna(0) * 4).round().astype(int).to_numpy(),
        "baseline_mean_4w": np.round(forecasts["mean_4w"], 4),
    })
    frame = pd.concat([frame, hm.reasons(model, rows).reset_index(drop=True)], axis=1)
    frame["action"] = [hm.suggested_action(t, r) for t, r in zip(frame["risk_tier"], frame["disputes_last_4w"],
                                                                  strict=True)]
    return frame.sort_values("rank").reset_index(drop=True)

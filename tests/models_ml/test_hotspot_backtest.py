"""The hotspot model against its baselines on a simulated district: 120 grids, 80 weeks of disputes from
the demo world's generator, fed straight through the pure feature functions (no warehouse needed)."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from models_ml import hotspot_backtest as hb
from models_ml import hotspot_features as hf
from models_ml import hotspot_model as hm
from simulator import disputes
from simulator.world import build_world

START, END = dt.date(2024, 12, 30), dt.date(2026, 7, 12)   # 80 weeks


def frames(grids, arrivals, start, end):
    """What the marts would hold, built from the generator's output."""
    l3 = [g for g in grids if g.level == "grid" and g.bounds]
    arrivals = arrivals.assign(date_day=pd.to_datetime(arrivals["reported_at"]).dt.date)
    daily = arrivals.groupby(["grid_id", "date_day"]).size().rename("disputes_reported").reset_index()
    daily = pd.concat([daily, pd.DataFrame({"grid_id": l3[0].grid_id, "date_day": [start, end],
                                            "disputes_reported": 0})], ignore_index=True)
    area = pd.DataFrame({
        "grid_id": [g.grid_id for g in l3], "centroid_lat": [g.centroid[0] for g in l3],
        "centroid_lon": [g.centroid[1] for g in l3], "households": [g.households for g in l3],
        "shops": [g.shops for g in l3], "area_km2": [hf.area_km2(json.dumps(g.geometry())) for g in l3]})
    population = pd.DataFrame({"grid_id": [g.grid_id for g in l3],
                               "residents": [2.4 * g.households for g in l3],
                               "renter_share": [g.renter_share for g in l3],
                               "floating_share": [g.renter_share * 0.8 for g in l3]})
    return daily, area, population, arrivals[["date_day", "lat", "lon"]]


@pytest.fixture(scope="module")
def district():
    grids, _ = build_world(np.random.default_rng(1958), 3, 10, 3, 4)
    arrivals, truth = disputes.generate(np.random.default_rng([1958, 8]), grids, START, END)
    daily, area, population, events = frames(grids, arrivals, START, END)
    panel, weekly = hf.build_panel(daily, area, population)
    results = hb.backtest(panel, weekly, area, events, n_origins=26, train_weeks=104, refit_every=4)
    return panel, weekly, area, events, truth, results


def test_backtest_covers_26_weeks_for_every_model(district):
    *_, results = district
    assert results.groupby("model").size().to_dict() == {m: 26 for m in [hm.MODEL, *hm.BASELINES]}
    assert results["origin"].nunique() == 26
    assert all((s - o).days == 1 for s, o in zip(results["target_start"], results["origin"], strict=True))
    assert results["pei_10"].dropna().between(0, 1).all()
    k = hb.flagged_count(120, 0.10)
    weeks = results.dropna(subset=["pai_10"])
    assert np.allclose(weeks["hit_rate_10"], weeks["pai_10"] * k / 120)


def test_model_beats_the_best_baseline_on_pai_at_10_percent(district):
    *_, results = district
    means = hb.summary(results)
    best, best_pai = hb.best_baseline(results)
    assert means.loc["model", "pai_10"] > best_pai, means
    assert means.loc["model", "pai_20"] > means.drop("model")["pai_20"].max(), means


def test_forecasts_follow_the_true_rates_better_than_the_baselines(district):
    panel, weekly, area, events, truth, _ = district
    true_weekly = hf.weekly_counts(truth.rename(columns={"date": "date_day", "expected": "disputes_reported"}),
                                   weekly.grid_ids, weekly.week_ends[-1]).disputes
    last = len(weekly.week_ends) - 2
    model = hm.fit(panel[panel["week_index"] < last - 8])
    corr = {}
    for origin in range(last - 8, last + 1):
        forecasts = hb.forecast_week(panel, weekly, area, events, origin, model)
        for name, scores in forecasts.items():
            corr.setdefault(name, []).append(pd.Series(scores).corr(pd.Series(true_weekly[:, origin + 1]),
                                                                    method="spearman"))
    means = {name: float(np.mean(v)) for name, v in corr.items()}
    assert means[hm.MODEL] > max(v for k, v in means.items() if k != hm.MODEL), means
    assert means[hm.MODEL] > 0.6, means


@pytest.mark.parametrize("weeks", [26, 52])
def test_long_run_rate_finds_the_true_rates_better_than_the_prior_or_the_grid_alone(district, weeks):
    """The empirical-Bayes rate after `weeks` weeks against each grid's true mean rate over all 80 weeks:
    closer than both what it combines — grids like this one (the prior) and the grid's own history."""
    panel, weekly, _, _, truth, _ = district
    true_weekly = hf.weekly_counts(truth.rename(columns={"date": "date_day", "expected": "disputes_reported"}),
                                   weekly.grid_ids, weekly.week_ends[-1]).disputes
    true = pd.Series(true_weekly.mean(axis=1))
    model = hm.fit(panel[panel["week_index"] < weeks])
    rows = panel[panel["week_index"] == weeks].set_index("grid_id").reindex(weekly.grid_ids).reset_index()
    estimates = {"long_run": hm.long_run_rate(model, rows),
                 "prior": hm.long_run_rate(model, rows.assign(week_index=-1)),   # no week behind it: the prior
                 "own_history": rows[f"mean_{hm.LONG_RUN_WEEKS}w"].to_numpy(float)}
    error = {name: float(np.mean((v - true) ** 2)) for name, v in estimates.items()}
    rank = {name: true.corr(pd.Series(v), method="spearman") for name, v in estimates.items()}
    assert error["long_run"] < min(error["prior"], error["own_history"]), error
    assert rank["long_run"] > max(rank["prior"], rank["own_history"]), rank


def test_scores_rank_tier_and_explain_every_grid(district):
    panel, weekly, area, events, _, _ = district
    model = hm.fit(panel)
    scores = hb.next_week_scores(panel, weekly, area, events, model)
    assert len(scores) == len(area) and scores["rank"].tolist() == list(range(1, len(area) + 1))
    assert scores["expected_disputes"].is_monotonic_decreasing
    assert (scores["risk_tier"] == "high").sum() == 12
    assert scores["week_start"].iloc[0] == END + dt.timedelta(days=1)
    high = scores[scores["risk_tier"] == "high"]
    assert high["reason_1"].notna().all() and (high["reason_1_factor"] > 1).all()
    assert set(high["reason_1"]) <= set(model.feature_names_)
    assert set(scores.loc[scores["risk_tier"] != "normal", "action"]) <= {"mediation_visit", "patrol"}

"""Hotspot metrics and features against values computed by hand or independently."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_poisson_deviance

from models_ml import hotspot_backtest as hb
from models_ml import hotspot_features as hf
from models_ml import hotspot_model as hm


def test_capture_splits_ties_at_the_cut():
    scores = np.array([5.0, 3.0, 3.0, 3.0, 1.0])
    actual = np.array([2.0, 3.0, 0.0, 0.0, 4.0])
    # top 2: grid 0 for sure, then one of three tied grids holding 3 disputes between them → 2 + 3/3
    assert hb.capture(scores, actual, 2) == pytest.approx(3.0)
    assert hb.capture(scores, actual, 1) == pytest.approx(2.0)


def test_week_metrics_by_hand():
    scores = np.arange(10, 0, -1, dtype=float)               # grid 0 ranked first
    actual = np.array([1, 0, 2, 0, 0, 0, 0, 0, 3, 0], float)  # 6 disputes
    m = hb.week_metrics(scores, actual)
    # 10 %: one grid flagged (grid 0) holds 1 of 6; the best single grid holds 3
    assert m["hit_rate_10"] == pytest.approx(1 / 6)
    assert m["pai_10"] == pytest.approx((1 / 6) / 0.1)
    assert m["pei_10"] == pytest.approx(1 / 3)
    # 20 %: grids 0 and 1 hold 1; the best two hold 5
    assert m["hit_rate_20"] == pytest.approx(1 / 6)
    assert m["pei_20"] == pytest.approx(1 / 5)
    assert m["poisson_deviance"] == pytest.approx(mean_poisson_deviance(actual, scores))


def test_weeks_without_disputes_have_no_hit_rate():
    m = hb.week_metrics(np.array([1.0, 0.5]), np.zeros(2))
    assert np.isnan(m["hit_rate_10"]) and np.isnan(m["pai_10"]) and np.isnan(m["pei_10"])


def test_weekly_counts_are_anchored_on_the_last_day():
    as_of = dt.date(2026, 3, 18)   # a Wednesday: weeks run Thursday … Wednesday
    days = pd.date_range(as_of - dt.timedelta(days=20), as_of).date
    daily = pd.DataFrame({"grid_id": "A", "date_day": days, "disputes_reported": np.arange(len(days))})
    weekly = hf.weekly_counts(daily, ["A"])
    assert weekly.week_ends == [as_of - dt.timedelta(days=14), as_of - dt.timedelta(days=7), as_of]
    expected = [sum(range(0, 7)), sum(range(7, 14)), sum(range(14, 21))]
    assert weekly.disputes[0].tolist() == expected


def test_panel_lags_neighbours_and_target():
    as_of = dt.date(2026, 3, 29)
    days = pd.date_range(as_of - dt.timedelta(days=7 * 6 - 1), as_of).date
    rng = np.random.default_rng(0)
    daily = pd.DataFrame([{"grid_id": g, "date_day": d, "disputes_reported": int(rng.poisson(0.3))}
                          for g in ("A", "B", "C") for d in days])
    grids = pd.DataFrame({"grid_id": ["A", "B", "C"], "centroid_lat": [30.0, 30.0, 30.0],
                          "centroid_lon": [117.0, 117.01, 117.05]})   # A and B neighbours, C far away
    panel, weekly = hf.build_panel(daily, grids)
    counts = pd.DataFrame(weekly.disputes, index=weekly.grid_ids)
    row = panel[(panel["grid_id"] == "A") & (panel["week_index"] == 3)].iloc[0]
    assert row["lag_1"] == counts.loc["A", 3] and row["lag_2"] == counts.loc["A", 2]
    assert row["target"] == counts.loc["A", 4]
    assert row["nb_lag_1"] == counts.loc["B", 3]
    assert row["mean_4w"] == pytest.approx(counts.loc["A", 0:3].mean())
    assert panel.loc[panel["week_index"] == 5, "target"].isna().all()


def test_area_of_a_grid_cell():
    # 0.01° × 0.01° at 30° N: about 1.113 km × 0.964 km
    ring = [[117.0, 30.0], [117.01, 30.0], [117.01, 30.01], [117.0, 30.01], [117.0, 30.0]]
    geometry = '{"type": "Polygon", "coordinates": [' + str(ring) + "]}"
    assert hf.area_km2(geometry) == pytest.approx(1.1132 * 0.9641, rel=0.01)


def test_risk_tiers_and_actions():
    tiers = hm.risk_tiers(np.arange(20, dtype=float))
    assert (tiers == "high").sum() == 2 and (tiers == "elevated").sum() == 2
    assert set(tiers[-2:]) == {"high"}
    assert hm.suggested_action("high", 2) == "mediation_visit"
    assert hm.suggested_action("high", 0) == "patrol"
    assert hm.suggested_action("elevated", 3) == "patrol"
    assert hm.suggested_action("normal", 3) is None


def _weeks(rows):
    return pd.DataFrame(rows, columns=["origin", "model", "pai_10", "poisson_deviance"])


def test_summary_means_skip_weeks_without_disputes_and_name_the_best_baseline():
    """Moved from the dbt unit test of mart_hotspot_backtest_summary (the mart now passes this table on):
    a week without disputes has no PAI and is left out of the mean (not counted as zero); the best
    baseline is the one with the highest mean PAI@10 %, the model itself is never a baseline."""
    results = _weeks([("2026-01-04", "model", 2.0, 1.0), ("2026-01-11", "model", 4.0, 3.0),
                      ("2026-01-04", "kde", 3.5, 2.0), ("2026-01-11", "kde", np.nan, 2.0),
                      ("2026-01-04", "last_week", 1.0, 4.0), ("2026-01-11", "last_week", 2.0, 4.0)])
    table = hb.summary(results)
    assert table.loc["model", ["pai_10", "poisson_deviance", "weeks"]].tolist() == [3.0, 2.0, 2]
    assert table.loc["kde", ["pai_10", "poisson_deviance", "weeks"]].tolist() == [3.5, 2.0, 2]
    assert table.loc["last_week", ["pai_10", "poisson_deviance", "weeks"]].tolist() == [1.5, 4.0, 2]
    assert table["is_best_baseline"].to_dict() == {"kde": True, "model": False, "last_week": False}
    assert hb.best_baseline(results) == ("kde", 3.5)


def test_summary_breaks_a_tie_on_pai_by_model_name():
    """Two baselines with the same mean PAI@10 %: the first name is the best baseline, whatever the row order."""
    rows = [("2026-01-04", "mean_4w", 2.0, 1.0), ("2026-01-04", "model", 3.0, 1.0),
            ("2026-01-04", "kde", 2.0, 1.0), ("2026-01-04", "last_week", np.nan, 1.0)]
    for order in (rows, rows[::-1]):
        table = hb.summary(_weeks(order))
        assert list(table.index) == ["model", "kde", "mean_4w", "last_week"]
        assert table.index[table["is_best_baseline"]].tolist() == ["kde"]
        assert hb.best_baseline(_weeks(order)) == ("kde", 2.0)

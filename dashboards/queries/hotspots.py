"""The hotspots page's queries: next week's risk per grid with names and reasons, and the backtest of
the model against its baselines (week by week, and its means per model)."""

from __future__ import annotations

import pandas as pd

from dashboards.data import Snapshot, has_table, query


def scores(snapshot: Snapshot) -> pd.DataFrame:
    """Every scored grid in rank order (empty before the first scoring)."""
    if not has_table(snapshot, "mart_hotspot_scores"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_hotspot_scores order by rank")


def outlook(snapshot: Snapshot) -> dict:
    """Disputes expected next week over the grids, and how many grids are high-risk."""
    return query(snapshot, "select sum(expected_disputes) as expected_disputes, count(*) filter (where risk_tier = "
                           "'high') as high_risk_grids from mart_hotspot_scores").to_dict("records")[0]


def backtest_weeks(snapshot: Snapshot) -> pd.DataFrame:
    """Each backtest week's metrics per model (empty when the history is too short)."""
    if not has_table(snapshot, "mart_hotspot_backtest"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_hotspot_backtest order by origin, model")


def backtest_summary(snapshot: Snapshot) -> pd.DataFrame:
    """The backtest means per model, indexed by model."""
    return query(snapshot, "select * from mart_hotspot_backtest_summary order by model").set_index("model")

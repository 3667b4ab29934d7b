"""Queries of the population page: district totals, the make-up of each grid, each grid's share of
households in a tier (for the map), and renters and floating residents over time. Aggregates only."""

from __future__ import annotations

import pandas as pd

from dashboards.data import Snapshot, query

TIERS = ("red", "yellow", "green")
TOTALS = ("residents", "households", "floating", "renters", "elderly_alone", "focus_persons", "registered",
          "resident", "age_0_17", "age_18_34", "age_35_59", "age_60_79", "age_80_plus")


def by_grid(snapshot: Snapshot) -> pd.DataFrame:
    """mart_population_by_grid with each grid's names, one row per grid."""
    return query(snapshot, """
        select p.*, g.name_zh, g.name_en
        from mart_population_by_grid as p join dim_grids as g using (grid_id)
        order by p.grid_id""")


def totals(snapshot: Snapshot) -> pd.Series:
    """The TOTALS columns summed over the grids, and floating_share (floating residents per resident)."""
    sums = ", ".join(f"cast(sum({c}) as bigint) as {c}" for c in TOTALS)
    return query(snapshot, f"""
        select {sums}, coalesce(sum(floating) / nullif(sum(residents), 0), 0) as floating_share
        from mart_population_by_grid""").iloc[0]


def tier_shares(snapshot: Snapshot, tier: str) -> pd.DataFrame:
    """Per grid, with its polygon and names: the share (%) of its households in `tier` (0 without households)."""
    if tier not in TIERS:
        raise ValueError(f"unknown household tier {tier!r}; tiers: {', '.join(TIERS)}")
    return query(snapshot, f"""
        select p.grid_id, g.name_zh, g.name_en, g.geometry_geojson,
               coalesce(100.0 * p.households_{tier} / nullif(p.households, 0), 0) as share
        from mart_population_by_grid as p join dim_grids as g using (grid_id)
        order by p.grid_id""")


def daily(snapshot: Snapshot) -> pd.DataFrame:
    """Renters and floating residents per day."""
    return query(snapshot, """
        select date_day, sum(renters) as renters, sum(floating) as floating
        from mart_population_daily group by date_day order by date_day""")


def weekly_registrations(snapshot: Snapshot) -> pd.DataFrame:
    """Households registered and deregistered per week (weeks start on Monday): daily bars over two years
    would merge into a solid block."""
    return query(snapshot, """
        select cast(date_trunc('week', date_day) as date) as week_start,
               cast(sum(households_registered) as bigint) as registered,
               cast(sum(households_deregistered) as bigint) as deregistered
        from mart_population_daily group by week_start order by week_start""")

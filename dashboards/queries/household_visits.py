"""Queries of the household visit list: the grids with households to visit, and the households of the
chosen grids and tiers (masked, most urgent first). Household-level: the data layer offers these tables only
to roles that may view households, and only in the user's own grids."""

from __future__ import annotations

import pandas as pd

from dashboards.data import Snapshot, query


def grids(snapshot: Snapshot) -> pd.DataFrame:
    """The grids that have households on the list (grid_id, name_zh, name_en), the most urgent first."""
    return query(snapshot, """
        select v.grid_id, g.name_zh, g.name_en
        from mart_household_visits as v join dim_grids as g using (grid_id)
        group by all order by min(v.visit_priority), v.grid_id""")


def households(snapshot: Snapshot, grid_ids: list[str], tiers: list[str]) -> pd.DataFrame:
    """The households of `grid_ids` whose tier is one of `tiers`, with their grid's names
    (grid_name_zh, grid_name_en), in visiting order."""
    return query(snapshot, """
        select v.*, g.name_zh as grid_name_zh, g.name_en as grid_name_en
        from mart_household_visits as v join dim_grids as g using (grid_id)
        where list_contains(?::varchar[], v.grid_id) and list_contains(?::varchar[], v.household_tier)
        order by v.visit_priority, v.grid_id, v.building, v.unit, v.room""", (list(grid_ids), list(tiers)))


def tier_counts(snapshot: Snapshot, grid_ids: list[str], tiers: list[str]) -> pd.Series:
    """How many of those households are in each tier (household_tier → count)."""
    return query(snapshot, """
        select household_tier, count(*) as households from mart_household_visits
        where list_contains(?::varchar[], grid_id) and list_contains(?::varchar[], household_tier)
        group by household_tier""", (list(grid_ids), list(tiers))).set_index("household_tier")["households"]

"""Queries of the ratings page (星级评定): the months rated, each grid's stars with the KPIs that pulled it
down (mart_grid_ratings, mart_grid_rating_kpis) and the street ranking (mart_street_rankings). The rows a
user sees are their scope's (dashboards/data.py); a grid worker's, their own grid's."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Snapshot, query


def months(snapshot: Snapshot) -> list:
    """The rated months, latest first."""
    return list(query(snapshot, "select distinct month from mart_grid_ratings order by month desc")["month"])


def month_end(month) -> dt.date:
    """The last day of `month` (a month's first day)."""
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


def grid_ratings(snapshot: Snapshot, month) -> pd.DataFrame:
    """One row per grid rated in `month`, with its names, most stars first."""
    return query(snapshot, """
        select r.*, g.name_zh, g.name_en
        from mart_grid_ratings as r join dim_grids as g using (grid_id)
        where r.month = ?
        order by r.points desc nulls last, r.grid_id""", (month,))


def rating_kpis(snapshot: Snapshot, month) -> pd.DataFrame:
    """Each grid's rated KPIs in `month` with the KPIs' names: value, weight, points and lost points."""
    return query(snapshot, """
        select p.grid_id, p.kpi, k.name_zh, k.name_en, p.value, p.weight, p.points, p.lost_points
        from mart_grid_rating_kpis as p join dim_kpis as k using (kpi)
        where p.month = ?
        order by p.grid_id, p.kpi""", (month,))


def kpi_names(snapshot: Snapshot) -> pd.DataFrame:
    return query(snapshot, "select kpi, name_zh, name_en from dim_kpis")


def street_ranking(snapshot: Snapshot, month) -> pd.DataFrame:
    """Each street's value and rank on each ranked KPI in `month`, with the street's and the KPI's names."""
    return query(snapshot, """
        select s.area_id as street_id, g.name_zh, g.name_en, s.kpi, k.name_zh as kpi_zh, k.name_en as kpi_en,
               s.value, s.street_rank, s.streets_ranked
        from mart_street_rankings as s
        join dim_grids as g on g.grid_id = s.area_id
        join dim_kpis as k using (kpi)
        where s.month = ?
        order by s.kpi, s.street_rank, s.area_id""", (month,))

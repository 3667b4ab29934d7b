"""Queries of the cockpit: the areas it offers, the KPI tiles, the scorecard, the grid map and the daily
trend of one area (level and id) and period, all read from the KPI marts (mart_kpi_values, mart_scorecard,
mart_grid_period, mart_area_daily), and the device tiles (fct_alarms, mart_devices_offline,
fct_welfare_checks). The data layer has already cut every mart to the user's areas."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Snapshot, query
from dashboards.queries.daily import area_days
from dashboards.queries.devices import available

AREA_LEVELS = ("district", "street", "community", "grid")


def periods(snapshot: Snapshot) -> list[int]:
    """The periods (days) the KPI marts hold, shortest first (defined in int_kpi_windows)."""
    return query(snapshot, "select distinct period_days from mart_kpi_values order by period_days")[
        "period_days"].tolist()


def district_and_streets(snapshot: Snapshot) -> pd.DataFrame:
    """The district first, then its streets (for a user who may see the whole district)."""
    return query(snapshot, """
        select grid_id as area_id, level, name_zh, name_en from dim_grids where level in ('district', 'street')
        order by level = 'street', grid_id""")


def scope_areas(snapshot: Snapshot, scope: tuple[str, ...]) -> pd.DataFrame:
    """The areas of a user's scope that the KPI marts cover (district, street, community or L3 grid)."""
    return query(snapshot, """
        select grid_id as area_id, level, name_zh, name_en from dim_grids
        where grid_id in (select unnest(?::varchar[])) and level in (select unnest(?::varchar[]))
        order by grid_id""", (list(scope), list(AREA_LEVELS)))


def kpis(snapshot: Snapshot, level: str, area_id: str, days: int) -> pd.DataFrame:
    """Every KPI of the catalogue, in its order, with its value over the period and the period before."""
    return query(snapshot, """
        with catalogue as (select *, row_number() over () as position from dim_kpis)
        select k.kpi, k.name_zh, k.name_en, k.unit, k.higher_is_better, k.is_available, v.value, v.previous_value,
               v.target
        from catalogue as k
        left join mart_kpi_values as v
            on v.kpi = k.kpi and v.period_days = ? and v.area_level = ? and v.area_id = ?
        order by k.position""", (days, level, area_id))


def scorecard(snapshot: Snapshot, level: str, area_id: str, days: int) -> pd.DataFrame:
    """Each KPI of the scorecard against its target, and the overall row (the mean over the available KPIs),
    lowest score first; a KPI the sources cannot give has status not_available and no score."""
    return query(snapshot, """
        select s.kpi, s.unit, s.actual, s.target, s.target_source, s.score, s.status, k.name_zh, k.name_en
        from mart_scorecard as s left join dim_kpis as k using (kpi)
        where s.period_days = ? and s.area_level = ? and s.area_id = ?
        order by s.score""", (days, level, area_id))


def grid_values(snapshot: Snapshot, area_id: str, days: int) -> pd.DataFrame:
    """The L3 grids of the area with their outline and the period's cases, residents, backlog, overdue
    and cases per 1,000 residents (rate; 0 where nobody lives, for the map's colour)."""
    return query(snapshot, """
        select g.grid_id, g.name_zh, g.name_en, g.geometry_geojson, p.cases, p.residents, p.backlog, p.overdue,
               coalesce(p.cases_per_1000_residents, 0) as rate
        from dim_grids as g
        join mart_grid_period as p using (grid_id)
        where g.level = 'grid' and p.period_days = ?
            and ? in (g.district_id, g.street_id, g.community_id, g.l3_grid_id)
        """, (days, area_id))


def trend(snapshot: Snapshot, level: str, area_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """New cases, backlog and overdue backlog of the area on every day of the period."""
    return area_days(snapshot, level, area_id, start, end,
                     {"new_cases": "cases_reported", "backlog": "backlog_end", "overdue": "overdue_end"})


def device_tiles(snapshot: Snapshot, area_id: str) -> dict | None:
    """The cockpit's device tiles for an area (and every grid inside it): open alarms, devices offline now,
    open welfare checks — each None when its mart is missing; None altogether when no device mart is there
    or all of them are empty."""
    tables = available(snapshot)
    counts = {"open_alarms": ("fct_alarms", "is_open and not is_suppressed"),
              "devices_offline": ("mart_devices_offline", "true"),
              "open_welfare_checks": ("fct_welfare_checks", "is_open")}
    parts = {key: f"""(select count(*) filter (where {where}) from {table} as t join dim_grids as g using (grid_id)
                      where ? in (g.district_id, g.street_id, g.community_id, g.l3_grid_id))"""
             for key, (table, where) in counts.items() if table in tables}
    rows = [f"(select count(*) from {table})" for table in sorted(tables)]
    if not parts or not query(snapshot, f"select {' + '.join(rows)} as n").iloc[0]["n"]:
        return None
    values = query(snapshot, "select " + ", ".join(f"{sql} as {key}" for key, sql in parts.items()),
                   tuple(area_id for _ in parts)).iloc[0]
    return {key: (int(values[key]) if key in parts else None) for key in counts}

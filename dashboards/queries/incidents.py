"""Queries of the incidents page: backlog trend, at-risk list, escalation funnel, category × area table,
per-case timeline, all for one area of the drill-down (district → street → community → grid) and period.
Levels of the escalation ladder and their names come from dim_escalation_levels. Every query goes through
dashboards.data.query, where access scope is applied."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboards.data import Snapshot, query
from dashboards.queries.daily import area_days

LEVELS = ["district", "street", "community", "grid"]
# dim_grids column holding each drill level's id
LEVEL_COLUMN = {"district": "district_id", "street": "street_id", "community": "community_id", "grid": "grid_id"}


@dataclass(frozen=True)
class Area:
    """Where the user has drilled to: the level and id of the area shown (None = whole district)."""
    level: str = "district"
    area_id: str | None = None

    @property
    def child_level(self) -> str:
        return LEVELS[min(LEVELS.index(self.level) + 1, len(LEVELS) - 1)]

    def where(self, alias: str = "g") -> tuple[str, tuple]:
        """SQL condition on dim_grids (alias) and its parameters."""
        if self.area_id is None:
            return "true", ()
        return f"{alias}.{LEVEL_COLUMN[self.level]} = ?", (self.area_id,)


def children(snapshot: Snapshot, level: str, parent: Area) -> pd.DataFrame:
    """The areas of `level` inside `parent` (id and names), for the drill-down selectors."""
    condition, params = parent.where()
    return query(snapshot, f"""
        select g.grid_id as area_id, g.name_zh, g.name_en from dim_grids as g
        where g.level = ? and {condition} order by g.grid_id""", (level, *params))


def trend(snapshot: Snapshot, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    """New cases, backlog, overdue, SLA tiers and repeat reports of the area on every day of the period."""
    return area_days(snapshot, area.level, area.area_id, start, end, {
        "new_cases": "cases_reported", "backlog": "backlog_end", "overdue": "overdue_end", "sla_80": "sla_80_end",
        "sla_50": "sla_50_end", "duplicates": "duplicates_reported"})


def duplicates(snapshot: Snapshot, area: Area, start: dt.date, end: dt.date) -> int:
    """Duplicate reports received in the period."""
    condition, params = area.where()
    return int(query(snapshot, f"""
        select coalesce(sum(m.duplicates_reported), 0) as duplicates
        from mart_grid_daily as m join dim_grids as g using (grid_id)
        where m.date_day between ? and ? and {condition}""", (start, end, *params))["duplicates"].iloc[0])


def ladder(snapshot: Snapshot) -> pd.DataFrame:
    """The escalation ladder, lowest level first: level, level_rank, name_zh, name_en."""
    return query(snapshot, "select level, level_rank, name_zh, name_en from dim_escalation_levels order by level_rank")


def at_risk(snapshot: Snapshot, area: Area) -> pd.DataFrame:
    """Open cases that used 50 % or more of their SLA, most urgent first, with who holds each now and the
    names of their level (level_name_zh, level_name_en)."""
    condition, params = area.where()
    return query(snapshot, f"""
        select i.case_id, i.category_l2, c.l2_name_zh, c.l2_name_en, i.grid_id, g.name_zh, g.name_en,
               i.reported_at, i.resolve_due_at, i.sla_used_share, i.sla_alert_tier, i.current_state,
               i.current_level, l.name_zh as level_name_zh, l.name_en as level_name_en, i.current_actor
        from fct_incidents as i
        join dim_grids as g using (grid_id)
        left join dim_categories as c using (category_l1, category_l2)
        left join dim_escalation_levels as l on l.level = i.current_level
        where i.sla_alert_tier is not null and not i.is_duplicate and {condition}
        order by i.sla_used_share desc, i.case_id""", params)


def funnel(snapshot: Snapshot, area: Area, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Cases reported in the period that reached each level of the ladder (or a higher one), lowest first."""
    condition, params = area.where()
    return query(snapshot, f"""
        with cases as (
            select i.highest_level_rank from fct_incidents as i join dim_grids as g using (grid_id)
            where not i.is_duplicate and i.reported_on between ? and ? and {condition})
        select l.level, l.level_rank, l.name_zh, l.name_en, count(c.highest_level_rank) as cases
        from dim_escalation_levels as l
        left join cases as c on c.highest_level_rank >= l.level_rank
        group by all order by l.level_rank""", (start, end, *params))


def category_by_area(snapshot: Snapshot, area: Area, start: dt.date, end: dt.date, name: str) -> pd.DataFrame:
    """Cases reported in the period per category (l2, rows, the most cases first) and child area of the
    shown area (columns), both named by the dimensions' `name` column (name_zh or name_en); 0 where none."""
    if name not in ("name_zh", "name_en"):
        raise ValueError(f"no name column {name!r}")
    condition, params = area.where()
    child = LEVEL_COLUMN[area.child_level]
    cells = query(snapshot, f"""
        with cells as (
            select c.l2_{name} as category, a.{name} as area, count(*) as cases
            from fct_incidents as i
            join dim_grids as g using (grid_id)
            join dim_grids as a on a.grid_id = g.{child}
            join dim_categories as c using (category_l1, category_l2)
            where not i.is_duplicate and i.reported_on between ? and ? and {condition}
            group by all)
        select category, area, cases, sum(cases) over (partition by category) as category_cases from cells
        order by category_cases desc, category, area""", (start, end, *params))
    table = cells.pivot(index="category", columns="area", values="cases")
    return table.reindex(cells["category"].unique()).fillna(0).astype(int)


def case_ids(snapshot: Snapshot, area: Area, start: dt.date, end: dt.date) -> list[str]:
    condition, params = area.where()
    return query(snapshot, f"""
        select i.case_id from fct_incidents as i join dim_grids as g using (grid_id)
        where i.reported_on between ? and ? and {condition}
        order by i.escalations desc, i.reported_at desc limit 500""", (start, end, *params))["case_id"].tolist()


def timeline(snapshot: Snapshot, case_id: str) -> pd.DataFrame:
    """Who held the case when: its workflow steps in time order with the holding interval (held_ms: until
    the next step, or until the snapshot for the step holding it now) and the names of each step's level."""
    return query(snapshot, """
        select e.event_order, e.event_type, e.event_at, e.level, l.name_zh as level_name_zh,
               l.name_en as level_name_en, e.actor, e.held_until, e.hours_held, e.is_current,
               date_diff('millisecond', e.event_at, coalesce(e.held_until, i.as_of_at)) as held_ms
        from fct_incident_events as e join fct_incidents as i using (case_id)
        left join dim_escalation_levels as l on l.level = e.level
        where e.case_id = ? and e.is_workflow_step
        order by e.event_order""", (case_id,))


def case_header(snapshot: Snapshot, case_id: str) -> pd.DataFrame:
    return query(snapshot, """
        select i.case_id, i.master_case_id, i.is_duplicate, i.reported_at, i.channel, c.l2_name_zh, c.l2_name_en,
               i.grid_id, i.current_state, i.current_level, l.name_zh as level_name_zh, l.name_en as level_name_en,
               i.current_actor, i.resolve_due_at, i.escalations
        from fct_incidents as i left join dim_categories as c using (category_l1, category_l2)
        left join dim_escalation_levels as l on l.level = i.current_level
        where i.case_id = ?""", (case_id,))

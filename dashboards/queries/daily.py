"""Daily series of an area for the period a page shows, read from the sparse mart_area_daily.

The daily marts keep a row only for a day on which something happened (dbt macro `daily_stocks`): a day
without a row has no flows (cases reported, resolved …) and the stocks (backlog, SLA tiers, residents) of the
area's latest earlier row. Pages get every day of their period, filled here for that period only."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Access, Snapshot, query

# The day-end stocks of the daily marts, as dbt's macro daily_stocks lists them (tests/dbt checks they agree)
STOCKS = ("backlog_end", "overdue_end", "sla_50_end", "sla_80_end", "residents")


def area_days(snapshot: Snapshot, level: str, area_id: str | None, start: dt.date, end: dt.date,
              columns: dict[str, str], access: Access | None = None) -> pd.DataFrame:
    """One row per day from `start` to `end` (within the snapshot's days) with each of `columns` (output name
    → mart_area_daily column) summed over the areas of `level` (all of them when `area_id` is None), as the
    signed-in user sees them (or with `access`)."""
    first = dt.date.fromisoformat(snapshot.first_day) if snapshot.first_day else start
    # the data's last day (closures run on after the last report, the as-of day); older snapshots: as_of
    last_day = snapshot.last_day or snapshot.as_of
    last = dt.date.fromisoformat(last_day) if last_day else end
    start, end = max(start, first), min(end, last)
    for measure in columns.values():
        if not measure.isidentifier():
            raise ValueError(f"not a column: {measure!r}")
    picked = ", ".join(
        f"cast(sum(coalesce(r.{m}, 0)) as bigint) as {name}" if m in STOCKS else
        f"cast(sum(case when r.date_day = d.date_day then r.{m} else 0 end) as bigint) as {name}"
        for name, m in columns.items())
    return query(snapshot, f"""
        with days as (
            select cast(unnest(generate_series(?::date, ?::date, interval 1 day)) as date) as date_day),
        areas as (
            select grid_id as area_id from dim_grids where level = ? and (?::varchar is null or grid_id = ?)),
        rows as (
            select * from mart_area_daily
            where area_level = ? and area_id in (select area_id from areas) and date_day <= ?),
        area_days as (select a.area_id, d.date_day from areas as a cross join days as d)
        select d.date_day, {picked}
        from area_days as d
        asof left join rows as r on d.area_id = r.area_id and d.date_day >= r.date_day
        group by d.date_day order by d.date_day""", (start, end, level, area_id, area_id, level, end), access)

"""Cockpit KPIs computed from the catalogue in dim_kpis (numerator, denominator, aggregation), so each
KPI is defined once, in dbt_project/seeds/kpi_definitions.csv, whatever area or period is shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboards.data import Snapshot, query


@dataclass(frozen=True)
class KpiValue:
    kpi: str
    name_zh: str
    name_en: str
    unit: str
    value: float | None
    previous: float | None
    target: float | None
    higher_is_better: bool | None

    @property
    def delta_color(self) -> str:
        """st.metric colouring: good changes green, bad red, plain counts grey."""
        return "off" if self.higher_is_better is None else ("normal" if self.higher_is_better else "inverse")


def daily_totals(snapshot: Snapshot, start: dt.date, end: dt.date, street_id: str | None) -> pd.DataFrame:
    """mart_grid_daily summed over the grids of the area, one row per day."""
    numeric = query(snapshot, "select column_name from (describe mart_grid_daily) "
                              "where column_type in ('BIGINT', 'HUGEINT', 'INTEGER', 'DOUBLE')")["column_name"]
    sums = ", ".join(f'sum("{c}") as "{c}"' for c in numeric)
    return query(snapshot, f"""
        select m.date_day, {sums}
        from mart_grid_daily as m
        join dim_grids as g using (grid_id)
        where m.date_day between ? and ? and (cast(? as varchar) is null or g.street_id = ?)
        group by m.date_day
        order by m.date_day""", (start, end, street_id, street_id))


def case_durations(snapshot: Snapshot, start: dt.date, end: dt.date, street_id: str | None) -> pd.DataFrame:
    """Per-case hours (fct_incidents) of the cases reported start..end, repeat reports left out: the
    measures of the median / p90 KPIs."""
    return query(snapshot, """
        select i.reported_on, i.hours_to_accept, i.hours_to_resolve
        from fct_incidents as i
        join dim_grids as g using (grid_id)
        where not i.is_duplicate and i.reported_on between ? and ? and (cast(? as varchar) is null or g.street_id = ?)
        """, (start, end, street_id, street_id))


QUANTILES = {"median": 0.5, "p90": 0.9}


def _value(days: pd.DataFrame, row: pd.Series, cases: pd.DataFrame | None = None,
           year_before: pd.DataFrame | None = None) -> float | None:
    """One KPI from daily totals (sum / last), per-case measures (median / p90, linear interpolation as
    dbt's quantile_cont) or against the same days a year earlier (yoy)."""
    if row["aggregation"] in QUANTILES:
        values = cases[row["numerator"]].dropna() if cases is not None else pd.Series(dtype=float)
        return float(values.quantile(QUANTILES[row["aggregation"]])) if len(values) else None
    if days.empty:
        return None
    if row["aggregation"] == "yoy":
        before = float(year_before[row["numerator"]].sum()) if year_before is not None else 0.0
        return float(days[row["numerator"]].sum()) / before - 1 if before else None
    rows = days.tail(1) if row["aggregation"] == "last" else days
    numerator = float(rows[row["numerator"]].sum())
    if pd.isna(row["denominator"]) or not row["denominator"]:
        return numerator
    denominator = float(rows[row["denominator"]].sum())
    return numerator / denominator if denominator else None


def kpi_values(snapshot: Snapshot, end: dt.date, days: int, street_id: str | None) -> list[KpiValue]:
    """Each KPI over the `days` ending on `end`, and over the `days` before that for comparison."""
    start = end - dt.timedelta(days=days - 1)
    previous_start = start - dt.timedelta(days=days)
    # a year earlier: 52 weeks (the same weekdays) for periods up to 364 days, else a calendar year
    year = dt.timedelta(days=364 if days <= 364 else 365)
    totals = daily_totals(snapshot, previous_start - year, end, street_id)
    totals["date_day"] = pd.to_datetime(totals["date_day"]).dt.date
    window = lambda a, b: totals[(totals["date_day"] >= a) & (totals["date_day"] <= b)]  # noqa: E731
    current, previous = window(start, end), window(previous_start, start - dt.timedelta(days=1))
    first_day = totals["date_day"].min() if len(totals) else end
    # a comparison period counts only if the data covers all of it
    current_ly = window(start - year, end - year) if first_day <= start - year else None
    previous_ly = (window(previous_start - year, start - year - dt.timedelta(days=1))
                   if first_day <= previous_start - year else None)
    cases = case_durations(snapshot, previous_start, end, street_id)
    cases["reported_on"] = pd.to_datetime(cases["reported_on"]).dt.date
    current_cases, previous_cases = cases[cases["reported_on"] >= start], cases[cases["reported_on"] < start]
    catalogue = query(snapshot, "select * from dim_kpis")
    return [KpiValue(r["kpi"], r["name_zh"], r["name_en"], r["unit"], _value(current, r, current_cases, current_ly),
                     _value(previous, r, previous_cases, previous_ly),
                     None if pd.isna(r["target"]) else float(r["target"]),
                     None if pd.isna(r["higher_is_better"]) else bool(r["higher_is_better"]))
            for _, r in catalogue.iterrows()]


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.1%}"
    return f"{value:,.1f}" if unit in ("hours", "score") else f"{value:,.0f}"


def format_delta(kpi: KpiValue) -> str | None:
    if kpi.value is None or kpi.previous is None:
        return None
    if kpi.unit == "percent":
        return f"{(kpi.value - kpi.previous) * 100:+.1f} pp"
    if kpi.unit in ("hours", "score"):
        return f"{kpi.value - kpi.previous:+,.1f}"
    return f"{kpi.value - kpi.previous:+,.0f}"

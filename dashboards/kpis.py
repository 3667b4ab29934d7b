"""How the cockpit shows a KPI: its value against the previous period, formatted by unit. The values
themselves come from dbt (mart_kpi_values, built from the catalogue dim_kpis)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


def _flag(value, default: bool) -> bool:
    return default if value is None or pd.isna(value) else bool(value)


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
    available: bool = True   # false: the sources lack the KPI's input (dim_kpis.is_available)

    @classmethod
    def from_row(cls, row: pd.Series) -> KpiValue:
        """A KPI from a row of dashboards.queries.cockpit.kpis."""
        return cls(row["kpi"], row["name_zh"], row["name_en"], row["unit"], _number(row["value"]),
                   _number(row["previous_value"]), _number(row["target"]),
                   None if pd.isna(row["higher_is_better"]) else bool(row["higher_is_better"]),
                   _flag(row.get("is_available"), default=True))

    @property
    def delta_color(self) -> str:
        """st.metric colouring: good changes green, bad red, plain counts and unavailable KPIs grey."""
        if self.higher_is_better is None or not self.available:
            return "off"
        return "normal" if self.higher_is_better else "inverse"


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

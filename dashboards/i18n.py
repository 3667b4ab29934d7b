"""Every label of the dashboards in Chinese (default) and English: the one translation table."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "网格化治理大数据分析决策平台", "en": "Grid governance decision platform"},
    "language": {"zh": "语言", "en": "Language"},
    "page_cockpit": {"zh": "领导驾驶舱", "en": "Cockpit"},
    "as_of": {"zh": "数据截至 {date}(快照 {version})", "en": "Data as of {date} (snapshot {version})"},
    "no_snapshot": {"zh": "还没有可用的数据快照。请先运行 `gridsight demo` 或 `gridsight materialize`。",
                    "en": "No data snapshot yet. Run `gridsight demo` or `gridsight materialize` first."},
    "period": {"zh": "统计周期", "en": "Period"},
    "days_n": {"zh": "近{n}天", "en": "Last {n} days"},
    "area": {"zh": "区域", "en": "Area"},
    "whole_district": {"zh": "全区", "en": "Whole district"},
    "vs_previous": {"zh": "较上一周期", "en": "vs previous period"},
    "today_suffix": {"zh": "(当日)", "en": " (latest day)"},
    "map_title": {"zh": "各网格每千人案件数", "en": "Cases per 1,000 residents by grid"},
    "map_metric": {"zh": "每千人案件", "en": "Cases per 1,000 residents"},
    "trend_title": {"zh": "每日新增案件与积压", "en": "Daily new cases and backlog"},
    "new_cases": {"zh": "新增案件", "en": "New cases"},
    "backlog": {"zh": "积压案件", "en": "Backlog"},
    "overdue": {"zh": "超期案件", "en": "Overdue"},
    "count": {"zh": "数量", "en": "Count"},
    "grid": {"zh": "网格", "en": "Grid"},
    "cases": {"zh": "案件", "en": "Cases"},
    "residents": {"zh": "常住人口", "en": "Residents"},
    "top_backlog": {"zh": "积压最多的网格", "en": "Grids with the largest backlog"},
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    """The label for `key` in the user's language, with {placeholders} filled in."""
    text = LABELS[key][lang()]
    return text.format(**values) if values else text


def name_column(base: str = "name") -> str:
    """Which column of a dimension holds names in the user's language (name_zh / name_en)."""
    return f"{base}_{lang()}"

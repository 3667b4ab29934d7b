"""The period control of the pages that read daily marts: presets (the last N days up to the snapshot's
as-of day, the last report), all days, or a date range of the user's own, bounded by the data's first and
last day. Both choices survive a language switch and are recorded as the page's filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from dashboards.audit import declare_filter
from dashboards.components.remembered import remembered
from dashboards.data import Snapshot
from dashboards.i18n import lang, t

ALL, CUSTOM = 0, "custom"


def _label(option) -> str:
    return t("all_periods") if option == ALL else t("period_custom") if option == CUSTOM else t("days_n", n=option)


def _as_range(value, fallback: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """A date input's value as (first, last), in order: while only the first day is picked, that one day."""
    if isinstance(value, tuple | list) and value:
        return min(value[0], value[-1]), max(value[0], value[-1])
    return fallback


def _remember_range(name: str, widget_key: str) -> None:
    st.session_state[name] = st.session_state[widget_key]


def period_control(container, snapshot: Snapshot, presets: Sequence[int], name: str,
                   default: int = 30) -> tuple[dt.date, dt.date]:
    """A period select (presets, all days, a range of one's own) in `container` and, for a range, a date
    input under it; returns the first and last day chosen (a range never reaches past the data)."""
    choice = remembered(container.selectbox, t("period"), [*presets, ALL, CUSTOM], name=name, default=default,
                        suffix=lang(), format_func=_label)
    if choice != CUSTOM:
        return snapshot.period(choice)
    first, last = snapshot.bounds()
    range_name = f"{name}_range"
    start, end = _as_range(st.session_state.get(range_name), snapshot.period(default))
    start, end = min(max(start, first), last), min(max(end, first), last)   # a range remembered from other data
    st.session_state[range_name] = (start, end)
    widget_key = f"{range_name}__{lang()}"
    if widget_key not in st.session_state:   # drawn the first time in this language: the remembered range
        st.session_state[widget_key] = (start, end)
    picked = container.date_input(t("date_range"), min_value=first, max_value=last, key=widget_key,
                                  on_change=_remember_range, args=(range_name, widget_key), format="YYYY-MM-DD")
    start, end = _as_range(picked, (start, end))
    declare_filter(range_name, f"{start:%Y-%m-%d}…{end:%Y-%m-%d}")
    return start, end

"""Widgets whose choice survives a language switch.

A widget's options are rendered through labels of the current language, so each widget gets a key
per language and the choice itself lives in its own session key. (Keeping the language radio this
way also avoids Streamlit dropping the very first click of a new session on a widget created before
st.navigation.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dashboards.audit import declare_filter


def _remember(name: str, widget_key: str) -> None:
    st.session_state[name] = st.session_state[widget_key]


def remembered(widget: Callable, label: str, options: Sequence, name: str, default: Any, suffix: str,
               **kwargs) -> Any:
    """`widget` (st.selectbox, st.radio, a column's selectbox …) whose value is kept in st.session_state[name];
    a filter of the page, recorded in its page view as `name` (dashboards/audit.py)."""
    st.session_state.setdefault(name, default)
    if st.session_state[name] not in options:
        st.session_state[name] = default
    widget_key = f"{name}__{suffix}"
    if "format_func" in kwargs:
        # Labels are fixed when the widget is drawn, in that run's language (Streamlit may format the
        # value again later, outside the run, where the session's language is not at hand).
        labels = {option: kwargs["format_func"](option) for option in options}
        kwargs["format_func"] = labels.__getitem__
    widget(label, list(options), index=list(options).index(st.session_state[name]),
                                        key=widget_key, on_change=_remember, args=(name, widget_key), **kwargs)
    declare_filter(name, st.session_state[name])
    return st.session_state[name]

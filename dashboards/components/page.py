"""What every page starts with, and the one style of its charts."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboards.access import User, current_user
from dashboards.data import Snapshot, current_snapshot
from dashboards.i18n import t

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
# Pass to every st.plotly_chart: plotly.js asks for a world topojson even with the base map hidden, and the
# app serves an empty one from dashboards/static/ (no request leaves the site).
PLOTLY_CONFIG = {"topojsonURL": "/app/static/", "displaylogo": False}


def require_page(page: str) -> User:
    """The signed-in user, if their role may open `page` (access.PAGES); else the page says no and stops.
    app.py's menu already leaves such pages out: this holds when a page script runs some other way."""
    user = current_user()
    if not user.may_open(page):
        st.warning(t("page_not_for_role"))
        st.stop()
    return user


def page_snapshot(page: str, title_key: str, as_of_caption: bool = True) -> Snapshot:
    """The page title and the current snapshot, for a user who may open `page`; before the first publish
    the page says how to get one and stops, and so it does for a user with no areas."""
    st.title(t(title_key))
    require_page(page)
    snapshot = current_snapshot()
    if snapshot is None:
        st.info(t("no_snapshot"))
        st.stop()
    if current_user().scope == ():
        st.info(t("no_areas"))
        st.stop()
    if as_of_caption:
        st.caption(t("as_of", date=snapshot.as_of, version=snapshot.version))
    return snapshot


# Trace properties that may carry text from the data; plotly draws tags such as <a href> in them as HTML.
TEXT_PROPERTIES = ("x", "y", "text", "hovertext", "labels", "customdata", "name")


def _as_text(value):
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.vectorize(_as_text, otypes=[object])(value) if value.size else value
    if isinstance(value, list | tuple):
        return [_as_text(v) for v in value]
    return value


def chart_layout(figure: go.Figure, height: int = 320, **layout) -> go.Figure:
    """Compact margins, the CJK font and a horizontal legend above the plot, then this chart's own `layout`
    (axis titles, a second axis, margin overrides …: plotly layout properties, merged into the style).
    Text from the data in the traces is escaped, so a name like `<a href=…>` shows as that text."""
    for trace in figure.data:
        for name in TEXT_PROPERTIES:
            value = getattr(trace, name, None) if name in trace else None
            if value is not None:
                trace[name] = _as_text(value)
    figure.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), font_family=FONT,
                         legend=dict(orientation="h", y=1.15))
    return figure.update_layout(**layout) if layout else figure

"""What every page starts with, and the one style of its charts."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboards.components.grid_map import FONT
from dashboards.data import Snapshot, current_snapshot
from dashboards.i18n import t


def page_snapshot(title_key: str, as_of_caption: bool = True) -> Snapshot:
    """The page title and the current snapshot; before the first publish the page says how to get one
    and stops."""
    snapshot = current_snapshot()
    st.title(t(title_key))
    if snapshot is None:
        st.info(t("no_snapshot"))
        st.stop()
    if as_of_caption:
        st.caption(t("as_of", date=snapshot.as_of, version=snapshot.version))
    return snapshot


def chart_layout(figure: go.Figure, height: int = 320) -> go.Figure:
    """Compact margins, the CJK font and a horizontal legend above the plot."""
    figure.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), font_family=FONT,
                         legend=dict(orientation="h", y=1.15))
    return figure

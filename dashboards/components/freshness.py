"""The stale-data banner app.py shows above every page: one warning naming each source that needs attention
(source names can be landing folder names: text, never markup)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.components.text import md
from dashboards.data import current_snapshot
from dashboards.i18n import code_label, name_column, t
from dashboards.queries.data_quality import flagged_sources
from gridsight.settings import today


def last_landed(day) -> str:
    """A last landed day as YYYY-MM-DD, or "never"."""
    return t("never") if pd.isna(day) else pd.Timestamp(day).date().isoformat()


def freshness_banner() -> None:
    """Warn about stale, never landed or unknown sources and unexpected files; nothing without a snapshot."""
    snapshot = current_snapshot()
    if snapshot is None:
        return
    flagged = flagged_sources(snapshot, today())
    if flagged.empty:
        return
    lines = [t("stale_line", name=md(r[name_column()]), status=code_label("status", r["status"]),
               day=last_landed(r["last_landed_on"])) for _, r in flagged.iterrows()]
    st.warning("\n".join([t("stale_banner"), "", *(f"- {line}" for line in lines)]), icon=":material/schedule:")

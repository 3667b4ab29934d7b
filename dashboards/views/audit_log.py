"""Audit log (访问审计) for admins: who viewed or exported which household lists and aggregates, when."""

import pandas as pd
import streamlit as st

from dashboards.audit import audit_entries
from dashboards.components.page import require_page
from dashboards.i18n import t

st.title(t("page_audit"))
require_page("audit_log")
entries = audit_entries()
if not entries:
    st.info(t("no_audit_entries"))
    st.stop()
frame = pd.DataFrame(entries)
for column in ("scope", "grids", "tiers"):
    if column in frame:
        frame[column] = frame[column].map(lambda v: v if isinstance(v, str) else ", ".join(v) if isinstance(v, list)
                                          else "")
columns = [c for c in ("at", "user_id", "role", "action", "scope", "grids", "tiers", "rows", "snapshot")
           if c in frame]
st.dataframe(frame[columns].rename(columns={c: t(f"audit_{c}") for c in columns}), hide_index=True,
             width="stretch")

"""Audit log (访问审计) for admins: who viewed or exported which household lists and aggregates, when."""

import pandas as pd
import streamlit as st

from dashboards.access import current_user
from dashboards.audit import audit_entries
from dashboards.i18n import t

st.title(t("page_audit"))
user = current_user()
if not user.can("read_audit"):
    st.warning(t("no_audit_permission"))
    st.stop()
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

"""CSV export of a table shown on a page, recorded in the audit log when the user downloads it: the one
export of the dashboards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.access import audit, current_user


def audited_download(label: str, frame: pd.DataFrame, file_name: str, action: str, key: str, *,
                     permission: str = "export_aggregates", **detail) -> bool:
    """A download button for exactly `frame`, for roles with `permission` (export_aggregates, or
    export_households for household lists); each download appends {action, rows, file, …detail} to the
    audit log. Returns whether the button was offered."""
    user = current_user()
    if not user.can(permission):
        return False
    st.download_button(label, frame.to_csv(index=False).encode("utf-8-sig"), file_name=file_name, mime="text/csv",
                       key=key, on_click=audit, args=(user, action),
                       kwargs={"rows": len(frame), "file": file_name, **detail})
    return True

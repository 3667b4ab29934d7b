"""CSV export of a table shown on a page, recorded in the audit log when the user downloads it: the one
export of the dashboards (the tables' own toolbar download is off: client.disableDataExport in
dashboards/.streamlit/config.toml)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.access import current_user, load_users
from dashboards.audit import audit, check_entry

# A text cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a single quote before every text cell (and header) a spreadsheet would run as a
    formula; numbers stay numbers."""
    def cell(value):
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    return frame.map(cell).rename(columns=cell)


def audited_download(label: str, frame: pd.DataFrame, file_name: str, action: str, key: str, *,
                     permission: str = "export_aggregates", **detail) -> bool:
    """A download button for exactly `frame` (formula cells neutralised), for roles with `permission`
    (export_aggregates, or export_households for household lists); each download appends
    {action, rows, file, …detail} to the audit log (action "export", or "audit_export" for the audit log).
    Returns whether the button was offered; a bad action or detail raises before anything is offered."""
    user = current_user()
    if not user.can(permission):
        return False
    detail = {"rows": len(frame), "file": file_name, **detail}
    check_entry(action, detail)
    def csv() -> bytes:
        """Built when the user clicks (on a thread of its own), and audited right here: Streamlit hands out
        the file without running the button's callbacks, so this is the one place every download passes."""
        now = load_users().get(user.user_id, user)   # a claims-only user is not in the users file
        if now.disabled or not now.can(permission):
            raise PermissionError(f"{user.user_id} may no longer export")
        audit(user, action, **detail)
        # CRLF rows (RFC 4180): a cell holding a bare CR is then quoted and cannot start a row of its own.
        return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")

    st.download_button(label, csv, file_name=file_name, mime="text/csv", key=key, on_click="ignore")
    return True

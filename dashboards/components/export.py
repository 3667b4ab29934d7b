"""CSV export of a table shown on a page, recorded in the audit log when the user downloads it: the one
export of the dashboards (the tables' own toolbar download is off: client.disableDataExport in
dashboards/.streamlit/config.toml)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.access import current_user
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
    def csv() -> bytes:   # built when the user clicks, not on every run of the page
        # CRLF rows (RFC 4180): a cell holding a bare CR is then quoted and cannot start a row of its own.
        return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")

    st.download_button(label, csv, file_name=file_name, mime="text/csv", key=key,
                       on_click=audit, args=(user, action), kwargs=detail)
    return True

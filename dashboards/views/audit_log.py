"""Audit log (访问审计) for admins: who signed in, opened which page with which filters, listed or exported
what and changed which user, when — filtered by days, users and actions, and exported (itself audited)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboards.audit import ACTIONS, FIELDS, audit_entries, page_filter
from dashboards.components.export import audited_download
from dashboards.components.page import require_page
from dashboards.i18n import code_label, t
from gridsight.settings import timezone

LIMIT = 5000   # entries shown at most, the newest
DETAILS = ("page", "filters", "table", "rows", "file", "target", "reason")   # shown as their own columns


def text(value) -> str:
    """A detail as short text: lists joined by commas, dicts as key=value pairs (empty ones left out)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}={text(v)}" for key, v in value.items() if text(v))
    return str(value)


def local_time(at: str, zone: ZoneInfo) -> str:
    moment = dt.datetime.fromisoformat(at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def row(entry: dict, zone: ZoneInfo) -> dict:
    detail = {key: value for key, value in entry.items() if key not in FIELDS}
    rows = detail.pop("rows") if type(detail.get("rows")) is int else None
    scope = entry.get("scope")
    return {"at": local_time(entry["at"], zone), "user_id": text(entry.get("user_id")) or t("audit_unknown_user"),
            "role": code_label("role", text(entry.get("role"))),
            "action": code_label("audit_action", text(entry.get("action"))),
            "scope": t("scope_all") if scope == "all" else text(scope) or t("scope_none"),
            **{key: text(detail.pop(key, None)) for key in DETAILS if key != "rows"}, "rows": rows,
            "details": text(detail)}


st.title(t("page_audit"))
require_page("audit_log")

zone = ZoneInfo(timezone())
today = dt.datetime.now(zone).date()   # the log's own clock, not the data's (pinnable) "today"
left, middle, right = st.columns([2, 3, 3])
dates = page_filter(left.date_input, t("audit_dates"), value=(today - dt.timedelta(days=29), today),
                    format="YYYY-MM-DD", key="audit_dates")
first, last = (dates[0], dates[-1]) if dates else (today - dt.timedelta(days=29), today)
since = dt.datetime.combine(first, dt.time(), zone)
until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)

# Users: those with entries in these days (and any already chosen, so a narrower range keeps the choice).
seen = {e["user_id"] for e in audit_entries(since, until, limit=LIMIT) if isinstance(e.get("user_id"), str)}
seen |= set(st.session_state.get("audit_users", []))
names = {user_id: user_id or t("audit_unknown_user") for user_id in seen}   # "": a sign-in of an unknown name
chosen_users = page_filter(middle.multiselect, t("audit_users"), sorted(seen), format_func=names.__getitem__,
                           placeholder=t("audit_all"), key="audit_users")
labels = {action: code_label("audit_action", action) for action in ACTIONS}
chosen_actions = page_filter(right.multiselect, t("audit_actions"), list(ACTIONS), format_func=labels.__getitem__,
                             placeholder=t("audit_all"), key="audit_actions")
entries = audit_entries(since, until, chosen_users or None, chosen_actions or None, limit=LIMIT)
if entries.unreadable:
    st.warning(t("audit_unreadable", n=entries.unreadable))
if not entries:
    st.info(t("audit_no_match"))
    st.stop()

frame = pd.DataFrame([row(entry, zone) for entry in entries]).astype({"rows": "Int64"})
columns = [c for c in frame if c in FIELDS or (frame[c].notna().any() and (frame[c] != "").any())]   # no empty ones
table = frame[columns].rename(columns={c: t("audit_at", tz=timezone()) if c == "at" else t(f"audit_{c}")
                                       for c in columns})
st.caption(t("audit_count", n=len(table)) + (t("audit_limited", n=LIMIT) if len(table) == LIMIT else ""))
st.dataframe(table, hide_index=True, width="stretch")
audited_download(t("audit_export_csv"), table, f"audit_{first}_{last}.csv", "audit_export", key="export_audit",
                 permission="read_audit", first_day=first.isoformat(), last_day=last.isoformat(),
                 users=chosen_users, actions=chosen_actions)

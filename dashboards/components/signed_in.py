"""The sidebar block that says who is signed in, with the demo user switch (see dashboards/access.py)."""

from __future__ import annotations

import streamlit as st

from dashboards.access import current_user, load_users, pinned_user_id
from dashboards.components.remembered import remembered
from dashboards.components.text import md
from dashboards.i18n import lang, t


def signed_in_sidebar() -> None:
    users = load_users()
    if pinned_user_id() is None:
        default = current_user().user_id
        remembered(st.selectbox, t("demo_user"), list(users), name="user_id", default=default, suffix=lang(),
                   format_func=lambda u: users[u].name(lang()))
    user = current_user()
    scope = t("scope_all") if user.scope is None else ", ".join(md(area) for area in user.scope) or t("scope_none")
    st.markdown(t("signed_in_as", name=md(user.name(lang())), role=t(f"role_{user.role}"), scope=scope))
    st.caption(t("demo_sign_in_note") if pinned_user_id() is None else t("pinned_sign_in_note"))

"""The sidebar block that says who is signed in, what they may see, and signs them out."""

from __future__ import annotations

import streamlit as st

from dashboards.access import User, pinned_user_id
from dashboards.components.text import md
from dashboards.i18n import lang, t
from dashboards.sign_in import sign_out


def signed_in_sidebar(user: User) -> None:
    scope = t("scope_all") if user.scope is None else ", ".join(md(area) for area in user.scope) or t("scope_none")
    st.markdown(t("signed_in_as", name=md(user.name(lang())), role=t(f"role_{user.role}"), scope=scope))
    if pinned_user_id() is None:
        st.button(t("sign_out"), key="sign_out", on_click=sign_out, args=(user,), icon=":material/logout:")
    else:
        st.caption(t("single_user_note"))

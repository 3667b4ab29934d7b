"""gridsight dashboards: `streamlit run dashboards/app.py` (or `gridsight dashboard`)."""

import streamlit as st

from dashboards.i18n import LANGUAGES, t

st.set_page_config(page_title="gridsight", page_icon=":material/grid_view:", layout="wide")

with st.sidebar:
    st.radio(t("language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)

pages = [st.Page("pages/cockpit.py", title=t("page_cockpit"), icon=":material/dashboard:", default=True)]
st.navigation(pages).run()

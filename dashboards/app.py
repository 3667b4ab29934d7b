"""gridsight dashboards: `gridsight dashboard` (streamlit run dashboards/app.py --server.enableStaticServing true)."""

from pathlib import Path

import streamlit as st

from dashboards.components.freshness import freshness_banner
from dashboards.components.remembered import remembered
from dashboards.components.signed_in import signed_in_sidebar
from dashboards.i18n import LANGUAGES, t

# A local favicon: Material icons would be fetched from a font CDN, which an offline site cannot reach.
st.set_page_config(page_title="gridsight", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")

with st.sidebar:
    remembered(st.radio, t("language"), list(LANGUAGES), name="lang", default="zh", suffix="toggle",
               format_func=LANGUAGES.get, horizontal=True)
    signed_in_sidebar()

pages = [st.Page("pages/cockpit.py", title=t("page_cockpit"), icon=":material/dashboard:", default=True),
         st.Page("pages/data_quality.py", title=t("page_quality"), icon=":material/fact_check:"),
         st.Page("pages/population.py", title=t("page_population"), icon=":material/groups:"),
         st.Page("pages/household_visits.py", title=t("page_visits"), icon=":material/home_pin:"),
         st.Page("pages/audit_log.py", title=t("page_audit"), icon=":material/policy:"),
         st.Page("pages/incidents.py", title=t("page_incidents"), icon=":material/assignment_late:"),
         st.Page("pages/foot_traffic.py", title=t("page_foot_traffic"), icon=":material/storefront:"),
         st.Page("pages/hotspots.py", title=t("page_hotspots"), icon=":material/local_fire_department:")]
navigation = st.navigation(pages)
freshness_banner()   # above every page
navigation.run()

"""gridsight dashboards: `gridsight dashboard` (streamlit run dashboards/app.py --server.enableStaticServing true)."""

from pathlib import Path

import streamlit as st

from dashboards.audit import page_view
from dashboards.components.freshness import freshness_banner
from dashboards.components.remembered import remembered
from dashboards.components.signed_in import signed_in_sidebar
from dashboards.i18n import LANGUAGES, t
from dashboards.sign_in import signed_in_user
from gridsight.settings import make_data_dir_private

make_data_dir_private()   # the audit log and users file it writes are 0600

# A local favicon: Material icons would be fetched from a font CDN, which an offline site cannot reach.
st.set_page_config(page_title="gridsight", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")

with st.sidebar:
    remembered(st.radio, t("language"), list(LANGUAGES), name="lang", default="zh", suffix="toggle",
               format_func=LANGUAGES.get, horizontal=True)
user = signed_in_user()   # or the sign-in form, and nothing else
with st.sidebar:
    signed_in_sidebar(user)

# The menu: page file, title key, icon, section key; the first page is the default. A user's menu holds the
# pages their role may open (access.PAGES), and only those open by URL.
MENU = [("views/cockpit.py", "page_cockpit", ":material/dashboard:", "section_decisions"),
        ("views/hotspots.py", "page_hotspots", ":material/local_fire_department:", "section_decisions"),
        ("views/incidents.py", "page_incidents", ":material/assignment_late:", "section_operations"),
        ("views/population.py", "page_population", ":material/groups:", "section_operations"),
        ("views/household_visits.py", "page_visits", ":material/home_pin:", "section_operations"),
        ("views/foot_traffic.py", "page_foot_traffic", ":material/storefront:", "section_operations"),
        ("views/data_quality.py", "page_quality", ":material/fact_check:", "section_data"),
        ("views/audit_log.py", "page_audit", ":material/policy:", "section_admin")]
sections: dict[str, list] = {}
for file, title, icon, section in MENU:
    if user.may_open(Path(file).stem):
        sections.setdefault(t(section), []).append(st.Page(file, title=t(title), icon=icon,
                                                           default=not sections))
navigation = st.navigation(sections)
freshness_banner()   # above every page
with page_view(user, navigation.url_path or "home"):   # the default (first) page's url_path is ""
    navigation.run()

"""gridsight dashboards: `gridsight dashboard` (streamlit run dashboards/app.py --server.enableStaticServing true)."""

from pathlib import Path

import streamlit as st

from dashboards.audit import page_view
from dashboards.components.freshness import freshness_banner
from dashboards.components.remembered import remembered
from dashboards.components.signed_in import signed_in_sidebar
from dashboards.i18n import LANGUAGES, t
from dashboards.menu import MENU
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
if user is None:
    # Every page registered but none run or listed: a deep link's path survives until the user has signed in.
    st.navigation([st.Page(file, title=t(title)) for file, title, _, _ in MENU], position="hidden")
    st.stop()
with st.sidebar:
    signed_in_sidebar(user)
sections: dict[str, list] = {}
pages = [Path(file).stem for file, *_ in MENU if user.may_open(Path(file).stem)]
for file, title, icon, section in MENU:
    if Path(file).stem in pages:
        sections.setdefault(t(section), []).append(st.Page(file, title=t(title), icon=icon,
                                                           default=not sections))
navigation = st.navigation(sections)
freshness_banner()   # above every page
with page_view(user, navigation.url_path or pages[0]):   # the default (first) page's url_path is ""
    navigation.run()

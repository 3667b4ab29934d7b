"""Each role × page under AppTest: a signed-in demo user opens exactly the pages their role may use (the
policy below), each renders without an error, and every other page is neither in the menu nor opens by its
path. Below the menu, a page script run on its own refuses a role without the page's permission, and reads
no data for a session no one signed in to."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.access import PAGES
from tests.conftest import REPO
from tests.dashboards.conftest import open_app

# The policy, written out: what each role's menu holds (dashboards/access.py PAGES must agree).
EVERYONE = {"cockpit", "hotspots", "incidents", "population", "foot_traffic", "devices", "ratings"}
MENUS = {"leader": EVERYONE | {"data_quality"},
         "analyst": EVERYONE | {"data_quality"},
         "worker_c01_g01": EVERYONE | {"household_visits"},
         "admin": set(PAGES)}


def _opens(app: AppTest, page: str) -> bool:
    try:
        app.switch_page(f"views/{page}.py")
    except ValueError as refused:
        assert "Could not find a navigation page" in str(refused)
        return False
    app.run()
    return True


@pytest.mark.parametrize("user", list(MENUS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_role_opens_its_pages_and_no_other(world, monkeypatch, user, lang):
    app = open_app(monkeypatch, world.data_dir, user=user, lang=lang)
    opened = set()
    for page in PAGES:
        if _opens(app, page):
            opened.add(page)
            assert not app.exception, (user, page, app.exception)
            assert app.title and not app.error, (user, page, [e.value for e in app.error])
    assert opened == MENUS[user]


@pytest.mark.parametrize(("user", "page"), [("leader", "household_visits"), ("analyst", "audit_log"),
                                            ("worker_c01_g01", "audit_log"), ("worker_c01_g01", "data_quality")])
def test_a_page_run_on_its_own_still_refuses_the_role(world, monkeypatch, user, page):
    app = open_app(monkeypatch, world.data_dir, script=REPO / "dashboards" / "views" / f"{page}.py", user=user)
    assert app.warning and not app.dataframe and not app.metric


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_without_a_signed_in_session_reads_no_data(world, monkeypatch, page):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(world.data_dir))
    monkeypatch.delenv("GRIDSIGHT_USER", raising=False)
    app = AppTest.from_file(str(REPO / "dashboards" / "views" / f"{page}.py"), default_timeout=60).run()
    assert app.exception and "sign in first" in app.exception[0].message
    assert not app.dataframe and not app.metric and not app.get("plotly_chart")


def test_every_menu_page_has_a_permission_and_a_file():
    from dashboards.menu import MENU

    assert [Path(file).stem for file, *_ in MENU] == list(PAGES)
    assert all((REPO / "dashboards" / file).exists() for file, *_ in MENU)

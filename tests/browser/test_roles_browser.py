"""Every role in a real headless Chromium: signs in through the form, finds exactly its pages in the menu,
opens each by its link in Chinese and in English without an error box, and captures it; a page outside
the role's menu does not open by URL; a deep link on a fresh server signs in first and then opens inside the
app shell; no request leaves localhost. The captures are kept in test-artifacts/pages/<user>/ (a human
look at every page as its user sees it)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboards.i18n import LABELS
from dashboards.menu import MENU
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, screenshot, serve, sign_in
from tests.conftest import REPO
from tests.dashboards.test_roles import MENUS

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world

ARTIFACTS = REPO / "test-artifacts" / "pages"
TITLES = {Path(file).stem: title for file, title, *_ in MENU}


def _settled(page) -> None:
    """The page's script run has finished: a title, and Streamlit's running indicator gone."""
    from playwright.sync_api import expect

    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)   # plotly lays out after the run


def _no_error_box(page, where) -> None:
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, (where, errors.all_inner_texts())


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, requested: list):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(60_000)
    page.on("request", lambda request: requested.append(request.url))
    return page


@pytest.mark.parametrize("user", list(MENUS))
def test_each_role_signs_in_and_sees_its_pages_in_both_languages(server, browser, user):
    from playwright.sync_api import expect

    requested: list[str] = []
    page = _new_page(browser, requested)
    sign_in(page, server, user)
    navigation = page.get_by_test_id("stSidebarNav")
    for lang in ("zh", "en"):
        links = sorted(text.split("\n")[-1].strip() for text in navigation.get_by_role("link").all_inner_texts())
        assert links == sorted(LABELS[TITLES[p]][lang] for p in MENUS[user]), (user, lang, links)
        for name in MENUS[user]:
            navigation.get_by_role("link").filter(has_text=LABELS[TITLES[name]][lang]).click()
            _settled(page)
            assert urlparse(page.url).path.strip("/") in (name, "" if name == "cockpit" else name)
            _no_error_box(page, (user, name, lang))
            screenshot(page, ARTIFACTS / user / f"{name}_{lang}.png")
        if lang == "zh":
            page.get_by_role("radiogroup", name="语言").get_by_text("English", exact=True).click()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            # the menu is drawn again in English: wait for every link of it before reading them
            expect(navigation.get_by_role("link")).to_have_count(len(MENUS[user]))
            expect(navigation).to_contain_text(LABELS[TITLES[sorted(MENUS[user])[0]]]["en"])
            _settled(page)
    # a page outside the menu does not open by its URL: the default page runs instead
    for name in set(TITLES) - MENUS[user]:
        page.goto(f"{server}/{name}")
        _settled(page)
        assert page.locator("h1").first.inner_text() not in (LABELS[TITLES[name]]["zh"], LABELS[TITLES[name]]["en"])
        assert page.get_by_test_id("stSidebarNav").get_by_role("link").filter(
            has_text=LABELS[TITLES[name]]["zh"]).count() == 0
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"


def test_a_deep_link_on_a_fresh_server_signs_in_then_opens_inside_the_shell(world, browser):
    from playwright.sync_api import expect

    with serve(world.data_dir) as url:
        requested: list[str] = []
        page = _new_page(browser, requested)
        page.goto(f"{url}/audit_log")   # the server's very first request
        expect(page.locator("h1").first).to_have_text("登录 gridsight", timeout=30_000)
        assert page.get_by_test_id("stSidebarNav").count() == 0   # no menu, no page before sign-in
        page.get_by_label("用户名").fill("admin")
        page.get_by_label("密码").fill("demo-admin")
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.locator("h1").first).to_have_text(LABELS["page_audit"]["zh"], timeout=30_000)
        assert urlparse(page.url).path == "/audit_log"
        expect(page.get_by_test_id("stSidebarNav")).to_contain_text(LABELS["page_cockpit"]["zh"])
        # signed out, the cookie is gone: a reload shows the form again
        page.get_by_role("button", name="退出登录").click()
        expect(page.locator("h1").first).to_have_text("登录 gridsight", timeout=30_000)
        page.wait_for_function("!document.cookie.includes('gridsight_session=')", timeout=15_000)
        page.goto(f"{url}/cockpit")
        expect(page.locator("h1").first).to_have_text("登录 gridsight", timeout=30_000)

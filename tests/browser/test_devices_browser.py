"""The devices page (设备物联) in a real headless Chromium, on the world's snapshot with hand-written device marts
(tests/dashboards/test_devices_page.py): reached through the menu, its offline map draws the grid outlines
and the offline devices and full bins as points, the tables and the alarm funnel render, and nothing is
fetched from outside localhost. The captures are kept in test-artifacts/devices/ for a human to look at."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import LOCAL_HOSTS, screenshot, serve, sign_in
from tests.conftest import REPO
from tests.dashboards.test_devices_page import device_marts, with_marts

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world

ARTIFACTS = REPO / "test-artifacts" / "devices"


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    tables, _ = device_marts(world)
    with serve(with_marts(world, tmp_path_factory.mktemp("devices"), tables)) as url:
        yield url


@pytest.mark.parametrize(("user", "lang"), [("leader", "zh"), ("worker_c02_g02", "en")])
def test_devices_page_renders_offline(server, page, requested, user, lang):
    from playwright.sync_api import expect

    sign_in(page, server, user)
    if lang == "en":
        page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
        expect(page.locator('[data-testid="stSidebarNav"]').get_by_text("Devices")).to_be_visible(timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Devices" if lang == "en" else "设备物联").click()
    expect(page.locator("h1").first).to_contain_text("Devices and sensors" if lang == "en" else "设备物联感知",
                                                     timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.choroplethlayer path').length > 0", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.scattergeo .point, .scattergeo path.point').length > 0"
                           " || document.querySelectorAll('.scattergeolayer path').length > 0", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.funnellayer .point, .funnellayer path').length > 0",
                           timeout=30_000)
    page.wait_for_timeout(1500)
    outlines = page.evaluate("""() => [...document.querySelectorAll('.choroplethlayer path')]
        .map(p => p.getBoundingClientRect().width)""")
    assert outlines and all(width > 0 for width in outlines)
    if user == "leader":
        expect(page.get_by_text("逐户核查名单仅对可查看住户信息的角色显示。")).to_be_visible()
    else:
        expect(page.get_by_text("Open checks first; household ids masked, viewing is logged.")).to_be_visible()
    page.set_viewport_size({"width": 1600, "height": 3400})   # the app scrolls inside itself: show it all
    page.wait_for_timeout(1500)
    screenshot(page, ARTIFACTS / f"devices_{user}_{lang}.png")
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

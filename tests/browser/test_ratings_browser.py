"""The ratings page (星级评定) in a real headless Chromium on the session world: reached through the menu, a
leader sees every rated grid with its stars and the street ranking, a grid worker sees one grid only (their
own: dashboards/data.py's scope), and nothing is fetched from outside localhost. The captures are kept in
test-artifacts/ratings/ for a human to look at."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import LOCAL_HOSTS, screenshot, sign_in
from tests.conftest import REPO

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world

ARTIFACTS = REPO / "test-artifacts" / "ratings"


def _grid_rows(page) -> int:
    """Rows of the page's first dataframe, the grid ratings (Streamlit's glide grid lists them for ARIA)."""
    return page.locator('[data-testid="stDataFrame"]').first.locator('[role="row"]').count() - 1   # less the header


@pytest.mark.parametrize(("user", "lang"), [("leader", "zh"), ("worker_c01_g01", "en")])
def test_the_ratings_page_shows_stars_within_the_users_scope(server, page, requested, user, lang):
    from playwright.sync_api import expect

    sign_in(page, server, user)
    if lang == "en":
        page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
        expect(page.locator('[data-testid="stSidebarNav"]').get_by_text("Ratings")).to_be_visible(timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Ratings" if lang == "en" else "星级评定").click()
    expect(page.get_by_text("Grid ratings" if lang == "en" else "网格星级", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
    page.set_viewport_size({"width": 1600, "height": 2600})   # the app scrolls inside itself: show it all
    page.wait_for_timeout(2000)
    rows = _grid_rows(page)
    if user == "leader":
        assert rows > 1, rows
        expect(page.get_by_text("街道月度排名", exact=True)).to_be_visible()
    else:
        assert rows == 1, rows
    screenshot(page, ARTIFACTS / f"ratings_{user}_{lang}.png")
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

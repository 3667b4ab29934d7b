"""One way out for data, in a real headless Chromium: a table's own toolbar offers no download (the audited
export button is the only one), and landing folders and a user named like markdown links and images show
as text: no link, no image, no request to their host."""

from __future__ import annotations

from urllib.parse import urlparse

import duckdb
import pytest

from tests.browser.conftest import LOCAL_HOSTS, screenshot, serve
from tests.dashboards.test_export import IMAGE, LINK, hostile_world

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    """The dashboard on the world's snapshot with hostile source and user names (overrides conftest's)."""
    with duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True) as marts:
        data_dir = hostile_world(world, marts, tmp_path_factory.mktemp("hostile"))
    with serve(data_dir, single_user="leader") as url:   # the hostile user has no password
        yield url


def toolbar_labels(page, table) -> list[str]:
    """The labels of the buttons a table's toolbar shows while the pointer is over the table."""
    table.hover()
    page.wait_for_selector('[data-testid="stElementToolbarButton"]', state="visible")
    page.wait_for_timeout(500)
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stElementToolbarButton"]')]
        .map(b => [b.getAttribute('aria-label'), b.querySelector('button')?.getAttribute('aria-label'),
                   b.textContent].filter(Boolean).join(' '))""")


def test_tables_offer_only_the_audited_export_and_data_names_stay_text(world, server, page, requested):
    from playwright.sync_api import expect

    page.goto(server)
    banner = page.get_by_test_id("stAlert").first
    expect(banner).to_contain_text(LINK, timeout=30_000)
    expect(banner).to_contain_text(IMAGE)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(LINK)
    assert page.locator('a[href*="evil"], img[src*="evil"]').count() == 0

    page.get_by_role("link", name="人口房屋").click()
    expect(page.locator("h1").first).to_contain_text("人口房屋", timeout=30_000)
    expect(page.get_by_test_id("stDownloadButton")).to_contain_text("导出CSV")   # the audited export
    labels = toolbar_labels(page, page.get_by_test_id("stDataFrame").first)
    assert any("Search" in label for label in labels), f"the table's toolbar did not show: {labels}"
    assert not [label for label in labels if "Download" in label or "CSV" in label], \
        f"the table's own toolbar offers a download that bypasses the audit: {labels}"
    screenshot(page, world.data_dir / "screenshots" / "population_table_toolbar.png")

    # a grid named like an HTML link is drawn as that text on the chart's axis, not as a link
    page.wait_for_function("[...document.querySelectorAll('.xtick text')].some(t => t.textContent.includes("
                           "'<a href=\"https://evil.example/grid\">'))", timeout=30_000)
    assert page.locator('a[href*="evil"], img[src*="evil"]').count() == 0
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

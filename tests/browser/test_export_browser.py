"""One way out for data, in a real headless Chromium: a table's own toolbar offers no download (the audited
export button is the only one), and landing folders and a user named like markdown links and images show
as text: no link, no image, no request to their host."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pandas as pd
import pytest

from tests.browser.conftest import LOCAL_HOSTS, screenshot, serve
from tests.dashboards.test_export import CHART_LINK, IMAGE, LINK, hostile_world

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world
GRIDS, HOSTILE_DIR = [], []   # the served world's grid count and data folder, set by the server fixture


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    """The dashboard on the world's snapshot with hostile source and user names (overrides conftest's)."""
    with duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True) as marts:
        data_dir = hostile_world(world, marts, tmp_path_factory.mktemp("hostile"))
        GRIDS[:] = [marts.execute("select count(*) from marts.mart_population_by_grid").fetchone()[0]]
    HOSTILE_DIR[:] = [data_dir]
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

    # the audited export really downloads the table (built on the click) and the click is audited
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    exported = pd.read_csv(download.value.path(), encoding="utf-8-sig")
    assert len(exported) == GRIDS[0] and CHART_LINK in set(exported["name_zh"])
    log = Path(HOSTILE_DIR[0]) / "audit" / "audit.jsonl"
    page.wait_for_function("true", timeout=1000)
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert (last["action"], last["table"], last["rows"]) == ("export", "population_by_grid", len(exported))

    # a grid named like an HTML link is drawn as that text on the chart's axis, not as a link
    page.wait_for_function("[...document.querySelectorAll('.xtick text')].some(t => t.textContent.includes("
                           "'<a href=\"https://evil.example/grid\">'))", timeout=30_000)
    assert page.locator('a[href*="evil"], img[src*="evil"]').count() == 0
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

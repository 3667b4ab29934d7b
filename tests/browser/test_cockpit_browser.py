"""The cockpit in a real headless Chromium, served by `streamlit run` on the demo world's snapshot.

Proves what unit tests of the page script cannot: the page renders its title, its KPIs and device tiles, the offline
grid map really draws one (non-inverted) polygon per L3 grid of the snapshot, nothing is fetched from
outside localhost, and the language toggle switches the page to English. Screenshots land in
<data_dir>/screenshots/ for a human look.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import LOCAL_HOSTS, expected_polygons, map_paths, screenshot, sign_in
from tests.conftest import REPO

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world


# One metric per KPI of the catalogue, the scorecard's overall score, and the three device tiles (open alarms,
# devices offline now, open welfare checks: the world has devices)
COCKPIT_METRICS = len((REPO / "dbt_project" / "seeds" / "kpi_definitions.csv").read_text(
    encoding="utf-8").strip().splitlines()) - 1 + 1 + 3


def wait_for_page(page, title: str) -> dict:
    """Wait for `title`, every KPI metric and the map's polygons (if any come); return map_paths()."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    expect(page.locator("h1").first).to_contain_text(title, timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stMetric\"]').length === {COCKPIT_METRICS}")
    try:
        page.wait_for_function("document.querySelectorAll('.choroplethlayer path').length > 0", timeout=20_000)
    except PlaywrightTimeout:
        pass  # counted and reported below
    page.wait_for_timeout(1500)  # let plotly finish its layout before measuring and shooting
    return map_paths(page)


def test_cockpit_renders_offline_map_kpis_and_switches_language(world, server, page, requested):
    from playwright.sync_api import expect

    sign_in(page, server)
    drawn = wait_for_page(page, "网格化治理大数据分析决策平台")
    assert page.locator('[data-testid="stMetric"]').get_by_text("办结率", exact=True).count() == 1

    expected = expected_polygons(world.data_dir)
    assert expected > 0
    assert len(drawn["paths"]) == expected, \
        f"{len(drawn['paths'])} polygons drawn, {expected} grids have one (topojson served? static serving on?)"
    frame_width = drawn["frame"]["width"]
    assert frame_width > 100
    for box in drawn["paths"]:
        assert 0 < box["width"] < 0.6 * frame_width, f"polygon {box} fills the map frame ({frame_width}px): inverted?"
    screenshots = world.data_dir / "screenshots"
    screenshot(page, screenshots / "cockpit_zh.png")

    # A chosen period must survive the language switch.
    page.get_by_role("combobox", name="统计周期").click()
    page.get_by_role("option", name="近90天").click()
    expect(page.get_by_role("combobox", name="统计周期")).to_have_value("近90天")
    # This page is the fresh server's first session: a lost first click on the toggle shows up here.
    page.get_by_role("radiogroup", name="语言").get_by_text("English", exact=True).click()
    drawn = wait_for_page(page, "Grid governance decision platform")
    assert len(drawn["paths"]) == expected
    expect(page.get_by_role("combobox", name="Period")).to_have_value("Last 90 days")
    screenshot(page, screenshots / "cockpit_en.png")

    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"
    assert any(url.endswith("/app/static/world_110m.json") for url in requested), \
        "plotly did not fetch the offline topojson from the app's static folder"

"""The population page in a real headless Chromium: the offline tier map draws one polygon per grid with a
population, the age pie and tier charts render, and nothing is fetched from outside localhost."""

from __future__ import annotations

from urllib.parse import urlparse

import duckdb
import pytest

from tests.browser.conftest import LOCAL_HOSTS, map_paths, screenshot, sign_in

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world


def test_population_page_renders_offline(world, server, page, requested):
    from playwright.sync_api import expect

    sign_in(page, server)
    expect(page.locator("h1").first).to_contain_text("网格化治理大数据分析决策平台", timeout=30_000)
    navigation = page.locator('[data-testid="stSidebarNav"]')
    for section in ("决策", "业务", "数据"):   # a leader's menu sections, from app.py's one table
        expect(navigation.get_by_text(section, exact=True)).to_be_visible()
    expect(navigation.get_by_text("管理", exact=True)).to_have_count(0)   # the audit log is the admin's
    navigation.get_by_text("人口房屋").click()
    expect(page.locator("h1").first).to_contain_text("人口房屋", timeout=30_000)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("街道领导")
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetric\"]').length === 6")
    page.wait_for_function("document.querySelectorAll('.choroplethlayer path').length > 0", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.pielayer .slice').length === 5", timeout=30_000)
    page.wait_for_timeout(1500)
    serving = world.data_dir / "serving"
    folder = serving / (serving / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect() as con:
        expected = con.execute("select count(*) from read_parquet(?) as p join read_parquet(?) as g using (grid_id) "
                               "where g.geometry_geojson is not null",
                               [str(folder / "marts__mart_population_by_grid.parquet"),
                                str(folder / "marts__dim_grids.parquet")]).fetchone()[0]
    drawn = map_paths(page)
    assert len(drawn["paths"]) == expected > 5
    for box in drawn["paths"]:
        assert 0 < box["width"] < 0.6 * drawn["frame"]["width"], "a polygon fills the map frame: inverted ring?"
    screenshot(page, world.data_dir / "screenshots" / "population_zh.png")
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

"""The hotspots page in a real headless Chromium: reached through the app's navigation, its offline risk
map draws one (non-inverted) polygon per scored grid, and nothing is fetched from outside localhost."""

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import LOCAL_HOSTS, expected_polygons, map_paths, screenshot, sign_in

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world


def test_hotspot_map_draws_offline(world, server, page, requested):
    from playwright.sync_api import expect

    sign_in(page, server)
    page.get_by_role("link", name="矛盾纠纷热点").click()
    expect(page.locator("h1").first).to_contain_text("矛盾纠纷热点预测", timeout=30_000)
    expected = expected_polygons(world.data_dir)
    page.wait_for_function(f"document.querySelectorAll('.choroplethlayer path').length === {expected}",
                           timeout=30_000)
    page.wait_for_timeout(1500)
    drawn = map_paths(page)
    frame_width = drawn["frame"]["width"]
    assert len(drawn["paths"]) == expected and frame_width > 100
    assert all(0 < box["width"] < 0.6 * frame_width for box in drawn["paths"]), "inverted polygons fill the frame"
    expect(page.get_by_text("导出建议措施(CSV)")).to_be_visible()
    screenshot(page, world.data_dir / "screenshots" / "hotspots_zh.png")
    outside = [url for url in requested
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, f"requests left localhost: {outside}"

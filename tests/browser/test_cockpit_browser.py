"""The cockpit in a real headless Chromium, served by `streamlit run` on the demo world's snapshot.

Proves what unit tests of the page script cannot: the page renders its title and eight KPIs, the offline
grid map really draws one (non-inverted) polygon per L3 grid of the snapshot, nothing is fetched from
outside localhost, and the language toggle switches the page to English. Screenshots land in
<data_dir>/screenshots/ for a human look.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from orchestration.cli import dashboard_command

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(world):
    """`streamlit run dashboards/app.py` on a free port, reading the world's data folder."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    port = _free_port()
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(world.data_dir)}
    process = subprocess.Popen(dashboard_command(port), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy (exit code {process.poll()})")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def requested() -> list[str]:
    """Every URL the browser requested."""
    return []


@pytest.fixture
def page(server, requested):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        page.set_default_timeout(60_000)
        page.on("request", lambda request: requested.append(request.url))
        yield page
        browser.close()


def expected_polygons(data_dir: Path) -> int:
    import duckdb

    serving = data_dir / "serving"
    table = serving / (serving / "CURRENT").read_text(encoding="utf-8").strip() / "marts__dim_grids.parquet"
    with duckdb.connect() as con:
        return con.execute("select count(*) from read_parquet(?) "
                           "where level = 'grid' and geometry_geojson is not null", [str(table)]).fetchone()[0]


def map_paths(page) -> dict:
    """Polygons drawn in the choropleth layer, with their bounding boxes and the map frame's."""
    return page.evaluate("""() => {
        const chart = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .find(c => c.querySelector('.choroplethlayer'));
        const frame = chart.querySelector('.main-svg').getBoundingClientRect();
        const paths = [...chart.querySelectorAll('.choroplethlayer path')].map(p => {
            const box = p.getBoundingClientRect();
            return {width: box.width, height: box.height};
        });
        return {frame: {width: frame.width, height: frame.height}, paths};
    }""")


# One metric per KPI of the catalogue, plus the scorecard's overall score
COCKPIT_METRICS = len((REPO / "dbt_project" / "seeds" / "kpi_definitions.csv").read_text(
    encoding="utf-8").strip().splitlines()) - 1 + 1


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


def screenshot(page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000, f"{path} is suspiciously small"


def test_cockpit_renders_offline_map_kpis_and_switches_language(world, server, page, requested):
    from playwright.sync_api import expect

    page.goto(server)
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

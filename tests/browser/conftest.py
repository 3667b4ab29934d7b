"""Browser tests: `streamlit run` on the session world's data folder, driven by Playwright in Debian's
headless Chromium, plus what the pages' tests measure in it (map polygons, screenshots)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestration.cli import dashboard_command
from tests.conftest import REPO, demo_password

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(data_dir: Path, *, single_user: str | None = None):
    """`streamlit run dashboards/app.py` on a free port, reading `data_dir` (in the GRIDSIGHT_USER single-user
    mode when `single_user` is given); yields its URL."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    port = _free_port()
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data_dir)}
    env.pop("GRIDSIGHT_USER", None)
    if single_user:
        env["GRIDSIGHT_USER"] = single_user
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


@pytest.fixture(scope="module")
def server(world):
    """The dashboard served on the world's data folder."""
    with serve(world.data_dir) as url:
        yield url


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


def sign_in(page, url: str, user_id: str = "leader", password: str | None = None) -> None:
    """Open `url` and sign in as a demo user through the form; returns once the browser holds the session
    cookie, so later page loads are signed in too."""
    from playwright.sync_api import expect

    from dashboards.sign_in import COOKIE

    page.goto(url)
    page.get_by_label("用户名").fill(user_id)
    page.get_by_label("密码").fill(password if password is not None else demo_password(user_id))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=30_000)
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=15_000)


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


def screenshot(page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000, f"{path} is suspiciously small"

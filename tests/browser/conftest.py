"""Browser tests: `streamlit run` on the session world's data folder, driven by Playwright in Debian's
headless Chromium, plus what the pages' tests measure in it (map polygons, screenshots)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestration.browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, launch  # noqa: F401 (the tests import them)
from orchestration.browser import serve as serve_dashboard
from orchestration.browser import sign_in as sign_in_form
from tests.conftest import demo_password


@contextmanager
def serve(data_dir: Path, *, single_user: str | None = None):
    """`streamlit run dashboards/app.py` on a free port, reading `data_dir` (in the GRIDSIGHT_USER single-user
    mode when `single_user` is given); yields its URL."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    with serve_dashboard(data_dir, {"GRIDSIGHT_USER": single_user}) as url:
        yield url


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
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)   # a page can take seconds to render on a busy machine (5 s by default)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1600, "height": 1400})
        page.set_default_timeout(60_000)
        page.on("request", lambda request: requested.append(request.url))
        yield page
        browser.close()


def sign_in(page, url: str, user_id: str = "leader", password: str | None = None) -> None:
    """Open `url` and sign in as a demo user through the form; returns once the browser holds the session
    cookie, so later page loads are signed in too."""
    sign_in_form(page, url, user_id, password if password is not None else demo_password(user_id))


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

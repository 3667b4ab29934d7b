"""`gridsight docs` builds the catalogue against the warehouse (column types included) and serves it on
localhost; a real headless Chromium renders a model's page without one request leaving localhost."""

from __future__ import annotations

import json
import threading
from urllib.parse import urlparse

import pytest

from gridsight.settings import Paths
from orchestration.docs_cli import build_docs, docs_server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS


@pytest.fixture(scope="module")
def docs(world):
    return build_docs(Paths(world.data_dir))


@pytest.mark.slow
def test_docs_build_against_the_warehouse_with_column_types(docs):
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    residents = catalog["nodes"]["model.gridsight.fct_residents"]["columns"]
    assert residents["person_key"]["type"].lower() == "varchar"
    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["metadata"]["send_anonymous_usage_stats"] is False   # else the page loads a CDN tracker
    assert (docs / "index.html").stat().st_size > 100_000


@pytest.mark.slow
def test_served_docs_render_offline(docs):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    from playwright.sync_api import expect, sync_playwright

    requested: list[str] = []
    with docs_server(docs, 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{url}/#!/overview", wait_until="networkidle")
            expect(page.get_by_text("the warehouse catalogue").first).to_be_visible(timeout=30_000)
            page.goto(f"{url}/#!/model/model.gridsight.fct_residents", wait_until="networkidle")
            expect(page.get_by_text("keyed pseudonym of the resident ID number").first).to_be_visible()
            expect(page.get_by_text("VARCHAR").first).to_be_visible()
            page.goto(f"{url}/#!/exposure/exposure.gridsight.cockpit_page", wait_until="networkidle")
            expect(page.get_by_text("Depends On").first).to_be_visible()
            assert "mart_scorecard" in page.inner_text("body").split("Depends On", 1)[1]
            browser.close()
        server.shutdown()
    outside = [u for u in requested
               if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS]
    assert requested and not outside, f"requests leaving localhost: {outside}"

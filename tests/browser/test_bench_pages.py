"""The page benchmark (`gridsight bench`) on the session world: it signs in, loads pages in headless
Chromium and writes their render times to the results file. Speed itself is measured, never asserted."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from orchestration import bench
from tests.browser.conftest import CHROMIUM

pytestmark = pytest.mark.slow   # a streamlit server and headless Chromium on the session world


def test_the_benchmark_writes_each_pages_render_times(world, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    path = tmp_path / f"{dt.date.today()}-demo.json"
    # a file another section (issue 19's build figures) wrote first: the benchmark keeps it and replaces `pages`
    path.write_text(json.dumps({"full_build_s": 85.0, "pages": {"old": {}}}), encoding="utf-8")
    assert bench.run(world.data_dir, "demo", loads=2, pages=["cockpit", "audit_log"], results_dir=tmp_path,
                     progress=lambda _m: None) == path

    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["scale"] == "demo" and written["full_build_s"] == 85.0
    assert written["snapshot"] == (world.data_dir / "serving" / "CURRENT").read_text(encoding="utf-8").strip()
    assert set(written["pages"]) == {"cockpit", "audit_log"}
    for name, timing in written["pages"].items():
        assert timing["n"] == 2, name
        assert 0 < timing["p50_s"] <= timing["p95_s"], (name, timing)
        assert 0 < timing["switch_p50_s"] <= timing["switch_p95_s"], (name, timing)
    assert written["machine"]["cpus"] >= 1

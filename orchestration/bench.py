"""`gridsight bench`: how long each dashboard page takes to render for a signed-in user, written to
bench/results/<date>-<scale>.json (see bench/README.md). Other sections of that file (issue 19's build
figures) are kept: a run updates only the fields it measures."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from gridsight.settings import REPO
from orchestration.browser import launch, leaves_localhost, serve, sign_in

RESULTS = REPO / "bench" / "results"
GOAL_S = 1.0   # issue 14: p95 < 1 s for every page
ADMIN = "admin"   # the only role whose menu holds every page

# Done rendering: Streamlit's script run has finished (the state the status widget shows, as an attribute of
# the app), no element is still a placeholder skeleton, the page's title is drawn (not the sign-in form's)
# and every plotly chart has drawn its SVG. Returns ms since navigation start, or -1 for an error box.
RENDERED = """() => {
    if (document.querySelector('[data-testid="stException"]')) return -1;
    const app = document.querySelector('[data-testid="stApp"]');
    if (app?.dataset.testScriptState !== 'notRunning' || document.querySelector('[data-testid="stSkeleton"]')
        || !document.querySelector('[data-testid="stMain"] h1') || document.querySelector('input[aria-label="用户名"]'))
        return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.every(chart => chart.querySelector('.main-svg')) && performance.now();
}"""


def menu_pages() -> list[str]:
    """The page names of the menu (dashboards/menu.py): file stems, which are also their URL paths."""
    from dashboards.menu import MENU

    return [Path(file).stem for file, *_ in MENU]


def page_url(base: str, name: str) -> str:
    """The first menu page is the default one, served at the root URL (its stem is "not found")."""
    return f"{base}/" if name == menu_pages()[0] else f"{base}/{name}"


def admin_password() -> str:
    from dashboards.users import DEMO_USERS

    return next(user["password"] for user in DEMO_USERS if user["user_id"] == ADMIN)


def rendered_ms(page, url: str) -> float:
    """Wait until the page is rendered; ms since navigation start."""
    ms = page.wait_for_function(RENDERED, polling="raf").json_value()
    if ms < 0:
        raise RuntimeError(f"{url} shows an exception: {page.get_by_test_id('stException').first.inner_text()[:300]}")
    return ms


def load_seconds(page, url: str) -> float:
    """A fresh load of `url` (a new Streamlit session, as a user opening a link) until it is rendered."""
    page.goto(url, wait_until="commit")
    ms = rendered_ms(page, url)
    if page.url != url:   # Streamlit runs the main page at the root URL instead of a page it does not know
        raise RuntimeError(f"{url} is not a page of the app (it opened {page.url})")
    return ms / 1000


def switch_seconds(page, index: int) -> float:
    """Open the menu's `index`-th link in the running app (the session and its websocket stay) until the new
    page is rendered: what a signed-in user waits for when moving between pages."""
    title = page.locator('[data-testid="stMain"] h1').first.inner_text()
    began = page.evaluate("performance.now()")
    page.get_by_test_id("stSidebarNav").get_by_role("link").nth(index).click()
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText !== "
                           f"{json.dumps(title)}", polling="raf")
    return (rendered_ms(page, page.url) - began) / 1000


def _percentiles(times: list[float], prefix: str = "") -> dict:
    return {f"{prefix}p50_s": round(float(np.percentile(times, 50)), 3),
            f"{prefix}p95_s": round(float(np.percentile(times, 95)), 3)}


def bench_pages(data_dir: Path, loads: int, pages: list[str] | None = None, progress=print) -> dict:
    """Each page's render time over `loads` fresh loads after one warm-up load ({page: {p50_s, p95_s, n, …}}),
    and over `loads` moves to it through the menu from the page before it (switch_p50_s, switch_p95_s)."""
    from playwright.sync_api import sync_playwright

    pages = pages or menu_pages()
    times: dict[str, list[float]] = {name: [] for name in pages}
    switches: dict[str, list[float]] = {name: [] for name in pages}
    cold: dict[str, float] = {}
    outside: list[str] = []
    # through the sign-in form, as users do: a GRIDSIGHT_USER pin (single-user mode) is not passed on
    with serve(data_dir, {"GRIDSIGHT_USER": None}) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(120_000)
        page.on("request", lambda request: outside.append(request.url) if leaves_localhost(request.url) else None)
        sign_in(page, url, ADMIN, admin_password())
        rendered_ms(page, url)
        for name in pages:
            cold[name] = load_seconds(page, page_url(url, name))   # warm-up: fills the app's caches, not counted
        for round_ in range(loads):   # rounds over all pages, so a busy moment on the machine hits every page
            for name in pages:
                times[name].append(load_seconds(page, page_url(url, name)))
            progress(f"[bench] round {round_ + 1}/{loads}")
        menu = menu_pages()   # the admin's menu links, in this order
        page.goto(page_url(url, menu[-1]))
        rendered_ms(page, url)
        for round_ in range(loads):
            for name in pages:   # from the previous page of the menu, or the last one for the first
                if page.url.rstrip("/") != page_url(url, menu[menu.index(name) - 1]).rstrip("/"):
                    switch_seconds(page, menu.index(name) - 1)
                switches[name].append(switch_seconds(page, menu.index(name)))
            progress(f"[bench] menu round {round_ + 1}/{loads}")
        browser.close()
    if outside:
        raise RuntimeError(f"requests left localhost: {sorted(set(outside))}")
    return {name: {**_percentiles(t), "n": len(t), "max_s": round(max(t), 3), "warmup_s": round(cold[name], 3),
                   **_percentiles(switches[name], "switch_")}
            for name, t in times.items()}


def machine() -> dict:
    """What the figures depend on; the load average says how busy the (shared) machine was at the start."""
    import streamlit

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "streamlit": streamlit.__version__,
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def write_results(path: Path, fields: dict) -> dict:
    """Merge `fields` into the results file (other sections stay) and return the whole file."""
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results.update(fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def table(pages: dict) -> str:
    rows = [f"{'page':<18} {'load p50':>9} {'load p95':>9} {'menu p50':>9} {'menu p95':>9}  p95 < {GOAL_S:g} s"]
    rows += [f"{name:<18} {r['p50_s']:>9.3f} {r['p95_s']:>9.3f} {r['switch_p50_s']:>9.3f} {r['switch_p95_s']:>9.3f}  "
             f"load {'yes' if r['p95_s'] < GOAL_S else 'NO'}, menu {'yes' if r['switch_p95_s'] < GOAL_S else 'NO'}"
             for name, r in pages.items()]
    return "\n".join(rows)


def run(data_dir: Path, scale: str, loads: int, pages: list[str] | None = None, results_dir: Path = RESULTS,
        progress=print) -> Path:
    """Benchmark the pages on the data folder's published snapshot; returns the results file."""
    current = data_dir / "serving" / "CURRENT"
    if not current.exists():
        raise SystemExit(f"[bench] no published snapshot in {data_dir / 'serving'}: run `gridsight demo --no-serve` "
                         "(or `make bench`, which does) first")
    unknown = sorted(set(pages or []) - set(menu_pages()))
    if unknown or loads < 1:
        raise SystemExit(f"[bench] unknown pages {unknown}; the menu has {menu_pages()}" if unknown
                         else "[bench] --loads must be at least 1")
    began, host = time.monotonic(), machine()
    measured = bench_pages(data_dir, loads, pages, progress)
    today = dt.date.today().isoformat()
    path = results_dir / f"{today}-{scale}.json"
    write_results(path, {"scale": scale, "date": today, "snapshot": current.read_text(encoding="utf-8").strip(),
                         "machine": host, "pages": measured})
    progress(table(measured))
    progress(f"[bench] wrote {path} in {time.monotonic() - began:.0f}s")
    return path

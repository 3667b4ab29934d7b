"""The dashboard served on a free local port and the offline headless Chromium that reads it: one
implementation for the page benchmark (orchestration/bench.py) and the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from gridsight.settings import REPO
from orchestration.cli import dashboard_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def leaves_localhost(url: str) -> bool:
    """A request to another machine (data: and blob: URLs stay in the browser)."""
    parsed = urlparse(url)
    return parsed.scheme not in ("data", "blob") and parsed.hostname not in LOCAL_HOSTS


@contextmanager
def serve(data_dir: Path, env: dict[str, str | None] | None = None):
    """`streamlit run dashboards/app.py` as `gridsight dashboard` runs it, on a free port, reading
    `data_dir` (plus `env` over this process's environment, None unsets); yields its URL once healthy."""
    port = free_port()
    env = {**os.environ, **(env or {}), "GRIDSIGHT_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(dashboard_command(port), cwd=REPO, env={k: v for k, v in env.items() if v is not None},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
                raise RuntimeError(f"streamlit did not become healthy (exit code {process.poll()})")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch(playwright):
    """Debian's headless Chromium (nothing is downloaded)."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not installed (run ./scripts/install_browser.sh as root with apt)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def sign_in(page, url: str, user_id: str, password: str | None) -> None:
    """Open `url` and sign in as `user_id` through the sign-in form; returns once the browser holds the session
    cookie, so later page loads are signed in too. An app in single-user mode (GRIDSIGHT_USER) shows no form:
    it is left as it is."""
    from playwright.sync_api import TimeoutError as Timeout
    from playwright.sync_api import expect

    from dashboards.sign_in import COOKIE

    page.goto(url)
    try:   # the form, or the menu (drawn only for a signed-in user), or an error box
        page.locator('input[aria-label="用户名"], [data-testid="stSidebarNav"], [data-testid="stException"]'
                     ).first.wait_for(timeout=60_000)
    except Timeout:
        raise RuntimeError(f"could not sign in as {user_id}: the app shows neither a sign-in form nor a menu (has "
                           "the data folder a users file? `gridsight demo` writes the demo users)") from None
    if not page.get_by_label("用户名").count():
        return
    if password is None:
        raise RuntimeError(f"the app shows a sign-in form and there is no password for {user_id}")
    page.get_by_label("用户名").fill(user_id)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录")).to_be_visible(timeout=30_000)
    page.wait_for_function(f"document.cookie.includes('{COOKIE}=')", timeout=15_000)

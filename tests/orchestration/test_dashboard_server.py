"""The dashboard server a `gridsight dashboard` starts listens on the loopback interface only."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from orchestration.cli import dashboard_command
from tests.conftest import REPO

pytestmark = pytest.mark.slow   # serves Streamlit


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's tables (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:   # 0A: LISTEN
                raw = bytes.fromhex(address)
                # the kernel writes each 32-bit word in host (little-endian) order
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, words))
    return found


def test_the_dashboard_server_answers_on_loopback_and_listens_nowhere_else(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(dashboard_command(port), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.read().strip() == b"ok"
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not answer on 127.0.0.1:{port} (exit code {process.poll()})")
                time.sleep(0.5)
        listening = _listening_addresses(port)
        assert listening == {"127.0.0.1"}, listening
    finally:   # nothing to save: a server without sessions
        process.kill()
        process.wait()

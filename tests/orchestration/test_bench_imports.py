"""The import benchmark's measuring: the wall time and the peak memory of a command and everything it starts
(an import hands over to its run, which starts dbt), so a child's memory is never missed."""

import sys

from orchestration.bench_imports import measure, meets_goal

# a parent that starts a child holding ~300 MiB for a moment, while holding little itself
CHILD = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(0.6)"
PARENT = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {CHILD!r}], check=True)"


def test_peak_memory_counts_the_processes_a_command_starts(tmp_path):
    figures = measure([sys.executable, "-c", PARENT], {}, tmp_path / "log.txt")
    assert figures["returncode"] == 0
    assert 300 <= figures["peak_rss_mib"] < 600
    assert figures["wall_s"] >= 0.6


def test_a_failing_command_is_reported_with_its_exit_code(tmp_path):
    figures = measure([sys.executable, "-c", "import sys; print('no mapping'); sys.exit(3)"], {}, tmp_path / "log.txt")
    assert figures["returncode"] == 3 and "no mapping" in (tmp_path / "log.txt").read_text()


def test_only_the_goal_export_is_judged():
    assert meets_goal({"goal": True, "wall_s": 59.0, "peak_rss_mib": 900}) is True
    assert meets_goal({"goal": True, "wall_s": 61.0, "peak_rss_mib": 900}) is False
    assert meets_goal({"goal": True, "wall_s": 30.0, "peak_rss_mib": 1100}) is False
    assert meets_goal({"goal": False, "wall_s": 300.0, "peak_rss_mib": 3000}) is None

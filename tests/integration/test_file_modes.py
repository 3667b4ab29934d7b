"""What gridsight writes into its data folder is private to the account that runs it: the folder is 0700 and
no file or folder under it is readable by the group or others (warehouse, landing files, serving snapshots
and CURRENT, logs, models, audit log, key, Dagster's home)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PSEUDONYM_KEY, REPO

pytestmark = pytest.mark.slow   # the session worlds and a CLI subprocess


def _readable_by_others(root: Path) -> list[str]:
    return [f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p.relative_to(root)}" for p in [root, *root.rglob("*")]
            if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077]


def _assert_private(root: Path, expect: tuple[str, ...]) -> None:
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for name in expect:
        assert (root / name).exists(), name
    assert _readable_by_others(root) == []


def test_the_materialized_world_is_private(world):
    _assert_private(world.data_dir, ("warehouse.duckdb", "landing", "serving/CURRENT", "logs", "models"))
    assert list((world.data_dir / "serving").glob("*/*.parquet"))


def test_an_import_materialized_by_the_cli_is_private(la311):
    _assert_private(la311.data_dir, ("warehouse.duckdb", "landing", "serving/CURRENT", "logs"))


def test_gridsight_simulate_creates_a_private_data_folder(tmp_path):
    data_dir = tmp_path / "data"
    env = {**os.environ, "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    env.pop("GRIDSIGHT_DATA_DIR", None)
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "--data-dir", str(data_dir), "simulate",
                           "--small", "--start", "2026-01-01", "--end", "2026-01-03"],
                          env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_private(data_dir, ("landing", "truth"))

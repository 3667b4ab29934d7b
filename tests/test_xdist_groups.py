"""`make test` builds each session world once: the groups conftest.py gives the tests reach pytest-xdist's
scheduler (they did not under pytest 9, whose node ids xdist 3.8 cannot suffix; hence the pin in pyproject)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_the_tests_of_one_world_run_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import os, sys
        import pytest
        sys.path.insert(0, {str(REPO)!r})
        from tests.conftest import pytest_collection_modifyitems  # noqa: F401  the hook under test

        @pytest.fixture(scope="session")
        def world():
            open(os.path.join({str(tmp_path)!r}, "built-" + os.environ["PYTEST_XDIST_WORKER"]), "w").close()
    """))
    for n in range(4):
        (tmp_path / f"test_m{n}.py").write_text("def test_a(world): pass\ndef test_b(world): pass\n"
                                                 "def test_c(): pass\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p",
                          "no:cacheprovider", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "12 passed" in run.stdout
    assert len(list(tmp_path.glob("built-*"))) == 1   # the world was built on one worker only

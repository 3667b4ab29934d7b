"""The quarantine gate (issue 15, item 7): its limit is a setting, overridable per source, and when it stops
a run the console says in one line which source, which check, what share and the top reasons — no
traceback. The end-to-end case runs a real LA 311 slice whose coordinates were blanked for 60 of 400 rows."""

import os
import subprocess
import sys

import pandas as pd
import pytest

from gridsight.settings import MAX_QUARANTINE_SHARE, REPO, max_quarantine_share
from orchestration.defs.ingest.checks import ingest_check_results
from orchestration.ingest import TableLoad
from tests.conftest import LA311, PSEUDONYM_KEY


def test_the_limit_is_a_setting_overridable_per_source(monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", raising=False)
    assert max_quarantine_share("incidents") == MAX_QUARANTINE_SHARE == 0.05
    monkeypatch.setenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", "incidents=0.2, population=0.01")
    assert max_quarantine_share("incidents") == 0.2
    assert max_quarantine_share("population") == 0.01
    assert max_quarantine_share("devices") == MAX_QUARANTINE_SHARE
    monkeypatch.setenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", "0.1")
    assert max_quarantine_share("grids") == 0.1
    for bad in ("incidents=lots", "1.5", "incidnets=0.2"):
        monkeypatch.setenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", bad)
        with pytest.raises(ValueError, match="GRIDSIGHT_MAX_QUARANTINE_SHARE"):
            max_quarantine_share("incidents")


def test_a_failed_gate_says_source_check_share_and_top_reasons_in_one_line(monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", raising=False)
    load = TableLoad("incident_cases", 1, 400, 340, 60, reasons=(("required:grid_id", 55), ("not_allowed:channel", 5)))
    counts = {"files": 1, "rows_in": 400, "rows_loaded": 340, "rows_quarantined": 60}
    share = next(r for r in ingest_check_results("incidents", load, counts) if r.check_name == "quarantine_share")
    assert not share.passed
    assert share.description == ("incidents: quarantine_share failed on raw/incident_cases — 15.0 % of 400 rows "
                                 "quarantined (limit 5 %); top reasons: required:grid_id 55, not_allowed:channel 5")
    monkeypatch.setenv("GRIDSIGHT_MAX_QUARANTINE_SHARE", "incidents=0.2")
    share = next(r for r in ingest_check_results("incidents", load, counts) if r.check_name == "quarantine_share")
    assert share.passed


@pytest.mark.slow
@pytest.mark.skipif(not LA311.exists(), reason=f"real sample not found at {LA311}")
def test_a_blocked_import_run_says_why_in_one_line_without_a_traceback(tmp_path):
    export = tmp_path / "la311_no_coordinates.csv"
    frame = pd.read_csv(LA311, dtype=str, keep_default_na=False).head(400)
    frame.loc[frame.index[:60], ["latitude", "longitude"]] = ""          # 15 % cannot be placed
    frame.to_csv(export, index=False)
    env = {k: v for k, v in os.environ.items() if k not in ("GRIDSIGHT_DATA_DIR", "GRIDSIGHT_MAX_QUARANTINE_SHARE")}
    env["GRIDSIGHT_PSEUDONYM_KEY"] = PSEUDONYM_KEY
    # the command a user types (the import hands over to the run it starts, so it runs as its own process)
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "--data-dir", str(tmp_path / "data"), "import",
                           "csv", "--mapping", "la311", str(export), "--materialize"], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode not in (0, None)
    text = done.stdout + done.stderr
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if "quarantine_share failed" in line]
    assert lines, text[-2000:]
    assert ("incidents: quarantine_share failed on raw/incident_cases — 15.0 % of 400 rows quarantined "
            "(limit 5 %); top reasons: required:grid_id 60") in lines[-1]

"""Faults a real deployment meets: a run killed mid-way, files delivered twice or late, broken
deliveries, unknown folders, and dashboards reading while a snapshot is published."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.defs.resources import Warehouse
from orchestration.runner import error_text, materialize_range
from orchestration.serving import publish_snapshot
from tests.conftest import PSEUDONYM_KEY, REPO, WORLD_END, WORLD_START, warehouse_fingerprint

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)

LATE_DAY = "2026-02-10"
MARTS = ["marts.fct_incidents", "marts.mart_grid_daily", "marts.fct_foot_traffic_hourly", "marts.fct_device_daily",
         "marts.mart_population_by_grid", "marts.fct_residents"]


def _copy_world(world, target: Path, monkeypatch, with_warehouse: bool = True) -> Path:
    shutil.copytree(world.data_dir / "landing", target / "landing")
    if with_warehouse:
        shutil.copy(world.data_dir / "warehouse.duckdb", target / "warehouse.duckdb")
        shutil.copytree(world.data_dir / "serving", target / "serving")
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(target))
    return target


def _quiet(_message):
    pass


def _without_ingest_times(fingerprint: dict, tables=None) -> dict:
    """Leaves out meta.* (load times) and snapshots.* (the record of what was known when: a late delivery
    rightly leaves a different system-time history; _current_households compares what it knows now)."""
    return {k: v for k, v in fingerprint.items() if (tables is None or k in tables)
            and not k.startswith(("meta.", "snapshots."))}


def _current_households(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * exclude (dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to) "
                           "from snapshots.snap_household_versions where dbt_valid_to is null "
                           "order by household_id, valid_from").df()


def test_rerun_of_one_day_changes_nothing(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch)
    result = materialize_range(pd.Timestamp(LATE_DAY).date(), pd.Timestamp(LATE_DAY).date(), progress=_quiet)
    assert result.success
    assert warehouse_fingerprint(data / "warehouse.duckdb") == world.fingerprint_after_second


def test_killed_run_then_late_partition_gives_the_clean_warehouse(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch, with_warehouse=False)
    late = {p: p.read_bytes() for p in (data / "landing").glob(f"*/dt={LATE_DAY}/*")}
    for path in late:
        path.unlink()
    # 1. a materialization killed while it writes the warehouse
    process = subprocess.Popen([str(Path(sys.executable).with_name("gridsight")), "materialize",
                                "--start", str(WORLD_START), "--end", str(WORLD_END)],
                               cwd=REPO, env=os.environ.copy(), stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    for line in process.stdout:
        if "ingest_foot_traffic: done" in line:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (data / "warehouse.duckdb").exists() and not (data / "serving" / "CURRENT").exists()
    # 2. the rerun succeeds over whatever the killed run left behind
    assert materialize_range(WORLD_START, WORLD_END, progress=_quiet).success
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        missing_day = con.execute("select count(*) from marts.fct_incidents where reported_on = ?",
                                  [LATE_DAY]).fetchone()[0]
    assert missing_day == 0
    # 3. the late files arrive and only their day is materialized
    for path, content in late.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    day = pd.Timestamp(LATE_DAY).date()
    assert materialize_range(day, day, progress=_quiet).success
    assert _without_ingest_times(warehouse_fingerprint(data / "warehouse.duckdb")) == \
        _without_ingest_times(world.fingerprint_after_second)
    pd.testing.assert_frame_equal(_current_households(data / "warehouse.duckdb"),
                                  _current_households(world.data_dir / "warehouse.duckdb"))


def test_file_delivered_twice_is_counted_once_and_unknown_folders_are_reported(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch)
    again = pd.Timestamp(WORLD_END).date() + pd.Timedelta(days=1)
    for source, name in (("incidents", "cases.csv"), ("incidents", "events.csv"), ("devices", "telemetry.csv"),
                         ("foot_traffic", "counts.csv"), ("population", "register.csv")):
        target = data / "landing" / source / f"dt={again}" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        day = LATE_DAY if source != "devices" else max(p.parent.name[3:] for p in   # telemetry: the last days only
                                                       (data / "landing" / "devices").glob(f"dt=*/{name}"))
        shutil.copy(data / "landing" / source / f"dt={day}" / name, target)
    (data / "landing" / "parking").mkdir()
    (data / "landing" / "incidents" / f"dt={again}" / "cases_v2.csv").write_text("case_id\n")
    assert materialize_range(again, again, progress=_quiet).success
    after = warehouse_fingerprint(data / "warehouse.duckdb")
    assert after["raw.incident_cases"][0] > world.fingerprint_after_second["raw.incident_cases"][0]
    assert _without_ingest_times(after, MARTS) == _without_ingest_times(world.fingerprint_after_second, MARTS)
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        flagged = dict(con.execute("select source_name, is_unknown_source or unexpected_files > 0 "
                                   "from marts.mart_source_freshness").fetchall())
    assert flagged["parking"] and flagged["incidents"] and not flagged["devices"]


def test_broken_deliveries_leave_the_warehouse_and_snapshot_as_they_were(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch)
    before = warehouse_fingerprint(data / "warehouse.duckdb")
    current = (data / "serving" / "CURRENT").read_text()
    day = pd.Timestamp(WORLD_END).date() + pd.Timedelta(days=1)
    folder = data / "landing" / "incidents" / f"dt={day}"
    folder.mkdir(parents=True)
    # a GBK export: the whole file is refused with a clear message
    header = (data / "landing" / "incidents" / f"dt={LATE_DAY}" / "cases.csv").read_text().splitlines()[0]
    (folder / "cases.csv").write_bytes((header + "\nC1,2026-03-02 08:00:00,walk_in,dispute,neighbour,G1,30.5,117.0,"
                                        "华茂小区,邻里纠纷,,,normal\n").encode("gbk"))
    result = materialize_range(day, day, progress=_quiet, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "not UTF-8" in error_text(failure.step_failure_data.error)
    assert warehouse_fingerprint(data / "warehouse.duckdb") == before
    assert (data / "serving" / "CURRENT").read_text() == current
    # a delivery with far too many broken rows: rows are quarantined, the blocking check stops the marts
    (folder / "cases.csv").unlink()
    counts = data / "landing" / "foot_traffic" / f"dt={day}" / "counts.csv"
    counts.parent.mkdir(parents=True)
    counts.write_text("counter_id,zone_id,ts,count_in,count_out\n" + "".join(
        f"HM1958-A-P1,HM1958-A,2026-03-02 {h:02d}:00:00,{'-1' if h % 2 else '10'},5\n" for h in range(24)))
    result = materialize_range(day, day, progress=_quiet, raise_on_error=False)
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
              and e.asset_check_evaluation_data.asset_key.path == ["raw", "foot_traffic_counts"]}
    assert checks == {"rows_reconcile": True, "quarantine_share": False}
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from quarantine.foot_traffic_counts where dt = ?",
                           [day]).fetchone()[0] == 12
    assert (data / "serving" / "CURRENT").read_text() == current


def test_dashboards_reading_during_publishes_never_fail(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch)
    from dashboards.data import _connect, current_snapshot

    expected = len(pd.read_parquet(data / "serving" / current_snapshot().version / "marts__fct_incidents.parquet"))
    errors, reads, done = [], [], threading.Event()

    def read_forever():
        while not done.is_set():
            try:
                snapshot = current_snapshot()
                with _connect(snapshot) as con:
                    reads.append(con.execute("select count(*) from fct_incidents").fetchone()[0])
            except Exception as exc:  # noqa: BLE001 — any failure is what this test looks for
                errors.append(repr(exc))

    readers = [threading.Thread(target=read_forever) for _ in range(3)]
    for reader in readers:
        reader.start()
    tables = [f"marts.{t}" for t in ("fct_incidents", "mart_grid_daily", "dim_grids", "dim_kpis")]
    for _ in range(6):
        publish_snapshot(Warehouse(path=str(data / "warehouse.duckdb")), data / "serving", tables)
        time.sleep(0.05)
    done.set()
    for reader in readers:
        reader.join()
    assert not errors
    assert len(reads) > 20 and set(reads) == {expected}


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_PSEUDONYM_KEY", PSEUDONYM_KEY)


def test_old_snapshots_are_pruned_only_when_no_reader_can_be_on_them(world, tmp_path, monkeypatch):
    data = _copy_world(world, tmp_path, monkeypatch)
    for published in (data / "serving").iterdir():   # the world's two, as if just published (a long run ages them)
        os.utime(published)
    tables = ["marts.dim_kpis"]
    for _ in range(5):
        publish_snapshot(Warehouse(path=str(data / "warehouse.duckdb")), data / "serving", tables)
    versions = sorted(p for p in (data / "serving").iterdir() if p.is_dir())
    assert len(versions) == 7   # two from the world, five new: all still young
    for old in versions:
        os.utime(old, (time.time() - 3600, time.time() - 3600))
    publish_snapshot(Warehouse(path=str(data / "warehouse.duckdb")), data / "serving", tables)
    remaining = sorted(p.name for p in (data / "serving").iterdir() if p.is_dir())
    assert len(remaining) == 3 and (data / "serving" / "CURRENT").read_text() == remaining[-1]

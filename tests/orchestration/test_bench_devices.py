"""The device benchmark on a tiny fleet (the hand-written landing of the device warehouse test) at 2×: the fleet
is copied under new ids, every figure it writes is there, and every telemetry row the floor loads is loaded,
quarantined or counted as a repeat by the product's ingest. No timed assertions."""

import json

import duckdb
import pytest

from orchestration import bench_devices
from tests.integration.test_device_warehouse import (
    ACTIONS_DAY1,
    DAY1,
    DAY2,
    REGISTRY,
    WELFARE_DAY1,
    _write,
    landing_rows,
)

pytestmark = pytest.mark.slow   # the ingest and two dbt builds, each in a process of its own

HEADER = "device_id,ts,event_type,value,code\n"


def _tiny_fleet(data_dir):
    landing = data_dir / "landing"
    day1, day2 = landing_rows()
    _write(landing, "devices", DAY1, "registry.csv", REGISTRY)
    _write(landing, "devices", DAY1, "telemetry.csv", HEADER + "\n".join(day1) + "\n")
    _write(landing, "devices", DAY2, "telemetry.csv", HEADER + "\n".join(day2) + "\n")
    _write(landing, "devices", DAY1, "alarm_actions.csv", ACTIONS_DAY1)
    _write(landing, "devices", DAY1, "welfare_outcomes.csv", WELFARE_DAY1)
    return len(day1) + len(day2)


def test_scaling_copies_the_fleet_under_new_ids(tmp_path):
    rows = _tiny_fleet(tmp_path / "base")
    written = bench_devices.scale_source(tmp_path / "base" / "landing" / "devices", tmp_path / "scaled", 3)
    assert written["telemetry.csv"] == 3 * rows and written["registry.csv"] == 3 * 7
    files = [str(p) for p in bench_devices.telemetry_files(tmp_path / "scaled")]
    con = duckdb.connect()
    ids = {d for (d,) in con.execute("select distinct device_id from read_csv(?, all_varchar = true)",
                                     [files]).fetchall()}
    assert {"SMOKE1", "SMOKE1-c1", "SMOKE1-c2", "GHOST-c2"} <= ids
    households = {h for (h,) in con.execute(
        "select distinct household_id from read_csv(?, all_varchar = true)",
        [str(tmp_path / "scaled" / "devices" / f"dt={DAY1}" / "welfare_outcomes.csv")]).fetchall()}
    assert households == {"H1", "H1-c1", "H1-c2"}


def test_the_benchmark_writes_every_figure_and_accounts_for_every_row(tmp_path):
    data_dir = tmp_path / "data"
    rows = _tiny_fleet(data_dir)
    path = bench_devices.run(tmp_path / "results", "test", data_dir, [2], progress=lambda _: None, work=tmp_path)
    results = json.loads(path.read_text(encoding="utf-8"))
    figures = results["devices"]["factors"]["2x"]
    assert results["devices"]["goal"] == {"factor": 100, "ratio": 3.0}
    assert figures["rows"] == 2 * rows == figures["floor_rows"] == figures["ingest"]["rows_in"]
    ingest = figures["ingest"]
    assert figures["floor_rows"] == ingest["rows_loaded"] + ingest["rows_quarantined"] + ingest["rows_deduplicated"]
    assert ingest["rows_loaded"] == ingest["raw_rows"] and ingest["rows_quarantined"] == ingest["quarantine_rows"]
    assert ingest["rows_quarantined"] == 2 * 4 and ingest["rows_deduplicated"] == 2 * 1
    for part in ("floor", "ingest", "marts"):
        assert figures[part]["seconds"] > 0 and figures[part]["rows_per_s"] > 0 and figures[part]["peak_rss_mib"] > 0
    assert figures["ratio"] > 0 and figures["marts_ratio"] > 0
    assert "2x" in bench_devices.table(results["devices"]["factors"])

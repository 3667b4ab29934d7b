"""The Dagster code location loads, validates, and holds the assets, pool and schedule it should."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from data_contracts.specs import CONTRACTS
from tests.conftest import REPO
from tests.orchestration.conftest import load_definitions as _defs

BIN = Path(sys.executable).parent


def test_asset_keys_snapshot():
    keys = {"/".join(k.path) for k in _defs().resolve_all_asset_keys()}
    assert {f"raw/{c.table}" for c in CONTRACTS} <= keys
    assert {"staging/stg_incidents__cases", "intermediate/int_case_events_aggregated", "marts/dim_grids",
            "marts/dim_date", "marts/fct_incidents", "marts/mart_grid_daily", "marts/mart_population_by_grid",
            "marts/mart_device_health", "marts/mart_foot_traffic_daily", "reference/categories",
            "intermediate/int_incidents_deduplicated", "marts/fct_incident_events", "marts/mart_scorecard",
            "serving/snapshot"} <= keys
    assert not any(k.startswith(("grids/", "incidents/")) for k in keys), "dbt sources must map onto raw/*"
    assert {"snapshots/snap_household_versions", "intermediate/int_household_versions", "marts/fct_residents",
            "marts/mart_population_daily", "marts/mart_household_visits", "marts/mart_grid_per_capita"} <= keys


def test_every_warehouse_writer_is_in_one_pool_and_ingest_is_daily():
    defs = _defs()
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if key.path[0] in ("raw", "staging", "marts", "serving"):
            assert node.assets_def.op.pool == "warehouse", key
        if key.path[0] == "raw" and key != dg.AssetKey(["raw", "calendar"]):   # the calendar is rewritten whole
            partitions = node.partitions_def
            assert isinstance(partitions, dg.DailyPartitionsDefinition) and partitions.timezone == "Asia/Shanghai"
            assert node.backfill_policy == dg.BackfillPolicy.single_run()


def test_daily_schedule():
    schedule = _defs().resolve_schedule_def("materialize_everything_schedule")
    assert schedule.cron_schedule == "30 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"


@pytest.mark.slow   # loads the code location in a `dagster` subprocess (`make validate`)
def test_dagster_definitions_validate():
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-m", "orchestration.definitions"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful" in result.stderr + result.stdout


@pytest.mark.slow   # a `dbt parse` subprocess
def test_dbt_parse():
    result = subprocess.run([str(BIN / "dbt"), "parse", "--profiles-dir", "."], cwd=REPO / "dbt_project",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]

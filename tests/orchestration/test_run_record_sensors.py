"""Runs that Dagster's daemon starts record how they ended, like the CLI's: the publish gate then refuses to
publish after a failed scheduled run (a CLI backtest publishing afterwards is the side door it closes)."""

import json

import dagster as dg
import duckdb
import pytest

from orchestration.defs.publish.sensors import record_failed_run, record_successful_run
from orchestration.defs.resources import Warehouse
from orchestration.serving import NotPublished, publish_gate, run_record


@dg.op
def build_marts():
    raise RuntimeError("Binder Error: column reported_on not found")


@dg.op
def fine() -> None:
    pass


def _ended(op, status: dg.DagsterRunStatus):
    """A run of a one-op job in a throwaway instance, and the sensor context for how it ended."""
    instance = dg.DagsterInstance.ephemeral()
    def graph() -> None:
        op()

    result = dg.job(name="materialize_everything")(graph).execute_in_process(instance=instance, raise_on_error=False)
    run = instance.get_run_by_id(result.run_id)
    assert run.status == status
    kind = dg.DagsterEventType.RUN_FAILURE if status == dg.DagsterRunStatus.FAILURE else dg.DagsterEventType.RUN_SUCCESS
    event = next(e for e in result.all_events if e.event_type == kind)
    context = dg.build_run_status_sensor_context(sensor_name="s", dagster_event=event, dagster_instance=instance,
                                                 dagster_run=run)
    return context.for_run_failure() if status == dg.DagsterRunStatus.FAILURE else context


def test_a_failed_daemon_run_is_recorded_and_closes_the_gate(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    warehouse = Warehouse()
    record_failed_run(_ended(build_marts, dg.DagsterRunStatus.FAILURE))
    last = json.loads(run_record(warehouse).read_text(encoding="utf-8"))
    assert (last["job"], last["success"]) == ("materialize_everything", False)
    assert last["failure"].startswith("build_marts: ") and "column reported_on not found" in last["failure"]
    with duckdb.connect() as con, pytest.raises(NotPublished, match="the last run .* failed: build_marts"):
        publish_gate(warehouse, con, full_run=False)
    record_successful_run(_ended(fine, dg.DagsterRunStatus.SUCCESS))
    assert json.loads(run_record(warehouse).read_text(encoding="utf-8"))["success"] is True


def test_the_sensors_run_with_the_daemon():
    from orchestration.definitions import defs

    sensors = {s.name: s for s in defs().sensors}
    assert {"record_successful_run", "record_failed_run"} <= set(sensors)
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())

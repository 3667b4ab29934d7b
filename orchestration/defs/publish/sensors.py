"""How a run that Dagster's daemon or UI started ended, in the same record the CLI's in-process runs write
(serving.record_run), so the publish gate sees it: after a failed scheduled run, a CLI backtest does not
publish the half-built warehouse either."""

import dagster as dg

from orchestration.defs.publish.schedules import materialize_everything
from orchestration.defs.resources import Warehouse
from orchestration.runner import SNAPSHOT_STEP, error_text
from orchestration.serving import record_run

RECORDED_JOBS = [materialize_everything]


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=RECORDED_JOBS,
                      default_status=dg.DefaultSensorStatus.RUNNING)
def record_successful_run(context: dg.RunStatusSensorContext) -> None:
    record_run(Warehouse(), context.dagster_run.job_name, True)


@dg.run_failure_sensor(monitored_jobs=RECORDED_JOBS, default_status=dg.DefaultSensorStatus.RUNNING)
def record_failed_run(context: dg.RunFailureSensorContext) -> None:
    steps = context.get_step_failure_events()
    if steps and steps[0].step_key == SNAPSHOT_STEP:   # the gate refused: the warehouse is as it was
        return
    why = (f"{steps[0].step_key}: {error_text(steps[0].step_failure_data.error).split(' ← ')[-1]}" if steps
           else (context.failure_event.message or "the run failed").splitlines()[0])
    record_run(Warehouse(), context.dagster_run.job_name, False, why)

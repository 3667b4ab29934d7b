"""Materialize everything for a range of days in one in-process Dagster run, with progress lines.

Bulk runs use an in-memory Dagster instance: a two-year range writes tens of thousands of
per-partition events, which the on-disk SQLite event log takes minutes to store. The warehouse and
the serving snapshot are the durable result; the daily schedule under `dagster dev` / the daemon
records its runs in data/dagster_home as usual.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import dagster as dg

from gridsight.settings import Paths

# Log lines worth showing as progress: our assets' own lines and dbt's summary.
PROGRESS_PREFIXES = ("ingest ", "published ", "Done. PASS=")
SNAPSHOT, SNAPSHOT_STEP = ["serving", "snapshot"], "serving__snapshot"


def error_text(error) -> str:
    """The messages of a Dagster error and its causes, innermost last (ours say what to fix)."""
    parts = []
    while error is not None:
        parts.append(error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name)
        error = error.cause
    return " ← ".join(parts)


def check_failure_text(evaluation) -> str:
    """One line for a failed asset check: our ingest checks say source, check, share and top reasons."""
    if evaluation.description:
        return evaluation.description.strip().splitlines()[0]
    return f"{evaluation.check_name} failed on {'/'.join(evaluation.asset_key.path)}"


def blocked_by(result: dg.ExecuteInProcessResult) -> list[str]:
    """The failed blocking (ERROR) checks of a run, one line each, in the order they were evaluated."""
    lines = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                lines.append(check_failure_text(evaluation))
    return lines


CHECK_FAILED = "DagsterAssetCheckFailedError"


def _progress_logger(emit: Callable[[str], None]) -> dg.LoggerDefinition:
    started = time.monotonic()

    @dg.logger
    def progress(_init_context):
        import logging

        class Emit(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                meta = getattr(record, "dagster_meta", {}) or {}
                event = meta.get("dagster_event")
                message = meta.get("orig_message", record.getMessage())
                stamp = f"[{time.monotonic() - started:6.1f}s]"
                if event is not None and event.event_type_value == "STEP_SUCCESS":
                    emit(f"{stamp} {meta.get('step_key')}: done")
                elif event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION":
                    evaluation = event.asset_check_evaluation_data
                    if not evaluation.passed:
                        emit(f"{stamp} {check_failure_text(evaluation)}")
                elif event is not None and event.event_type_value == "STEP_FAILURE":
                    error = event.step_failure_data.error
                    if error is not None and error.cls_name == CHECK_FAILED:   # the check said why, above
                        emit(f"{stamp} {meta.get('step_key')}: stopped by its blocking check; "
                             "nothing downstream of it is rebuilt")
                    else:
                        emit(f"{stamp} {meta.get('step_key')}: FAILED — {error_text(error)}")
                elif event is None and message.startswith(PROGRESS_PREFIXES):
                    emit(f"{stamp} {message}")

        log = logging.getLogger("gridsight.progress")
        log.handlers = [Emit()]
        log.setLevel(logging.DEBUG)  # step events are logged at DEBUG; the handler picks what to show
        log.propagate = False
        return log

    return progress


def _file_logger(path) -> dg.LoggerDefinition:
    """Every log line of the run (ours, Dagster's and dbt's) to a file under data/logs, for operators."""

    @dg.logger
    def run_file(_init_context):
        import logging

        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log = logging.getLogger(f"gridsight.run.{path.stem}")
        log.handlers = [handler]
        log.setLevel(logging.DEBUG)
        log.propagate = False
        return log

    return run_file


def _execute(job: dg.JobDefinition, progress: Callable[[str], None], raise_on_error: bool,
             what: str, tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """Run `job` in-process with progress lines and a log file, and record how it ended (serving.record_run)."""
    paths = Paths.from_env()
    paths.root.mkdir(parents=True, exist_ok=True)
    log_file = paths.logs / f"run-{dt.datetime.now():%Y%m%dT%H%M%S%f}.log"
    job = job.with_logger_defs({"progress": _progress_logger(progress), "run_file": _file_logger(log_file)})
    progress(f"{what} (log: {log_file})")
    try:
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=raise_on_error,
                                        run_config={"loggers": {"progress": {}, "run_file": {}}}, tags=tags)
    except Exception as error:
        _record(job.name, False, str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
        raise
    why = failure(result)
    if why is None or not why.startswith(SNAPSHOT_STEP):   # a refusal by the gate leaves the warehouse as it was
        _record(job.name, result.success, why)
    return result


def materialize_range(start: dt.date, end: dt.date, progress: Callable[[str], None] = print,
                      raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    """Ingest every source for start..end, build dbt and publish one snapshot, as a single run."""
    from orchestration.definitions import defs

    return _execute(defs().resolve_job_def("materialize_everything"), progress, raise_on_error,
                    f"materializing {start} … {end} into {Paths.from_env().warehouse}",
                    tags={"dagster/asset_partition_range_start": f"{start:%Y-%m-%d}",
                          "dagster/asset_partition_range_end": f"{end:%Y-%m-%d}"})


def failure(result: dg.ExecuteInProcessResult) -> str | None:
    """`step: innermost message` of a run's first failed step (None when it succeeded); a step stopped by a
    blocking check is named by the check's own line (source, check, share, top reasons)."""
    event = next((e for e in result.all_events if e.event_type_value == "STEP_FAILURE"), None)
    if event is None:
        return None
    error = event.step_failure_data.error
    if error is not None and error.cls_name == CHECK_FAILED and blocked_by(result):
        return blocked_by(result)[0]
    return f"{event.step_key}: {error_text(error).split(' ← ')[-1]}"


def _record(job: str, success: bool, why: str | None) -> None:
    from orchestration.defs.resources import Warehouse
    from orchestration.serving import record_run

    record_run(Warehouse(), job, success, why)


def publish_ml_marts(progress: Callable[[str], None] = print) -> str:
    """Rebuild the marts over the ml.* tables and publish, as one Dagster run through the pipeline's own
    publish step (a CLI backtest's way to the pages): a failing dbt step or blocking check stops it before
    publish, and the gate (orchestration/serving.py) refuses a warehouse whose last run failed. Returns
    the snapshot version; raises NotPublished with the reason, CURRENT left as it was."""
    from orchestration.definitions import defs
    from orchestration.defs.transform.assets import gridsight_dbt_ml
    from orchestration.serving import NotPublished

    definitions = defs()
    job = dg.define_asset_job("publish_ml_marts", selection=dg.AssetSelection.assets(gridsight_dbt_ml, SNAPSHOT))
    job = dg.Definitions(assets=definitions.assets, resources=definitions.resources, jobs=[job]).resolve_job_def(
        "publish_ml_marts")
    result = _execute(job, progress, False, f"rebuilding the ml marts and publishing from {Paths.from_env().warehouse}")
    if not result.success:   # the gate's own words, or the step that failed and why
        raise NotPublished(failure(result).removeprefix(f"{SNAPSHOT_STEP}: {NotPublished.__module__}.NotPublished: "))
    snapshot = next(m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey(SNAPSHOT))
    return snapshot.materialization.metadata["version"].value

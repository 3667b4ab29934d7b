"""Materialize everything for a range of days in one in-process Dagster run, with progress lines.

The run is recorded in the instance under data/dagster_home, so `dagster dev` shows it afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable

import dagster as dg

from orchestration.settings import Paths

DAGSTER_YAML = """\
# gridsight: one writer at a time for the warehouse pool (DuckDB has a single writer).
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


# Log lines worth showing as progress: our assets' own lines and dbt's summary.
PROGRESS_PREFIXES = ("ingest ", "published ", "Done. PASS=")


def prepare_instance(paths: Paths) -> dg.DagsterInstance:
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    config = paths.dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return dg.DagsterInstance.get()


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
                if event is not None and event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                    status = "done" if event.event_type_value == "STEP_SUCCESS" else "FAILED"
                    emit(f"[{time.monotonic() - started:6.1f}s] {meta.get('step_key')}: {status}")
                elif event is None and message.startswith(PROGRESS_PREFIXES):
                    emit(f"[{time.monotonic() - started:6.1f}s] {message}")

        log = logging.getLogger("gridsight.progress")
        log.handlers = [Emit()]
        log.setLevel(logging.INFO)
        log.propagate = False
        return log

    return progress


def materialize_range(start: dt.date, end: dt.date, progress: Callable[[str], None] = print,
                      raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    """Ingest every source for start..end, build dbt and publish one snapshot, as a single run."""
    from orchestration.definitions import defs

    paths = Paths.from_env()
    instance = prepare_instance(paths)
    job = defs().resolve_job_def("materialize_everything")
    job = job.with_logger_defs({"progress": _progress_logger(progress)})
    progress(f"materializing {start} … {end} into {paths.warehouse}")
    return job.execute_in_process(
        instance=instance, raise_on_error=raise_on_error, run_config={"loggers": {"progress": {}}},
        tags={"dagster/asset_partition_range_start": f"{start:%Y-%m-%d}",
              "dagster/asset_partition_range_end": f"{end:%Y-%m-%d}"})

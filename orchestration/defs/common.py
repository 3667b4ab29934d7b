"""What every area shares: the daily partitions, the single-run backfill policy, the one pool for
warehouse writers, how a model asset skips a run that has too little data, when a saved model is
out of date, and the weekly job that retrains one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import dagster as dg

from gridsight.settings import PARTITIONS_START, TIMEZONE
from orchestration.ml_store import SavedModel

DAILY = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone=TIMEZONE)
SINGLE_RUN = dg.BackfillPolicy.single_run()
WAREHOUSE_POOL = "warehouse"  # DuckDB has one writer: every asset that writes the warehouse runs in it


def partition_days(context: dg.AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the partitions this run materializes."""
    window = context.partition_time_window
    return window.start.date(), (window.end - dt.timedelta(days=1)).date()


def skipped(context: dg.AssetExecutionContext, reason: str) -> dg.MaterializeResult:
    """Too little data is no failure of the daily run: a model asset says why and leaves its tables as
    they are."""
    context.log.warning(reason)
    return dg.MaterializeResult(metadata={"skipped": reason})


class ModelTraining(dg.Config):
    retrain: bool = False   # the weekly schedule sets it; a daily run trains only when the model is out of date


def weekly_training(name: str, assets: list[dg.AssetsDefinition], model_op: str, cron_schedule: str,
                    description: str) -> tuple[dg.UnresolvedAssetJobDefinition, dg.ScheduleDefinition]:
    """The job `name` that retrains a model (its asset `model_op` with retrain on) and rebuilds everything
    downstream of the area's `assets`, and its schedule `<name>_schedule` in the district's time zone."""
    job = dg.define_asset_job(name, selection=dg.AssetSelection.assets(*assets).downstream(),
                              config={"ops": {model_op: {"config": {"retrain": True}}}}, description=description)
    schedule = dg.ScheduleDefinition(name=f"{name}_schedule", job=job, cron_schedule=cron_schedule,
                                     execution_timezone=TIMEZONE)
    return job, schedule


def out_of_date(saved: SavedModel | None, data_through: dt.date, *, design: int | None = None,
                max_lag_days: int | None = None, known: dict[str, Collection[str]] | None = None,
                fingerprint: tuple[str, Callable[[dict], object]] | None = None) -> str | None:
    """Why a saved model must be retrained before it scores data that end on `data_through`, or None
    when it is current. A model is out of date when there is none; when it was trained through a later
    day than the data (another world's model); when it is of an earlier `design`; when it is
    `max_lag_days` or more behind the data; when the data hold units its info does not list under a
    `known` key (e.g. new zones); or when `fingerprint` = (info key, function of the info) differs from
    the one saved, i.e. a late or corrected delivery changed the history it was trained on."""
    if saved is None:
        return "no model has been trained yet"
    info = saved.info
    trained_through = dt.date.fromisoformat(info["train_end"])
    if trained_through > data_through:
        return f"model {saved.version} was trained through {trained_through}, after these data end ({data_through})"
    if design is not None and info.get("design") != design:
        return f"model {saved.version} is of design {info.get('design')}, not the current {design}"
    if max_lag_days is not None and trained_through <= data_through - dt.timedelta(days=max_lag_days):
        return f"model {saved.version} was trained through {trained_through}, {max_lag_days}+ days behind the data"
    for key, units in (known or {}).items():
        if not set(units) <= set(info.get(key, [])):
            return f"model {saved.version} does not know every {key.rstrip('s')} of these data"
    if fingerprint is not None:
        key, current = fingerprint
        if info.get(key) != current(info):
            return f"a late or corrected delivery changed the history model {saved.version} was trained on"
    return None

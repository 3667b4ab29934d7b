"""Versioned Parquet serving snapshots with an atomically swapped CURRENT pointer.

A snapshot holds exactly the dbt models that declare an access scope in their yml
(`config: meta: access`, see orchestration/dbt_catalog.py), nothing else: model outputs reach the
pages through the ml marts built on them, and a table nobody declared is never published.

Layout: serving/<version>/<schema>__<table>.parquet, serving/<version>/manifest.json (row counts, the
period, and each table's declared access, which dashboards/data.py enforces), serving/CURRENT (the version
name). Dashboards read only this folder, so a running pipeline never blocks a page: a
reader sees the old snapshot or the new one, never a half-written one. `publish_gate` decides whether
CURRENT may move at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.dbt_catalog import published_marts

if TYPE_CHECKING:
    from orchestration.defs.resources import Warehouse

KEEP_VERSIONS = 3
# A snapshot is removed only when it is old enough that no page can still be reading it.
PRUNE_AFTER_SECONDS = 15 * 60


class NotPublished(RuntimeError):
    """The warehouse is not fit to publish; the message says why in one line."""


def run_record(warehouse: Warehouse) -> Path:
    """Where orchestration/runner.py records how the last in-process run on this warehouse ended."""
    return warehouse.file.with_name("last_run.json")


def record_run(warehouse: Warehouse, job: str, success: bool, failure: str | None = None) -> None:
    warehouse.file.parent.mkdir(parents=True, exist_ok=True)
    run_record(warehouse).write_text(json.dumps({
        "job": job, "success": success, "failure": failure,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}), encoding="utf-8")


def publish_gate(warehouse: Warehouse, con, full_run: bool) -> None:
    """The one gate before CURRENT moves: the last run succeeded (unless this is a full run, which Dagster
    reaches publish in only when every step of it succeeded), and the data period lies within the landed days."""
    record = run_record(warehouse)
    last = json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
    if not full_run and last and not last["success"]:
        raise NotPublished(f"the last run ({last['job']}, {last['finished_at']}) failed: {last['failure']}; "
                           "fix it and run `gridsight materialize` first")
    try:
        first, last_day, landed = con.execute("""
            select p.first_day, p.last_day, (select max(dt) from meta.ingest_log where rows_loaded > 0)
            from marts.mart_data_period as p""").fetchone()
    except duckdb.CatalogException:
        raise NotPublished("the warehouse has no built marts: run `gridsight materialize` first") from None
    if first is None or landed is None or last_day > landed:
        raise NotPublished(f"the warehouse's data period {first} … {last_day} is not within the landed days "
                           f"(last: {landed}); fix the landing files and run `gridsight materialize` again")


def publish_snapshot(warehouse: Warehouse, serving: Path, tables: list[str] | None = None,
                     full_run: bool = False) -> dict:
    """Copy the declared marts (or `tables`, a subset of them) to a new snapshot folder, then point
    CURRENT at it; raises NotPublished, leaving CURRENT as it was, when publish_gate refuses."""
    declared = published_marts()
    tables = list(declared) if tables is None else tables
    undeclared = sorted(set(tables) - set(declared))
    if undeclared:
        raise ValueError(f"not published, no `config: meta: access` in their yml: {', '.join(undeclared)}")
    # Names sort in publishing order (microseconds), with a random tail against clashes.
    version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"
    target = serving / version
    manifest = {"version": version, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "tables": {}, "access": {}}
    with warehouse.connect(read_only=True) as con:
        publish_gate(warehouse, con, full_run)
        target.mkdir(parents=True)
        for qualified in tables:
            name = qualified.replace(".", "__")
            path = target / f"{name}.parquet"
            con.execute(f"copy (select * from {qualified}) to '{path}' (format parquet, compression zstd)")
            manifest["tables"][name] = con.execute(f"select count(*) from {qualified}").fetchone()[0]
            manifest["access"][name] = declared[qualified]
        period = con.execute("select first_day, as_of_day, last_day from marts.mart_data_period").fetchone()
    # as_of: the last report (the pages' periods end there); first_day … last_day: what a range may cover
    manifest["first_day"], manifest["as_of"], manifest["last_day"] = (d.isoformat() if d else None for d in period)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    pointer = serving / f".CURRENT.{version}"
    pointer.write_text(version, encoding="utf-8")
    os.replace(pointer, serving / "CURRENT")
    _prune(serving, keep=version)
    return manifest


def _prune(serving: Path, keep: str) -> None:
    """Remove old snapshots: beyond the newest few, and only once no reader can still be on them."""
    versions = sorted(p for p in serving.iterdir() if p.is_dir())
    now = time.time()
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != keep and now - old.stat().st_mtime > PRUNE_AFTER_SECONDS:
            shutil.rmtree(old, ignore_errors=True)

"""Read-only access to the current serving snapshot. The only module of the dashboards that touches data.

Each query runs on an in-memory DuckDB whose file access is limited to the snapshot folder, with
parameters bound (never formatted into SQL). Results are cached per snapshot version and query, so a
new snapshot is picked up on the next page load.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

REPO = Path(__file__).resolve().parents[1]


def serving_dir() -> Path:
    root = Path(os.environ.get("GRIDSIGHT_DATA_DIR", REPO / "data")).resolve()
    return root / "serving"


@dataclass(frozen=True)
class Snapshot:
    version: str
    folder: Path
    as_of: str
    first_day: str
    tables: tuple[str, ...]


def current_snapshot() -> Snapshot | None:
    """The snapshot CURRENT points at, or None before the first publish."""
    serving = serving_dir()
    pointer = serving / "CURRENT"
    if not pointer.exists():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    manifest = json.loads((serving / version / "manifest.json").read_text(encoding="utf-8"))
    return Snapshot(version, serving / version, manifest["as_of"], manifest["first_day"],
                    tuple(manifest["tables"]))


def _connect(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("set allowed_directories = [?]", [str(snapshot.folder) + "/"])
    con.execute("set enable_external_access = false")
    for table in snapshot.tables:
        name = table.split("__", 1)[1]
        con.execute(f"create view {name} as select * from read_parquet('{snapshot.folder / table}.parquet')")
    return con


@st.cache_data(show_spinner=False, max_entries=256)
def _query(version: str, folder: str, tables: tuple[str, ...], sql: str, params: tuple) -> pd.DataFrame:
    snapshot = Snapshot(version, Path(folder), "", "", tables)
    with _connect(snapshot) as con:
        return con.execute(sql, list(params)).df()


def query(snapshot: Snapshot, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query on the snapshot (tables are named without their schema prefix)."""
    return _query(snapshot.version, str(snapshot.folder), snapshot.tables, sql, tuple(params))

"""Read-only access to the current serving snapshot. The only module of the dashboards that touches data.

Each query runs on an in-memory DuckDB whose file access is limited to the snapshot folder, with
parameters bound (never formatted into SQL). Results are cached per snapshot version, access and query,
so a new snapshot is picked up on the next page load.

Access (dashboards/access.py) is applied here, before caching: for a user with a scope, every table
with a grid_id column is a view of the rows in the scope's grids (and dim_grids also keeps their
ancestors, so names up the hierarchy resolve); household-level tables exist only for roles that may
view households. Pages cannot query around it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from gridsight.settings import Paths


def serving_dir() -> Path:
    return Paths.from_env().serving


@dataclass(frozen=True)
class Snapshot:
    version: str
    folder: Path
    as_of: str
    first_day: str
    tables: tuple[str, ...]

    def period(self, days: int) -> tuple[dt.date, dt.date]:
        """The `days` days up to the snapshot's last day, or all its days when `days` is 0."""
        end = dt.date.fromisoformat(self.as_of)
        if not days:
            return dt.date.fromisoformat(self.first_day or self.as_of), end
        return end - dt.timedelta(days=days - 1), end


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


@dataclass(frozen=True)
class Access:
    """What a query may see: the scope's area ids (None = everything) and whether household-level tables exist."""
    scope: tuple[str, ...] | None = None
    households: bool = False


FULL_ACCESS = Access(None, True)   # the pipeline's own readers (tests, publish checks), never a page


def access_of(user) -> Access:
    return Access(user.scope, user.can("view_households"))


def has_table(snapshot: Snapshot, table: str) -> bool:
    """Whether the snapshot publishes `table` (snapshots published before a mart existed lack it)."""
    return any(name.split("__", 1)[-1] == table for name in snapshot.tables)


def _connect(snapshot: Snapshot, access: Access = FULL_ACCESS) -> duckdb.DuckDBPyConnection:
    from dashboards.access import HOUSEHOLD_TABLES

    con = duckdb.connect(":memory:")
    con.execute("set allowed_directories = [?]", [str(snapshot.folder) + "/"])
    con.execute("set enable_external_access = false")
    files = {table.split("__", 1)[1]: f"read_parquet('{snapshot.folder / table}.parquet')" for table in snapshot.tables}
    if access.scope is not None and "dim_grids" in files:
        con.execute(f"""create temp table _visible as select grid_id from {files['dim_grids']}
                        where list_has_any([grid_id, district_id, street_id, community_id, l3_grid_id],
                                           ?::varchar[])""", [list(access.scope)])
    for name, source in files.items():
        if name in HOUSEHOLD_TABLES and not access.households:
            continue
        columns = {c for (c,) in con.execute(f"select column_name from (describe select * from {source})").fetchall()}
        where = ""
        if access.scope is not None and name == "dim_grids":
            where = (" where grid_id in (select grid_id from _visible) or grid_id in (select unnest(["
                     "district_id, street_id, community_id, l3_grid_id]) from "
                     f"{source} where grid_id in (select grid_id from _visible))")
        elif access.scope is not None and "grid_id" in columns:
            where = " where grid_id in (select grid_id from _visible)"
        con.execute(f"create view {name} as select * from {source}{where}")
    return con


@st.cache_data(show_spinner=False, max_entries=256)
def _query(version: str, folder: str, tables: tuple[str, ...], access: Access, sql: str, params: tuple
           ) -> pd.DataFrame:
    snapshot = Snapshot(version, Path(folder), "", "", tables)
    with _connect(snapshot, access) as con:
        return con.execute(sql, list(params)).df()


def query(snapshot: Snapshot, sql: str, params: tuple = (), access: Access | None = None) -> pd.DataFrame:
    """Run a read-only query on the snapshot (tables are named without their schema prefix), as the
    signed-in user sees it (their scope and role), unless `access` says otherwise."""
    if access is None:
        from dashboards.access import current_user

        access = access_of(current_user())
    return _query(snapshot.version, str(snapshot.folder), snapshot.tables, access, sql, tuple(params))

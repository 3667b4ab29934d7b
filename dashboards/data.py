"""Read-only access to the current serving snapshot. The only module of the dashboards that touches data.

Each query runs on an in-memory DuckDB whose file access is limited to the snapshot folder, with
parameters bound (never formatted into SQL). Results are cached per snapshot version, access and query,
so a new snapshot is picked up on the next page load.

Access (dashboards/access.py) is applied here, before caching, as each table declares it in its dbt yml
(`config: meta: access`, carried by the snapshot's manifest). For a user with a scope (the areas they may
see and every area inside them):
- by_grid, households: the rows of visible grids (dim_grids also keeps their ancestors, so names up the
  hierarchy resolve); household tables exist only for roles that may view households;
- by_area: the rows whose (area_level, area_id) is a visible area;
- by_zone: the zones whose grid (dim_zones.grid_id) is visible;
- district: every row, for everyone.
A table the manifest declares no known access for is not there at all, for anyone. Pages cannot query
around it.
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
    access: tuple[tuple[str, str], ...] = ()   # (table, declared access) pairs from the manifest
    last_day: str | None = None   # the last day with any data (as_of is the last report); older snapshots: as_of

    def period(self, days: int) -> tuple[dt.date, dt.date]:
        """The `days` days up to the snapshot's as-of day (the last report), or all its days when `days` is 0."""
        end = dt.date.fromisoformat(self.as_of)
        if not days:
            return self.bounds()
        return end - dt.timedelta(days=days - 1), end

    def bounds(self) -> tuple[dt.date, dt.date]:
        """The first and last day with data: the range a date picker may cover."""
        end = dt.date.fromisoformat(self.last_day or self.as_of)
        return dt.date.fromisoformat(self.first_day or self.as_of), end


def current_snapshot() -> Snapshot | None:
    """The snapshot CURRENT points at, or None before the first publish."""
    serving = serving_dir()
    pointer = serving / "CURRENT"
    if not pointer.exists():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    manifest = json.loads((serving / version / "manifest.json").read_text(encoding="utf-8"))
    return Snapshot(version, serving / version, manifest["as_of"], manifest["first_day"],
                    tuple(manifest["tables"]), tuple(sorted(manifest.get("access", {}).items())),
                    manifest.get("last_day"))


@dataclass(frozen=True)
class Access:
    """What a query may see: the scope's area ids (None = everything, () = nothing) and whether
    household-level tables exist."""
    scope: tuple[str, ...] | None = None
    households: bool = False


FULL_ACCESS = Access(None, True)   # the pipeline's own readers (tests, publish checks), never a page


def access_of(user) -> Access:
    return Access(user.scope, user.can("view_households"))


def has_table(snapshot: Snapshot, table: str) -> bool:
    """Whether the snapshot publishes `table` with a declared access (snapshots published before a mart
    existed lack it)."""
    return any(name.split("__", 1)[-1] == table and scope in SCOPED_ROWS for name, scope in snapshot.access)


# The rows of a table with this declared access that a user with a scope sees (None: every row).
SCOPED_ROWS = {
    "by_grid": "grid_id in (select grid_id from _visible)",
    "households": "grid_id in (select grid_id from _visible)",
    "by_area": "exists (select 1 from _visible as v where v.level = area_level and v.grid_id = area_id)",
    "by_zone": "zone_id in (select zone_id from _visible_zones)",
    "district": None,
}


def _connect(snapshot: Snapshot, access: Access = FULL_ACCESS) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("set allowed_directories = [?]", [str(snapshot.folder) + "/"])
    con.execute("set enable_external_access = false")
    declared = dict(snapshot.access)
    files = {table.split("__", 1)[1]: (f"read_parquet('{snapshot.folder / table}.parquet')", declared.get(table))
             for table in snapshot.tables}
    if access.scope is not None:
        grids, zones = files.get("dim_grids", (None,))[0], files.get("dim_zones", (None,))[0]
        con.execute("create temp table _visible (grid_id varchar, level varchar)")
        con.execute("create temp table _visible_zones (zone_id varchar)")
        if grids:
            con.execute(f"""insert into _visible select grid_id, level from {grids}
                            where list_has_any([grid_id, district_id, street_id, community_id, l3_grid_id],
                                               ?::varchar[])""", [list(access.scope)])
        if zones:
            con.execute(f"insert into _visible_zones select zone_id from {zones} "
                        "where grid_id in (select grid_id from _visible)")
    for name, (source, scope) in files.items():
        if scope not in SCOPED_ROWS or (scope == "households" and not access.households):
            continue   # fails closed: undeclared, unknown, or households for a role that may not see them
        where = SCOPED_ROWS[scope] if access.scope is not None else None
        if where and name == "dim_grids":
            where = (f"{where} or grid_id in (select unnest([district_id, street_id, community_id, l3_grid_id]) "
                     f"from {source} where grid_id in (select grid_id from _visible))")
        con.execute(f"create view {name} as select * from {source}{f' where {where}' if where else ''}")
    return con


@st.cache_data(show_spinner=False, max_entries=256)
def _query(version: str, folder: str, tables: tuple[str, ...], declared: tuple[tuple[str, str], ...],
           access: Access, sql: str, params: tuple) -> pd.DataFrame:
    snapshot = Snapshot(version, Path(folder), "", "", tables, declared)
    with _connect(snapshot, access) as con:
        return con.execute(sql, list(params)).df()


def query(snapshot: Snapshot, sql: str, params: tuple = (), access: Access | None = None) -> pd.DataFrame:
    """Run a read-only query on the snapshot (tables are named without their schema prefix), as the
    signed-in user sees it (their scope and role), unless `access` says otherwise."""
    if access is None:
        from dashboards.access import current_user

        access = access_of(current_user())
    return _query(snapshot.version, str(snapshot.folder), snapshot.tables, snapshot.access, access, sql,
                  tuple(params))

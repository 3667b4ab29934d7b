"""Landing files → DuckDB raw.* and quarantine.*, idempotent per (table, day).

For each file contract of a source, every landing file in the day range is read and checked first;
then one transaction replaces those days in raw.<table>, quarantine.<table> and meta.ingest_log.
A file that breaks its contract as a whole raises ContractError and nothing of the range is written.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from data_contracts.codes import CodeError, CodeLists
from data_contracts.specs import SOURCES, FileContract, contracts_for
from data_contracts.validate import ContractError, check, known_devices, known_grid_ids, read_landing_rows

LOG = logging.getLogger(__name__)

if TYPE_CHECKING:
    from orchestration.defs.resources import Warehouse

META_DDL = """
create schema if not exists raw;
create schema if not exists quarantine;
create schema if not exists meta;
create table if not exists meta.landing_files (
    source varchar, dt date, file varchar, bytes bigint, expected boolean, scanned_at timestamp);
create table if not exists meta.ingest_log (
    source varchar, table_name varchar, dt date, file varchar,
    rows_in bigint, rows_loaded bigint, rows_quarantined bigint, ingested_at timestamp,
    primary key (table_name, dt));
alter table meta.ingest_log add column if not exists rows_deduplicated bigint default 0;
"""


@dataclass(frozen=True)
class TableLoad:
    table: str
    files: int
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    per_file_reconciled: bool = True
    rows_deduplicated: int = 0   # repeats of the same message (rows in = loaded + quarantined + de-duplicated)
    reasons: tuple[tuple[str, int], ...] = ()   # ("rule:column", rows quarantined), most rows first

    @property
    def reconciled(self) -> bool:
        return self.per_file_reconciled and (
            self.rows_in == self.rows_loaded + self.rows_quarantined + self.rows_deduplicated)


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: FileContract) -> None:
    con.execute(META_DDL)
    cols = ", ".join(f'"{name}" {kind}' for name, kind in contract.warehouse_columns())
    con.execute(f"create table if not exists raw.{contract.table} "
                f"(dt date, _file varchar, _row bigint, {cols}, _ingested_at timestamp)")
    for name, kind in contract.warehouse_columns():   # columns a later contract added
        con.execute(f'alter table raw.{contract.table} add column if not exists "{name}" {kind}')
    con.execute(f"create table if not exists quarantine.{contract.table} (dt date, _file varchar, _row bigint, "
                "rule varchar, column_name varchar, original varchar, _ingested_at timestamp)")


def case_event_starts(events: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    """Each case's earliest workflow event time among these landing rows (the reference a case's reported_at
    must not be after)."""
    if events is None or events.empty:
        return {}
    at = pd.to_datetime(events["at"], errors="coerce", format="ISO8601")
    return at.groupby(events["case_id"]).min().dropna().to_dict()


def _references(landing: Path, contract: FileContract, read: dict[str, pd.DataFrame | None]) -> dict | None:
    """What rows are checked against besides themselves: known grids, and each case's workflow events among
    the files read (`read`: the range's rows of every contract of the source)."""
    references = {}
    if "grid" in {c.reference for c in contract.columns if c.reference}:
        references["grid"] = known_grid_ids(landing)
    if "device" in {c.reference for c in contract.columns if c.reference}:
        devices = known_devices(landing)
        references["device"] = set(devices)
        references["device_types"] = devices
    if any(c.case_start for c in contract.columns):
        events = next((c for c in contracts_for(contract.source) if any(col.case_start_event for col in c.columns)),
                      None)
        references["case_events"] = case_event_starts(read.get(events.table) if events else None)
    return references or None


def _read_files(landing: Path, contract: FileContract, days: Iterable[dt.date]) -> pd.DataFrame | None:
    """Every landing file of the contract in the range, as one frame with its day, file and row number (None
    when there is none). A file that breaks the contract as a whole raises ContractError."""
    rows, where = [], []
    for day in days:
        path = landing / contract.source / f"dt={day:%Y-%m-%d}" / contract.filename
        if path.exists():
            file_rows = read_landing_rows(path, contract)
            rows.extend(file_rows)
            where.append((day, str(path.relative_to(landing)), len(file_rows)))
    if not where:
        return None
    frame = pd.DataFrame(rows, columns=list(contract.names), dtype=object)
    sizes = [n for *_, n in where]
    frame["dt"] = np.repeat([day for day, *_ in where], sizes)
    frame["_file"] = np.repeat([file for _, file, _ in where], sizes)
    frame["_row"] = np.concatenate([np.arange(1, n + 1) for n in sizes])
    return frame


def _check_range(landing: Path, contract: FileContract, frame: pd.DataFrame | None, key: bytes,
                 read: dict[str, pd.DataFrame | None]):
    """Check all rows of the range at once, and count them per file."""
    if frame is None:
        return None, []
    checked = check(frame, contract, key, _references(landing, contract, read))
    per_file = frame[["dt", "_file"]].assign(rows_in=1).groupby(["dt", "_file"]).sum()
    per_file["rows_loaded"] = checked.loaded.groupby(["dt", "_file"]).size()
    per_file["rows_quarantined"] = checked.quarantined.groupby(["dt", "_file"]).size()
    per_file["rows_deduplicated"] = (checked.deduplicated.groupby(["dt", "_file"]).size()
                                     if checked.rows_deduplicated else 0)
    per_file = per_file.fillna(0).astype(int).reset_index().rename(columns={"_file": "file"})
    log = per_file.assign(source=contract.source, table_name=contract.table).to_dict("records")
    return checked, log


def scan_landing(landing: Path, source: str) -> pd.DataFrame:
    """Every file under landing/<source>/, and whether a contract expects it; plus any landing folder
    that is not a known source (so a misnamed delivery is reported, not silently ignored)."""
    expected_names = {c.filename for c in contracts_for(source)}
    rows = []
    for path in sorted((landing / source).glob("dt=*/*")):
        try:
            day = dt.date.fromisoformat(path.parent.name.removeprefix("dt="))
        except ValueError:
            day = None
        rows.append({"source": source, "dt": day, "file": str(path.relative_to(landing)),
                     "bytes": path.stat().st_size, "expected": day is not None and path.name in expected_names})
    unknown = [p for p in landing.iterdir() if p.is_dir() and p.name not in SOURCES] if landing.exists() else []
    for folder in sorted(unknown):
        rows.append({"source": folder.name, "dt": None, "file": str(folder.relative_to(landing)), "bytes": None,
                     "expected": False})
    return pd.DataFrame(rows, columns=["source", "dt", "file", "bytes", "expected"])


def _record_landing(con: duckdb.DuckDBPyConnection, landing: Path, source: str) -> None:
    files = scan_landing(landing, source)  # noqa: F841 (read by DuckDB by name)
    con.execute("delete from meta.landing_files where source = ? or source not in "
                "(select unnest(?::varchar[]))", [source, list(SOURCES)])
    con.execute("insert into meta.landing_files by name "
                "select *, current_localtimestamp() as scanned_at from files")


def _reasons(checked) -> tuple[tuple[str, int], ...]:
    """Quarantined rows per rule and column, most first (ties by name)."""
    if checked is None or not len(checked.quarantined):
        return ()
    counts = (checked.quarantined["rule"] + ":" + checked.quarantined["column_name"].fillna("")).value_counts()
    return tuple(sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0])))


def district_codes(landing: Path) -> CodeLists:
    """The product's code lists and the district's (`codes/` next to `landing`); ContractError when the
    district's files cannot be used."""
    try:
        return CodeLists.load(landing.parent / "codes")
    except CodeError as exc:
        raise ContractError(str(exc)) from exc


def _record_codes(con: duckdb.DuckDBPyConnection, codes: CodeLists) -> None:
    """codes.district_categories / codes.district_channels: the district's code lists as the ingest saw them
    (dbt's source district_codes, unioned with the seeds)."""
    from data_contracts.codes import FILES

    con.execute("create schema if not exists codes")
    for kind, columns in FILES.items():
        table = f"codes.district_{kind}"
        con.execute(f"create table if not exists {table} ({', '.join(f'{c} varchar' for c in columns)})")
        con.execute(f"delete from {table}")
        rows = pd.DataFrame(list(codes.district[kind].values()), columns=list(columns))  # noqa: F841
        if len(rows):
            con.execute(f"insert into {table} by name select * from rows")


def ingest_source(warehouse: Warehouse, landing: Path, source: str, start: dt.date, end: dt.date, key: bytes,
                  sql: bool = True) -> list[TableLoad]:
    """Load every landing file of `source` dated start..end (inclusive) into the warehouse.

    All files are read and checked before anything is kept; the write is one transaction, and the
    connection is closed before this returns (dbt's subprocess opens the same file next). Coded columns
    (channel, categories) allow the district's codes too; the incidents ingest records those lists.

    Contracts whose rules all have a SQL form (the device files: orchestration/ingest_sql.py) are checked by
    DuckDB over the files, with the same rules, reasons and row accounting; when their files or values are
    not for that path (or with `sql=False`) every contract is checked row-wise by data_contracts.validate."""
    from orchestration import ingest_sql

    if sql:
        try:
            return _ingest(warehouse, landing, source, start, end, key, sql=True)
        except ingest_sql.Fallback as why:
            LOG.info("ingest %s: checked row by row (%s)", source, why)
    return _ingest(warehouse, landing, source, start, end, key, sql=False)


def _ingest(warehouse: Warehouse, landing: Path, source: str, start: dt.date, end: dt.date, key: bytes,
            sql: bool) -> list[TableLoad]:
    from orchestration import ingest_sql

    days = list(pd.date_range(start, end, freq="D").date)
    codes = district_codes(landing)
    contracts = contracts_for(source, codes)
    in_sql = {contract.table for contract in contracts if sql and ingest_sql.supports(contract)}
    read = {contract.table: None if contract.table in in_sql else _read_files(landing, contract, days)
            for contract in contracts}
    checks = [(contract, None, None) if contract.table in in_sql
              else (contract, *_check_range(landing, contract, read[contract.table], key, read))
              for contract in contracts]
    results = []
    with warehouse.connect() as con:
        for contract, _, _ in checks:
            ensure_tables(con, contract)
        con.execute("begin transaction")
        try:
            for contract, checked, log in checks:
                for schema in ("raw", "quarantine"):
                    con.execute(f"delete from {schema}.{contract.table} where dt between ? and ?", [start, end])
                writes = (("raw", "loaded"), ("quarantine", "quarantined"))
                if contract.table in in_sql:   # raw is written by the SQL check itself
                    checked, log = ingest_sql.load(con, landing, contract, days, key,
                                                   _references(landing, contract, read), start, end)
                    writes = (("quarantine", "quarantined"),)
                for schema, rows in writes:
                    batch = getattr(checked, rows) if checked else None  # noqa: F841 (read by DuckDB by name)
                    if batch is not None and len(batch):
                        con.execute(f"insert into {schema}.{contract.table} by name "
                                    "select *, current_localtimestamp() as _ingested_at from batch")
                con.execute("delete from meta.ingest_log where table_name = ? and dt between ? and ?",
                            [contract.table, start, end])
                if log:
                    log_frame = pd.DataFrame(log)  # noqa: F841
                    con.execute("insert into meta.ingest_log by name "
                                "select *, current_localtimestamp() as ingested_at from log_frame")
                results.append(TableLoad(
                    contract.table, len(log), sum(r["rows_in"] for r in log), sum(r["rows_loaded"] for r in log),
                    sum(r["rows_quarantined"] for r in log),
                    all(r["rows_in"] == r["rows_loaded"] + r["rows_quarantined"] + r["rows_deduplicated"]
                        for r in log),
                    reasons=_reasons(checked), rows_deduplicated=sum(r["rows_deduplicated"] for r in log)))
            _record_landing(con, landing, source)
            if source == "incidents":
                _record_codes(con, codes)
            began = time.perf_counter()
            con.execute("commit")
            LOG.debug("ingest %s: commit %.2f s", source, time.perf_counter() - began)
        except BaseException:
            con.execute("rollback")
            raise
    return results

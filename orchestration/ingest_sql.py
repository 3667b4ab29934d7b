"""The ingest of large landing files in DuckDB: the same contract, rules, quarantine reasons and row accounting
as data_contracts.validate.check, with the row-wise work done by SQL over the files (ingest.py decides when).

How it stays the same as the pandas check:
- SQL only *admits*. A row goes straight to raw.<table> when SQL can prove it passes every rule: each value
  is in a plain form both parsers read alike (an ISO timestamp ``YYYY-MM-DD HH:MM:SS[.ffffff]``, a decimal
  with at most 15 digits, a string that starts with a printable ASCII character or holds one that is not
  whitespace), every required value is there, allowed values and patterns match (RE2 full match, stricter
  than Python's `re.search` of an anchored pattern), no time carries a UTC offset (validate.UTC_OFFSET), the
  device is known, the time is near its file's day and a value of a range-checked event type (the contract's
  `reading_of`: readings and heartbeats) lies within its device type's range (specs.reading_ranges).
  The files are read once, into a temporary table: every row typed, whether SQL admits it (every rule
  evaluated once) and, for the few it does not, the strings read.
- Every threshold and pattern is read from where the row-wise check reads it (the contract, specs, validate);
  none is written twice.
- Every other row — broken, or merely unusual (a time in another format, a value with an exponent) — is
  checked by `check` itself, the row-wise pandas path with its Great Expectations suite, which gives the
  quarantine reason or loads it.
- Great Expectations also validates what SQL admitted: the suite runs on every distinct value the loaded
  rows hold in each column it has a value rule for (allowed set, pattern, range) and on a null and a present
  value for its not-null rules. Its verdicts are per value, so this is the verdict it gives row by row; a
  value it rejects (SQL and the suite disagree) makes the whole source fall back to the pandas path.
- Repeats of the same message are found among every row to load (admitted, or loaded by `check`), first by
  (day, row) kept, and counted per file: rows in = loaded + quarantined + de-duplicated. They are found
  before raw is written, so raw is written once and nothing in it deleted (DuckDB rewrites at commit the
  rows a transaction appended and then deleted: at 10× that commit took 7 s of a 30 s ingest).

A file DuckDB cannot read as the csv module does (a header other than the contract's, a short or long row,
a stray quote, not UTF-8) raises Fallback before anything is kept; ingest then runs the pandas path, which
reads it with the csv module and reports it as that path does.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data_contracts.specs import FUTURE_SLACK, MAX_LATE_DAYS, FileContract, reading_ranges
from data_contracts.suites import failing_rows
from data_contracts.validate import UTC_OFFSET, check

SQL_TYPES = {"string": "varchar", "double": "double", "timestamp": "timestamp"}
TYPES = set(SQL_TYPES)
# what Python's str.strip() removes (str.isspace), as an RE2 class: a value of only these is absent
_SPACES = "".join(f"\\x{{{ord(ch):x}}}" for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())
TIMESTAMP = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
DECIMAL = r"-?[0-9]{1,15}(\.[0-9]{1,15})?"


LOG = logging.getLogger(__name__)


def _timed(con: duckdb.DuckDBPyConnection, what: str, query: str, params=None):
    """Run a statement that reads no Python frame, logging how long it took (the phases of a load)."""
    began = time.perf_counter()
    result = con.execute(query, params) if params is not None else con.execute(query)
    LOG.debug("%s: %.2f s", what, time.perf_counter() - began)
    return result


class Fallback(Exception):
    """The files or values are not for the SQL path; check the source row-wise instead."""


def supports(contract: FileContract) -> bool:
    """Whether every rule of the contract has a SQL form here (no personal data, no cross-row rules but the
    device ones, no per-file unique keys)."""
    if contract.unique_per_file:
        return False
    return all(c.type in TYPES and not (c.pii or c.free_text or c.id_checksum or c.birth_date or c.case_start
                                        or c.case_start_event or c.polygon or c.placed_from or c.not_before)
               for c in contract.columns)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _header(path: Path) -> list[str]:
    import csv

    try:
        with open(path, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f, strict=True), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise Fallback(str(exc)) from exc
    if header is None:
        raise Fallback(f"{path}: no header")
    return header


def _scan(files: list[tuple[int, dt.date, str, Path]], contract: FileContract) -> str:
    """Every file as rows of strings (NULL for an empty field) with its file number, day, name and row number."""
    parts = []
    for number, day, name, path in files:
        header = _header(path)
        absent = [c.name for c in contract.columns if c.may_be_absent and c.name not in header]
        if len(set(header)) != len(header) or sorted(header + absent) != sorted(contract.names):
            raise Fallback(f"{path}: columns differ from the contract")
        columns = "{" + ", ".join(f"{_text(c)}: 'VARCHAR'" for c in header) + "}"
        select = ", ".join(f"null::varchar as {_q(c.name)}" if c.name in absent else _q(c.name)
                           for c in contract.columns)
        parts.append(f"select {number} as _file_no, date '{day:%Y-%m-%d}' as dt, {_text(name)} as _file, "
                     f"ordinality as _row, {select} from read_csv({_text(path)}, "
                     f"header = true, auto_detect = false, columns = {columns}, delim = ',', quote = '\"', "
                     f"escape = '\"', strict_mode = true, null_padding = false, encoding = 'utf-8') with ordinality")
    return "\nunion all\n".join(parts)


def _b(expr: str) -> str:
    """A leaf of the admitting condition, never NULL: the condition and its negation split the rows."""
    return f"coalesce({expr}, false)"


def _present(col: str) -> str:
    """Surely not absent (the pandas path: strip() != ''): it starts with printable ASCII, or holds a character
    that is not whitespace."""
    ascii_start = _b(f"{col} >= '!' and {col} < chr(127)")
    not_space = _b(f"regexp_matches({col}, '[^{_SPACES}]')")
    return f"({ascii_start} or {not_space})"


def _blank(col: str) -> str:
    """Surely absent: nothing at all."""
    return _b(f"{col} is null or {col} = ''")


def _typed(c) -> str:
    col = f"s.{_q(c.name)}"
    if c.type == "string":
        return f"nullif({col}, '')"
    if c.type == "double":
        return f"try_cast(nullif({col}, '') as double)"
    return f"try_cast(nullif({col}, '') as timestamp)"


def _t(i: int) -> str:
    return f"s._t{i}"


def _admits(contract: FileContract, references: dict | None, slack_s: float) -> str:
    """SQL that is true only for a row every rule of `check` passes (the record rules as `_record_rules`
    applies them: the first that fits a column), false for every other row (never NULL)."""
    terms = []
    for i, c in enumerate(contract.columns):
        col, typed = f"s.{_q(c.name)}", _t(i)
        if c.type == "string":
            form = [_present(col)]
        elif c.type == "double":   # a plain number both parsers read alike: no '_' (DuckDB's digit separator)
            form = [_b(f"isfinite({typed})"), _b(f"length({col}) <= 16 and not contains({col}, '_')")]
        else:   # exactly YYYY-MM-DD HH:MM:SS, a valid time (formatting it again gives the same text), and never
            # a time with a UTC offset (the row-wise check's own pattern, read where it is defined)
            form = [_b(f"strftime({typed}, '%Y-%m-%d %H:%M:%S') = {col}"),
                    _b(f"not regexp_matches({col}, {_text(UTC_OFFSET)})")]
        rules = []
        if c.allowed is not None:
            rules.append(_b(f"{col} in ({', '.join(map(_text, c.allowed)) or 'null'})"))
        if c.pattern:
            rules.append(_b(f"regexp_full_match({col}, {_text(c.pattern.removeprefix('^').removesuffix('$'))})"))
        if c.min_value is not None:
            rules.append(_b(f"{typed} >= {float(c.min_value)!r}"))
        if c.max_value is not None:
            rules.append(_b(f"{typed} <= {float(c.max_value)!r}"))
        if c.near_file_day:
            rules.append(_b(f"{typed} <= s.dt + interval 1 day + interval {slack_s!r} second "
                            f"and {typed} >= s.dt - interval {int(MAX_LATE_DAYS)} day"))
        elif _reading_checked(c, references):
            valued = ", ".join(map(_text, c.reading_of))
            rules.append(_b(f"s.event_type is null or s.event_type not in ({valued}) or r.low is null "
                            f"or {typed} between r.low and r.high"))
        elif c.reference and references is not None:
            rules.append(_b(f"k_{c.reference}.known"))
        present = f"({' and '.join(form + rules)})"
        terms.append(present if c.required else f"({_blank(col)} or {present})")
    return " and ".join(terms) or "true"


def _reading_checked(c, references: dict | None) -> bool:
    return bool(c.reading_of) and references is not None and "device_types" in references


def _lookups(contract: FileContract, references: dict | None) -> list[tuple[str, str, str]]:
    """(table, alias, column joined on) of the reference tables a contract's rules read."""
    out = []
    for c in contract.columns:
        if c.near_file_day:
            continue
        if _reading_checked(c, references):
            out.append(("_reading_range", "r", "device_id"))
        elif c.reference and references is not None:
            out.append((f"_ref_{c.reference}", f"k_{c.reference}", c.name))
    return out


def _joins(contract: FileContract, references: dict | None) -> str:
    return "\n".join(f"left join {table} {alias} on {alias}.id = s.{_q(column)}"
                     for table, alias, column in _lookups(contract, references))


def _register_references(con: duckdb.DuckDBPyConnection, contract: FileContract, references: dict | None) -> None:
    for table, _, _ in _lookups(contract, references):
        if table == "_reading_range":
            ranges = reading_ranges()
            rows = [(d, *ranges[t]) for d, t in references["device_types"].items() if t in ranges]
            frame = pd.DataFrame(rows, columns=["id", "low", "high"])
            con.register("_lookup_frame", frame)
            con.execute("create or replace temp table _reading_range as select id::varchar as id, "
                        "low::double as low, high::double as high from _lookup_frame")
        else:
            ids = pd.DataFrame({"id": sorted(references.get(table.removeprefix("_ref_"), set()))}, dtype=object)
            con.register("_lookup_frame", ids)
            con.execute(f"create or replace temp table {table} as select id::varchar as id, true as known "
                        "from _lookup_frame")
        con.unregister("_lookup_frame")


def _guard(con: duckdb.DuckDBPyConnection, contract: FileContract, start: dt.date, end: dt.date) -> None:
    """The Great Expectations suite over every distinct value SQL admitted (see the module's docstring)."""
    values: dict[str, list] = {}
    for c in contract.columns:
        by_value = c.allowed is not None or c.pattern or c.min_value is not None or c.max_value is not None
        if by_value:
            values[c.name] = [v for (v,) in con.execute(
                f"select distinct {_q(c.name)} from raw.{contract.table} where dt between ? and ?",
                [start, end]).fetchall()]
        elif c.required:
            sample = con.execute(f"select {_q(c.name)} from raw.{contract.table} where dt between ? and ? limit 1",
                                 [start, end]).fetchall()
            values[c.name] = [v for (v,) in sample]
    longest = max((len(v) for v in values.values()), default=0)
    if longest == 0:
        return
    frame = pd.DataFrame(index=range(longest))
    for c in contract.columns:
        column = values.get(c.name) or [None]
        padded = column + [column[0]] * (longest - len(column))
        if c.type == "timestamp":
            frame[c.name] = pd.to_datetime(pd.Series(padded, dtype=object))
        elif c.type == "double":
            frame[c.name] = pd.to_numeric(pd.Series(padded, dtype=object))
        else:
            frame[c.name] = pd.Series(padded, dtype=object)
    rejected = failing_rows(frame, contract)
    rejected = rejected[rejected["column_name"].isin(values.keys())]
    if len(rejected):
        first = rejected.iloc[0]
        raise Fallback(f"the suite rejects a value SQL admitted: {first['rule']} on {first['column_name']}")


def _dedup_keys(contract: FileContract) -> list[str]:
    """The de-duplication columns as compared (-0.0 and 0.0 are one value to pandas' duplicated)."""
    kinds = {c.name: c.type for c in contract.columns}
    return [f"{_q(k)} + 0.0" if kinds.get(k) == "double" else _q(k) for k in contract.deduplicate_on or ()]


def _key_hash(contract: FileContract) -> str:
    keys = _dedup_keys(contract)
    return f"hash({', '.join(keys)})" if keys else "0::ubigint"


def _repeats(con: duckdb.DuckDBPyConnection, contract: FileContract, rows: str) -> None:
    """_repeat(dt, _file, _row): every row of `rows` (the rows to load, with `_h` their _key_hash; one file
    per day, so day and row name a row) that repeats an earlier one on all de-duplication columns (earlier: by
    day, then row). Candidates by the hash, then compared exactly."""
    exprs = _dedup_keys(contract)
    if not exprs:
        con.execute("create or replace temp table _repeat (dt date, _file varchar, _row bigint)")
        return
    _timed(con, "repeats", f"""
        create or replace temp table _repeat as
        with hashed as (
            select _h from {rows} group by _h having count(*) > 1
        ),
        candidates as (
            select dt, _file, _row, {', '.join(f'{e} as k{i}' for i, e in enumerate(exprs))}
            from {rows} semi join hashed using (_h)
        )
        select dt, _file, _row from (
            select dt, _file, _row, row_number() over (
                partition by {', '.join(f'k{i}' for i in range(len(exprs)))} order by dt, _row) as n
            from candidates)
        where n > 1""")


def load(con: duckdb.DuckDBPyConnection, landing: Path, contract: FileContract, days: list[dt.date], key: bytes,
         references: dict | None, start: dt.date, end: dt.date):
    """Check and write the contract's landing files of `days` into raw/quarantine (the caller's transaction,
    the days already emptied). Returns (checked rows outside SQL as `Checked`, per-file log rows); raises
    Fallback when the files are not for this path (nothing it wrote may be kept: roll back)."""
    files = []
    for day in days:
        path = landing / contract.source / f"dt={day:%Y-%m-%d}" / contract.filename
        if path.exists():
            files.append((len(files), day, str(path.relative_to(landing)), path))
    if not files:
        return None, []
    con.execute("set enable_progress_bar = false")
    # the files are the large side of every lookup join: keep them on the probe side (DuckDB cannot estimate
    # a CSV scan's rows and would otherwise hash the files)
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    # rows carry their file and row number: raw needs no insertion order, and DuckDB writes in parallel without
    # (the admitted rows of 147 M in about half the time)
    con.execute("set preserve_insertion_order = false")
    try:
        return _load(con, landing, contract, files, key, references, start, end)
    finally:
        con.execute("reset disabled_optimizers")
        con.execute("reset preserve_insertion_order")


def _load(con, landing, contract, files, key, references, start, end):
    listing = pd.DataFrame({"dt": [d for _, d, _, _ in files], "file": [n for _, _, n, _ in files]})
    _register_references(con, contract, references)
    slack_s = pd.Timedelta(FUTURE_SLACK).total_seconds()
    typed = ", ".join(f"{_typed(c)} as _t{i}" for i, c in enumerate(contract.columns))
    scan = f"(select s.*, {typed} from ({_scan(files, contract)}) s) s"
    admits = _admits(contract, references, slack_s)
    names = contract.names
    table = f"raw.{contract.table}"
    try:
        # 1. the files read once into a temporary table: every row typed, whether SQL admits it (every rule
        # evaluated once), and for the rows it does not, the strings read
        typed_out = ", ".join(f"{_t(i)} as {_q(n)}" for i, n in enumerate(names))
        strings = ", ".join(f"case when not _admitted then coalesce(s.{_q(n)}, '') end as {_q('_s_' + n)}"
                            for n in names)
        _timed(con, "files read", f"create or replace temp table _read as select *, {_key_hash(contract)} as _h "
                    f"from (select s._file_no, s.dt, s._file, s._row, {typed_out}, s._admitted, {strings} "
                    f"from (select s.*, ({admits}) as _admitted from {scan}\n{_joins(contract, references)}) s)")
    except duckdb.Error as exc:   # unreadable as the csv module reads it: the pandas path says why
        raise Fallback(str(exc).splitlines()[0]) from exc
    originals = ", ".join(f"{_q('_s_' + n)} as {_q(n)}" for n in names)
    rest = con.execute(f"select dt, _file, _row, {originals} from _read where not _admitted "
                       "order by _file_no, _row").df()
    admitted = con.execute("select dt, _file, count(*) from _read where _admitted group by all").df()
    admitted.columns = ["dt", "file", "admitted"]
    checked = None
    loaded_rest = False
    if len(rest):
        rest = rest[["dt", "_file", "_row", *names]].astype({n: object for n in names})
        rest["dt"] = pd.to_datetime(rest["dt"]).dt.date
        rest["_row"] = rest["_row"].astype(np.int64)
        began = time.perf_counter()
        checked = check(rest, contract, key, references, deduplicate=False)
        LOG.debug("row-wise check of %d rows: %.2f s", len(rest), time.perf_counter() - began)
        if len(checked.loaded):
            con.register("_loaded_rest", checked.loaded)
            loaded_rest = True
    # 2. repeats of the same message among every row to load (admitted, or loaded by the row-wise check), found
    # before anything is written: raw is written once and nothing in it deleted (a delete of rows the same
    # transaction appended makes DuckDB rewrite them at commit)
    loading = f"select dt, _file, _row, {', '.join(map(_q, names))}, _h from _read where _admitted"
    if loaded_rest:   # typed as _read: a frame's column can be another type (an all-empty one, nanoseconds)
        as_read = ", ".join(f"{_q(c.name)}::{SQL_TYPES[c.type]} as {_q(c.name)}" for c in contract.columns)
        loading += (f" union all select dt, _file, _row, {', '.join(map(_q, names))}, {_key_hash(contract)} "
                    f"from (select dt, _file, _row, {as_read} from _loaded_rest)")
    _repeats(con, contract, f"({loading})")
    repeats = con.execute("select dt, _file as file, count(*) as rows_deduplicated from _repeat group by all").df()
    # 3. everything else into raw (the days were emptied: their rows are this load's)
    columns = ", ".join(map(_q, names))
    _timed(con, "rows written", f"insert into {table} (dt, _file, _row, {columns}, _ingested_at) "
                f"select dt, _file, _row, {columns}, current_localtimestamp() from _read "
                "anti join _repeat using (dt, _row) where _admitted")
    if loaded_rest:
        con.execute(f"insert into {table} by name select r.*, current_localtimestamp() as _ingested_at "
                    "from _loaded_rest r anti join _repeat using (dt, _row)")
        con.unregister("_loaded_rest")
    con.execute("drop table _read")
    began = time.perf_counter()
    _guard(con, contract, start, end)
    LOG.debug("suite on the admitted values: %.2f s", time.perf_counter() - began)
    loaded = _timed(con, "loaded per file", f"select dt, _file as file, count(*) as rows_loaded from {table} "
                         "where dt between ? and ? group by all", [start, end]).df()
    per_file = listing[["dt", "file"]].copy()
    per_file["dt"] = pd.to_datetime(per_file["dt"]).dt.date
    for part in (admitted, loaded, repeats):
        if len(part):
            part["dt"] = pd.to_datetime(part["dt"]).dt.date
    per_file = (per_file.merge(admitted, how="left", on=["dt", "file"])
                .merge(loaded, how="left", on=["dt", "file"]).merge(repeats, how="left", on=["dt", "file"]))
    quarantined = (checked.quarantined.groupby(["dt", "_file"]).size().rename("rows_quarantined").reset_index()
                   .rename(columns={"_file": "file"}) if checked is not None and len(checked.quarantined)
                   else pd.DataFrame(columns=["dt", "file", "rows_quarantined"]))
    per_file = per_file.merge(quarantined, how="left", on=["dt", "file"])
    rest_in = (rest.groupby(["dt", "_file"]).size().rename("rest").reset_index().rename(columns={"_file": "file"})
               if len(rest) else pd.DataFrame(columns=["dt", "file", "rest"]))
    per_file = per_file.merge(rest_in, how="left", on=["dt", "file"])
    per_file = per_file.fillna(0)
    for column in ("admitted", "rest", "rows_loaded", "rows_quarantined", "rows_deduplicated"):
        per_file[column] = per_file[column].astype(int)
    per_file["rows_in"] = per_file["admitted"] + per_file["rest"]
    per_file = per_file[per_file["rows_in"] > 0]
    log = (per_file[["dt", "file", "rows_in", "rows_loaded", "rows_quarantined", "rows_deduplicated"]]
           .assign(source=contract.source, table_name=contract.table).to_dict("records"))
    return checked, log

"""A column mapping (YAML) from any export to the landing files of the population register, the device
registry and telemetry, or the foot-traffic zones and counts.

Checked before anything is written, like the incident mappings (`mapping.py`): `SourceMapping.load` refuses
unknown keys (with a did-you-mean), value-map targets outside the contract's allowed values, an unknown time
zone, and required fields that have neither a column nor a constant; `SourceMapping.check(frame)` checks that
the mapped columns exist, tries each time column's format (and the source time zone) on the first rows, and
counts the source values the value maps do not list — `unmapped:` says whether they stop the import
(`fail`, the default), keep their value so the contract quarantines the row at ingest (`quarantine`), or take
a named code.

Times: naive source values are clock times in the mapping's `timezone` (default: the district's,
`gridsight.settings.TIMEZONE`); values with an offset (`Z`, `+01:00`) carry their own. Landing files hold
clock times in the district's time zone. A clock time that does not exist in the source zone (the hour
skipped when summer time starts) keeps its text with the reason, so ingest quarantines it as
`invalid_timestamp`; an hour that occurs twice (when summer time ends) is read as the first of the two.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from data_contracts.importers.mapping import TRY_ROWS, MappingError, _require, _suggest, _unknown
from data_contracts.specs import contracts_for
from gridsight import settings

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
# Keys every source mapping may have; each source adds its own (`Target.extra_keys`).
KEYS = ("name", "source", "columns", "constants", "timestamp_format", "timezone", "values", "booleans",
        "unmapped")
BOOLEAN_CODES = ("true", "false")
MAX_BYTES = 2 * 1024 ** 3   # an export larger than this is refused before it is read


@dataclass(frozen=True)
class Target:
    """What a mapping of one source may fill: its canonical fields and how each is checked."""
    source: str
    fields: tuple[str, ...]
    required: tuple[str, ...]                  # need a column or a constant
    timestamps: tuple[str, ...] = ()           # 'YYYY-MM-DD HH:MM:SS', district time
    dates: tuple[str, ...] = ()                # 'YYYY-MM-DD'
    coded: dict[str, tuple[str, ...]] = field(default_factory=dict)   # field → allowed codes
    booleans: tuple[str, ...] = ()
    extra_keys: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()              # the importer fills these itself when the mapping does not


def contract_target(source: str, *, exclude: tuple[str, ...] = (), fields: tuple[str, ...] = (),
                    optional: tuple[str, ...] = (), extra_keys: tuple[str, ...] = (),
                    derived: tuple[str, ...] = (), tables: tuple[str, ...] | None = None) -> Target:
    """A Target from the source's file contracts: every contract column (less `exclude`) is a field,
    required as the contract says (less `optional`), timestamps, dates, booleans and allowed codes from it."""
    contracts = [c for c in contracts_for(source) if tables is None or c.table in tables]   # the files it writes
    columns = [c for contract in contracts for c in contract.columns if c.name not in exclude]
    unique = list(dict.fromkeys(c.name for c in columns)) + [f for f in fields if f not in {c.name for c in columns}]
    by_name = {c.name: c for c in columns}
    return Target(
        source=source, fields=tuple(unique),
        required=tuple(n for n, c in by_name.items() if c.required and n not in optional),
        timestamps=tuple(n for n, c in by_name.items() if c.type == "timestamp"),
        dates=tuple(n for n, c in by_name.items() if c.type == "date"),
        coded={n: c.allowed for n, c in by_name.items() if c.allowed},
        booleans=tuple(n for n, c in by_name.items() if c.type == "boolean"),
        extra_keys=extra_keys, derived=derived)


def _policies(where: str, given, target: Target) -> dict[str, str]:
    """Per value-mapped field: fail | quarantine | the code unmapped values take."""
    mapped = tuple(target.coded) + target.booleans + ("grid_id",)
    if given is None:
        given = {}
    elif isinstance(given, str):
        given = dict.fromkeys(mapped, given)
    elif not isinstance(given, dict):
        raise MappingError(f"{where}: unmapped: give fail, quarantine, or per field fail | quarantine | the code")
    _unknown(f"{where}: unmapped", given, mapped, "field")
    policy = {}
    for name in mapped:
        value = str(given.get(name, "fail"))
        codes = target.coded.get(name) or (BOOLEAN_CODES if name in target.booleans else ())
        choices = ("fail", "quarantine") + tuple(codes)
        if codes and value not in choices:
            raise MappingError(f"{where}: unmapped.{name}: {value!r} is neither fail, quarantine nor a code of "
                               f"its list ({', '.join(codes)}){_suggest(value, choices)}")
        policy[name] = value
    return policy


def _zone(where: str, name) -> str:
    name = settings.TIMEZONE if name is None else str(name)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{where}: timezone {name!r} is not an IANA time zone (e.g. Europe/London)"
                           f"{_suggest(name, sorted(zoneinfo.available_timezones()))}") from None
    return name


@dataclass(frozen=True)
class SourceMapping:
    target: Target
    name: str
    columns: dict[str, str]                  # canonical field → source column
    constants: dict[str, str]                # canonical field → the value every row takes
    timestamp_format: str | dict[str, str] | None
    timezone: str                            # the source's clock
    values: dict[str, dict[str, str]]        # field → {source value: code}
    unmapped: dict[str, str]
    options: dict                            # the source's own keys (layout, safe_capacity …)
    path: str | None = None

    @classmethod
    def load(cls, path: Path | str, target: Target) -> SourceMapping:
        path = Path(path)
        if not path.exists() and (MAPPINGS / f"{path}.yaml").exists():
            path = MAPPINGS / f"{path}.yaml"
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise MappingError(f"{path}: cannot read the mapping: {str(exc).splitlines()[0]}") from exc
        where = str(path)
        if not isinstance(spec, dict):
            raise MappingError(f"{where}: a mapping is a YAML dictionary (name, columns, constants …)")
        _unknown(where, spec, KEYS + target.extra_keys, "key")
        if spec.get("source", target.source) != target.source:
            raise MappingError(f"{where}: this is a {spec['source']} mapping, not one for {target.source}")
        sections = {}
        for key in ("columns", "constants", "values", "booleans"):
            sections[key] = spec.get(key) or {}
            if not isinstance(sections[key], dict):
                raise MappingError(f"{where}: {key} is a dictionary (canonical field: …)")
        columns = {str(k): str(v) for k, v in sections["columns"].items()}
        constants = {str(k): "" if v is None else str(v) for k, v in sections["constants"].items()}
        _unknown(f"{where}: columns", columns, target.fields, "canonical field")
        _unknown(f"{where}: constants", constants, target.fields, "canonical field")
        _unknown(f"{where}: values", sections["values"], tuple(target.coded) + target.booleans + ("grid_id",),
                 "value-mapped field")
        both = sorted(set(columns) & set(constants))
        if both:
            raise MappingError(f"{where}: {both[0]} has both a column and a constant; keep one")
        for name, known in sections["values"].items():
            if not isinstance(known or {}, dict):
                raise MappingError(f"{where}: values.{name} is a dictionary (source value: code)")
        values = {f: {str(k): str(v) for k, v in (m or {}).items()} for f, m in sections["values"].items()}
        for name, known in values.items():
            codes = target.coded.get(name) or (BOOLEAN_CODES if name in target.booleans else None)
            for source, code in known.items() if codes else ():
                _require(code, codes, f"{where}: values.{name}.{source}: {code!r} is not one of "
                                      f"{', '.join(codes)} (data_contracts/specs.py, {target.source})")
        booleans = {str(k): str(v).lower() for k, v in sections["booleans"].items()}
        for source, code in booleans.items():
            _require(code, BOOLEAN_CODES, f"{where}: booleans.{source}: {code!r} is not true or false")
        for name in target.booleans:      # `booleans:` is the value map of every flag without its own
            if booleans and name not in values:
                values[name] = booleans
        for name, value in constants.items():
            codes = target.coded.get(name)
            if codes:
                _require(value, codes, f"{where}: constants.{name}: {value!r} is not one of {', '.join(codes)}")
        formats = spec.get("timestamp_format")
        timed = target.timestamps + target.dates
        if isinstance(formats, dict):
            _unknown(f"{where}: timestamp_format", formats, timed, "time field")
        elif formats is not None and not isinstance(formats, str):
            raise MappingError(f"{where}: timestamp_format is a strftime format, or one per field "
                               f"({', '.join(timed)})")
        mapping = cls(target=target, name=str(spec.get("name", path.stem)), columns=columns, constants=constants,
                      timestamp_format=formats, timezone=_zone(where, spec.get("timezone")), values=values,
                      unmapped=_policies(where, spec.get("unmapped"), target),
                      options={k: spec[k] for k in target.extra_keys if k in spec}, path=str(path.resolve()))
        for name in target.required:
            if not mapping.has(name) and name not in target.derived:
                raise MappingError(f"{where}: {name} needs a column (columns.{name}) or a constant "
                                   f"(constants.{name}); the {target.source} contract requires it")
        return mapping

    def has(self, name: str) -> bool:
        return name in self.columns or name in self.constants

    def format_of(self, name: str) -> str | None:
        if isinstance(self.timestamp_format, dict):
            return self.timestamp_format.get(name)
        return self.timestamp_format

    def column(self, frame: pd.DataFrame, name: str) -> pd.Series:
        """The text of a canonical field: its source column, its constant, or '' for every row."""
        if name in self.columns:
            return frame[self.columns[name]].fillna("").astype(str).str.strip()
        return pd.Series(self.constants.get(name, ""), index=frame.index, dtype=object)

    def check(self, frame: pd.DataFrame, times: tuple[str, ...] | None = None) -> dict[str, dict[str, int]]:
        """The mapped columns exist, each time column's format reads its first rows, and no unmapped value
        meets `fail`. Returns the unmapped source values with their counts, per field."""
        missing = sorted({c for c in self.columns.values() if c not in frame.columns})
        if missing:
            raise MappingError(f"mapping {self.name!r}: the file lacks column {missing[0]!r}"
                               f"{_suggest(missing[0], frame.columns)}"
                               + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        for name in times if times is not None else self.target.timestamps + self.target.dates:
            if name not in self.columns:
                if name in self.constants and self.constants[name]:
                    self._try(name, pd.Series([self.constants[name]]), f"constants.{name}")
                continue
            values = self.column(frame, name)
            self._try(name, values[values != ""].head(TRY_ROWS), f"column {self.columns[name]!r}")
        unmapped = {}
        for name, known in self.value_maps().items():
            if name not in self.columns:
                continue
            values = self.column(frame, name)
            allowed = set(self.allowed(name))
            optional = name not in self.target.required
            out = values[~values.isin(list(known)) & ~values.isin(allowed) & ~((values == "") & optional)]
            counts = out.value_counts()
            if len(counts):
                unmapped[name] = {str(k): int(v) for k, v in counts.items()}
        failing = {k: v for k, v in unmapped.items() if self.unmapped.get(k) == "fail"}
        if failing:
            listed = "; ".join(f"{name}: " + ", ".join(f"{v or '(empty)'!r} ({n:,})" for v, n in list(vals.items())[:8])
                               for name, vals in failing.items())
            raise MappingError(f"mapping {self.name!r}: source values with no mapping — {listed}; map them under "
                               f"values.{next(iter(failing))}, or set unmapped.{next(iter(failing))} to quarantine "
                               "or the code they should take")
        return unmapped

    def value_maps(self) -> dict[str, dict[str, str]]:
        """Fields whose source values are checked: coded fields with a column, flags and grid ids with a map."""
        maps = {name: self.values.get(name, {}) for name in self.target.coded if name in self.columns}
        maps |= {name: self.values[name] for name in (*self.target.booleans, "grid_id")
                 if name in self.values and name in self.columns}
        return maps

    def allowed(self, name: str) -> tuple[str, ...]:
        return self.target.coded.get(name) or (BOOLEAN_CODES if name in self.target.booleans else ())

    def _try(self, name: str, sample: pd.Series, what: str) -> None:
        if sample.empty:
            return
        _, parsed = self.times(sample, name)
        read = int(parsed.notna().sum())
        if read * 2 <= len(sample):
            example = sample[parsed.isna()].iloc[0]
            fmt = (None if name in self.constants else self.format_of(name)) or "ISO 8601"
            key = f"constants.{name} (ISO 8601)" if name in self.constants else (
                "timestamp_format" + ("." + name if isinstance(self.timestamp_format, dict) else ""))
            raise MappingError(f"{what} ({name}): timestamp format {fmt!r} in {self.timezone} does not read "
                               f"{example!r} ({read} of the first {len(sample)} values read); fix {key}")

    def coded(self, frame: pd.DataFrame, name: str) -> pd.Series:
        """A value-mapped field: mapped values take their code, codes of the list stay; the rest take the
        policy's code, or keep their value (the contract quarantines the row at ingest)."""
        values = self.column(frame, name)
        out = values.map(self.values.get(name, {})).astype(object)
        out = out.fillna(values.where(values.isin(self.allowed(name))))
        policy = self.unmapped.get(name, "fail")
        out = out.fillna(values if policy in ("fail", "quarantine") else policy)
        return out.where(~((values == "") & (name not in self.target.required)), "")

    def times(self, values: pd.Series, name: str) -> tuple[pd.Series, pd.Series]:
        """District clock text ('YYYY-MM-DD HH:MM:SS', or 'YYYY-MM-DD' for date fields) and the parsed
        naive district times (NaT where unreadable: the text then keeps the source value)."""
        fmt = None if name in self.constants else self.format_of(name)    # constants are ISO 8601
        return clock_times(values, fmt, self.timezone, settings.TIMEZONE, date_only=name in self.target.dates)


OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def clock_times(values: pd.Series, fmt: str | None, source_tz: str, target_tz: str, date_only: bool = False
                ) -> tuple[pd.Series, pd.Series]:
    """Parse source times (naive ones in `source_tz`, those with an offset as they say) into naive clock
    times in `target_tz`. Returns (text, parsed); unreadable values keep their text, and a clock time that
    does not exist in `source_tz` gets the reason appended (so the contract cannot read it either)."""
    values = values.fillna("").astype(str).str.strip()
    present = values != ""
    offset = values.str.contains(OFFSET, regex=True) if not fmt else pd.Series(
        "%z" in fmt or "%Z" in fmt, index=values.index)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    missing_hour = pd.Series(False, index=values.index)
    kwargs = {"format": fmt} if fmt else {"format": "ISO8601"}
    aware = present & offset
    if aware.any():
        at = pd.to_datetime(values[aware], errors="coerce", utc=True, **kwargs)
        parsed[aware] = at.dt.tz_convert(target_tz).dt.tz_localize(None).astype("datetime64[ns]")
    naive = present & ~offset
    if naive.any():
        at = pd.to_datetime(values[naive], errors="coerce", **kwargs)
        if getattr(at.dt, "tz", None) is not None:
            at = at.dt.tz_convert(target_tz).dt.tz_localize(None)
        elif date_only:
            at = at.dt.normalize()
        else:   # localized even in the district's own zone: a clock time it skips is found either way
            local = at.dt.tz_localize(source_tz, ambiguous=pd.Series(True, index=at.index).to_numpy(),
                                      nonexistent="NaT")
            missing_hour[naive] = at.notna() & local.isna()
            at = local.dt.tz_convert(target_tz).dt.tz_localize(None)
        parsed[naive] = at.astype("datetime64[ns]")
    text = parsed.dt.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M:%S")
    kept = values.where(~missing_hour, values + f" (not a clock time in {source_tz})")
    return text.where(parsed.notna(), kept), parsed


def read_export(path: Path | str, *, encoding: str = "utf-8-sig") -> pd.DataFrame:
    """An export as text columns, refused with one line when it is not a CSV gridsight can read: not
    there, too large, binary (a spreadsheet, an archive), not UTF-8, without a header, with a column named
    twice, or rows with more fields than the header."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise MappingError(f"{path}: not a file")
        if size > MAX_BYTES:
            raise MappingError(f"{path}: {size / 1024 ** 3:.1f} GB is more than an import reads "
                               f"({MAX_BYTES / 1024 ** 3:.0f} GB); split the export")
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise MappingError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    if b"\x00" in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise MappingError(f"{path}: not a CSV file (binary content: a spreadsheet or an archive?); "
                           "save it as CSV (UTF-8)")
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV (UTF-8)") from exc
    header = next(csv.reader(io.StringIO(text)), None)
    if not header or not any(h.strip() for h in header):
        raise MappingError(f"{path}: empty, or no header row")
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name in seen:
            raise MappingError(f"{path}: column {name!r} appears twice (columns {seen[name]} and {i}); "
                               "rename one so every column has its own name")
        seen[name] = i
    try:
        # a row with more fields than the header is an error: never a shifted index, never cut off
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        raise MappingError(f"{path}: not a CSV gridsight can read: {str(exc).strip().splitlines()[-1]}") from exc


def slug(value: str) -> str:
    """An id from a source name: lower case, runs of other characters as '_' (letters of any script kept)."""
    return re.sub(r"[\W_]+", "_", str(value).lower()).strip("_")


def numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.where(values != ""), errors="coerce")


def landing_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The landing file's columns in the contract's order, every value as text."""
    return frame[columns].astype(object).where(frame[columns].notna(), "").astype(str)

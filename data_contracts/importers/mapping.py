"""A column mapping (YAML) from a service-request export to canonical incident cases and events.

A mapping is checked before anything is written: `Mapping.load` refuses unknown keys (with a did-you-mean)
and target codes that are not in the code lists (the dbt seeds: categories as l1/l2 pairs, channels; the
workflow states; the ladder levels); `Mapping.check` tries each timestamp column's format on the first rows
of the export and counts the source values (status, category, channel) the mapping does not list, which
then stop the import or take the default the mapping names under `unmapped:`.

The code lists are the product's extended by the district's (data_contracts.codes): those already in the data
folder (`<data>/codes/`) and those the mapping's own `codes:` section adds, which the import writes there."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from data_contracts.codes import CodeError, CodeLists, from_mapping
from data_contracts.privacy import mask_free_text
from data_contracts.specs import LEVELS

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
# Canonical fields a mapping can fill from source columns
# (due_at, the case's own resolution due time, or sla_hours, its own SLA, win over its category's SLA)
FIELDS = ("case_id", "reported_at", "updated_at", "closed_at", "due_at", "sla_hours", "status", "category",
          "channel", "lat", "lon", "address", "description", "agency", "street", "community")
TIMESTAMPS = ("reported_at", "updated_at", "closed_at", "due_at")
CASE_FIELDS = ("case_id", "reported_at", "category")   # what a case import needs mapped
POINT_FIELDS = ("reported_at", "lat", "lon")           # what a hotspot backtest needs of the same export
STATES = ("open", "accepted", "referred", "closed", "cancelled")
# The keys a mapping file may have (and those of its `areas:` section)
KEYS = ("name", "columns", "timestamp_format", "status", "categories", "channels", "default_channel", "level",
        "areas", "unmapped", "codes")
AREA_KEYS = ("cell_degrees", "prefix", "name", "grids", "name_column", "aliases", "drop_words")
# `areas: {grids: landing}`: cases are placed in the delivered grids (gridsight import grids) by their point,
# rows without coordinates by the area name in `name_column` (a canonical field such as community, or a
# source column), matched after normalising (data_contracts.importers.placement), `aliases` first.
AREA_GRIDS = ("landing",)
# What happens to a source value the mapping does not list, per mapped field (`unmapped:` overrides):
# `fail` stops the import and lists them; `quarantine` keeps the source value, so the contract quarantines
# the row at ingest (rule not_allowed); any other value is the target code they take.
UNMAPPED_FIELDS = ("status", "category", "channel")
UNMAPPED_DEFAULTS = {"status": "fail", "category": "quarantine", "channel": "quarantine"}
TRY_ROWS = 100   # timestamp formats are tried on this many non-empty values of each column


class MappingError(ValueError):
    """The mapping file or the export does not fit together (missing columns, unknown keys)."""


def _suggest(word, known) -> str:
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown(where: str, words, known, what: str) -> None:
    """MappingError for the first word that is not among `known`, with the closest known one."""
    for word in words:
        if word not in known:
            raise MappingError(f"{where}: unknown {what} {word!r}{_suggest(word, known)} "
                               f"(known: {', '.join(map(str, known))})")


def _require(value, codes, refusal: str) -> None:
    """A one-line MappingError (`refusal`, then a did-you-mean) unless `value` is one of `codes`."""
    if value not in codes:
        raise MappingError(f"{refusal}{_suggest(value, codes)}")


def _check_codes(where: str, spec: dict, lists: CodeLists) -> None:
    """Every target code of the mapping is in its code list, before any export is read."""
    pairs, channels = lists.category_pairs, lists.channels
    for source, target in (spec.get("categories") or {}).items():
        _require(target, pairs, f"{where}: categories.{source}: {target!r} is not a category of the code list "
                                f"(dbt_project/seeds/categories.csv, the data folder's codes/categories.csv or "
                                f"the mapping's codes.categories; l1/l2)")
    for source, target in (spec.get("channels") or {}).items():
        _require(target, channels, f"{where}: channels.{source}: channel {target!r} is not in the code list "
                                   f"(dbt_project/seeds/channels.csv, codes/channels.csv or codes.channels)")
    if spec.get("default_channel") is not None:
        _require(spec["default_channel"], channels, f"{where}: default_channel {spec['default_channel']!r} is not "
                                                    f"in the code list (dbt_project/seeds/channels.csv, "
                                                    f"codes/channels.csv or codes.channels)")
    for source, target in (spec.get("status") or {}).items():
        _require(target, STATES, f"{where}: status.{source}: state {target!r} is not one of {', '.join(STATES)}")
    level = spec.get("level", "district")
    _require(level, LEVELS, f"{where}: level {level!r} is not a ladder level ({', '.join(LEVELS)})")


def _check_areas(where: str, areas: dict, columns: dict) -> None:
    """`areas:` either derives cell grids (cell_degrees) or places cases in delivered grids (grids)."""
    if not isinstance(areas, dict):
        raise MappingError(f"{where}: areas is a dictionary (cell_degrees …, or grids: landing)")
    grids = areas.get("grids")
    if grids is not None:
        _require(grids, AREA_GRIDS, f"{where}: areas.grids: {grids!r} is not a grid layer "
                                    f"({', '.join(AREA_GRIDS)}: the grids delivered by gridsight import grids)")
        if areas.get("cell_degrees") is not None:
            raise MappingError(f"{where}: areas: give cell_degrees (derive cells) or grids (delivered grids), not both")
    elif any(k in areas for k in ("name_column", "aliases", "drop_words")):
        raise MappingError(f"{where}: areas.name_column, aliases and drop_words place cases in delivered grids: "
                           "add areas.grids: landing")
    if areas.get("aliases") is not None and not isinstance(areas["aliases"], dict):
        raise MappingError(f"{where}: areas.aliases maps a source area name to a grid id or grid name")
    if areas.get("drop_words") is not None and not isinstance(areas["drop_words"], list):
        raise MappingError(f"{where}: areas.drop_words is a list of words (e.g. [NC])")
    for option in ("cell_degrees",):
        value = areas.get(option)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value <= 0):
            raise MappingError(f"{where}: areas.{option}: {value!r} is not a positive number of degrees")


def _unmapped_policy(where: str, spec: dict, lists: CodeLists) -> dict[str, str]:
    given = spec.get("unmapped")
    if given is None:
        given = {}
    elif isinstance(given, str):              # `unmapped: fail` — every field
        given = dict.fromkeys(UNMAPPED_FIELDS, given)
    elif not isinstance(given, dict):
        raise MappingError(f"{where}: unmapped: give fail, or per field (status, category, channel) "
                           "fail | quarantine | the code to use")
    _unknown(f"{where}: unmapped", given, UNMAPPED_FIELDS, "field")
    policy = dict(UNMAPPED_DEFAULTS)
    if spec.get("default_channel"):
        policy["channel"] = spec["default_channel"]
    policy.update({k: str(v) for k, v in given.items()})
    codes = {"status": STATES, "category": lists.category_pairs, "channel": lists.channels}
    for name, value in policy.items():
        choices = ("fail",) + (("quarantine",) if name != "status" else ()) + tuple(codes[name])
        if value not in choices:
            raise MappingError(f"{where}: unmapped.{name}: {value!r} is neither fail"
                               f"{', quarantine' if name != 'status' else ''} nor a code of its list"
                               f"{_suggest(value, choices)}")
    return policy


@dataclass(frozen=True)
class Mapping:
    name: str
    columns: dict[str, str]
    # strftime format for every timestamp column, or one per canonical field ({reported_at: …, closed_at: …});
    # None (or a field left out) → ISO 8601 (offset dropped)
    timestamp_format: str | dict[str, str] | None = None
    status: dict[str, str] = field(default_factory=dict)       # source status → one of STATES
    categories: dict[str, str] = field(default_factory=dict)   # source category → "l1/l2"
    channels: dict[str, str] = field(default_factory=dict)     # source channel → channel code
    default_channel: str | None = None
    level: str = "district"                      # ladder level of the handling agency
    cell_degrees: float | None = None            # derive L3 grids as lat/lon cells of this size
    area_prefix: str = "X"
    area_name: str = "Imported area"
    area_grids: str | None = None                # place cases in the delivered grids ("landing")
    area_name_column: str | None = None          # canonical field or source column naming each row's area
    area_aliases: dict[str, str] = field(default_factory=dict)   # source area name → grid id or grid name
    area_drop_words: tuple[str, ...] = ()        # words left out when matching names (e.g. NC)
    unmapped: dict[str, str] = field(default_factory=lambda: dict(UNMAPPED_DEFAULTS))
    path: str | None = None                      # the file it was read from
    # the code lists its targets were checked against; its `codes:` section's rows are the district's new ones
    code_lists: CodeLists | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path | str, codes_dir: Path | None = None,
             required: tuple[str, ...] = CASE_FIELDS) -> Mapping:
        """The mapping at `path` (or a shipped one by name), checked. `codes_dir`: the data folder's district
        code lists (`<data>/codes/`), which its targets may name too. `required`: the canonical fields it must
        map — a case import needs CASE_FIELDS, a hotspot backtest only POINT_FIELDS."""
        path = Path(path)
        if not path.exists() and (MAPPINGS / f"{path}.yaml").exists():
            path = MAPPINGS / f"{path}.yaml"
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
        if not isinstance(spec, dict):
            raise MappingError(f"{path}: a mapping is a YAML dictionary (name, columns, status, categories …)")
        _unknown(str(path), spec, KEYS, "key")
        _unknown(f"{path}: areas", spec.get("areas") or {}, AREA_KEYS, "key")
        _unknown(f"{path}: columns", spec.get("columns") or {}, FIELDS, "canonical field")
        for name in required:
            if name not in (spec.get("columns") or {}):
                raise MappingError(f"{path}: columns.{name} is required")
        formats = spec.get("timestamp_format")
        if isinstance(formats, dict):
            _unknown(f"{path}: timestamp_format", formats, TIMESTAMPS, "timestamp field")
        elif formats is not None and not isinstance(formats, str):
            raise MappingError(f"{path}: timestamp_format is a strftime format, or one per field "
                               f"({', '.join(TIMESTAMPS)})")
        try:
            lists = from_mapping(str(path), spec.get("codes"), CodeLists.load(codes_dir))
        except CodeError as exc:
            raise MappingError(str(exc)) from exc
        _check_codes(str(path), spec, lists)
        areas = spec.get("areas") or {}
        _check_areas(str(path), areas, spec.get("columns") or {})
        return cls(name=spec.get("name", path.stem), columns=spec["columns"],
                   timestamp_format=formats, status=spec.get("status") or {},
                   categories=spec.get("categories") or {}, channels=spec.get("channels") or {},
                   default_channel=spec.get("default_channel"), level=spec.get("level", "district"),
                   cell_degrees=areas.get("cell_degrees"), area_prefix=areas.get("prefix", "X"),
                   area_name=areas.get("name", spec.get("name", path.stem)), area_grids=areas.get("grids"),
                   area_name_column=areas.get("name_column"),
                   area_aliases={str(k): str(v) for k, v in (areas.get("aliases") or {}).items()},
                   area_drop_words=tuple(str(w) for w in areas.get("drop_words") or ()),
                   unmapped=_unmapped_policy(str(path), spec, lists), path=str(path.resolve()), code_lists=lists)

    def area_name_source(self) -> str | None:
        """The source column holding each row's area name (`areas.name_column`), or None."""
        if self.area_name_column is None:
            return None
        return self.columns.get(self.area_name_column, self.area_name_column)

    def format_of(self, name: str) -> str | None:
        if isinstance(self.timestamp_format, dict):
            return self.timestamp_format.get(name)
        return self.timestamp_format

    def check(self, frame: pd.DataFrame) -> dict[str, dict[str, int]]:
        """Check the export against the mapping before anything is written: its columns exist, each
        timestamp column's format reads the first rows, and no unmapped value meets `unmapped: fail`.
        Returns the source values the mapping does not list, with their counts, per field."""
        wanted = [*self.columns.values(), *([self.area_name_source()] if self.area_name_source() else [])]
        missing = sorted({c for c in wanted if c not in frame.columns})
        if missing:
            hints = "".join(_suggest(c, frame.columns) for c in missing[:1])
            raise MappingError(f"mapping {self.name!r}: the file lacks columns {missing}{hints}")
        for name in TIMESTAMPS:
            if name not in self.columns:
                continue
            values = _column(frame, self, name)
            sample = values[values != ""].head(TRY_ROWS)
            if sample.empty:
                continue
            _, parsed = _timestamps(sample, self.format_of(name))
            read = int(parsed.notna().sum())
            if read * 2 <= len(sample):
                example = sample[parsed.isna()].iloc[0]
                fmt = self.format_of(name) or "ISO 8601"
                raise MappingError(f"column {self.columns[name]!r} ({name}): timestamp format {fmt!r} does not "
                                   f"read {example!r} ({read} of the first {len(sample)} values read); fix "
                                   f"timestamp_format{'.' + name if isinstance(self.timestamp_format, dict) else ''}")
        unmapped = {}
        for name, known in (("status", self.status), ("category", self.categories), ("channel", self.channels)):
            if name not in self.columns:
                continue
            values = _column(frame, self, name)
            counts = values[~values.isin(list(known))].value_counts()
            if len(counts):
                unmapped[name] = {str(k): int(v) for k, v in counts.items()}
        failing = {k: v for k, v in unmapped.items() if self.unmapped.get(k) == "fail"}
        if failing:
            listed = "; ".join(f"{name}: " + ", ".join(f"{v!r} ({n:,})" for v, n in values.items())
                               for name, values in failing.items())
            raise MappingError(f"mapping {self.name!r}: source values with no mapping — {listed}; map them, or "
                               f"set unmapped.{next(iter(failing))} to the code they should take")
        return unmapped


def unmapped_summary(mapping: Mapping, unmapped: dict[str, dict[str, int]]) -> str:
    """'status: 'X' (3) → open' style text of the values the mapping does not list."""
    parts = []
    for name, values in unmapped.items():
        policy = mapping.unmapped.get(name)
        target = "quarantined at ingest" if policy == "quarantine" else policy
        parts.append(f"{name}: " + ", ".join(f"{v or '(empty)'} ({n:,}) → {target}" for v, n in values.items()))
    return "; ".join(parts)


def _timestamps(values: pd.Series, fmt: str | None) -> tuple[pd.Series, pd.Series]:
    """Canonical 'YYYY-MM-DD HH:MM:SS' text (local wall-clock time), the source text where unparsable."""
    present = values.str.strip() != ""
    if fmt:
        parsed = pd.to_datetime(values.where(present), format=fmt, errors="coerce")
    else:  # ISO 8601, possibly with an offset: keep the local clock time the source reported
        parsed = pd.to_datetime(values.where(present).str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True),
                                format="ISO8601", errors="coerce")
    text = parsed.dt.strftime("%Y-%m-%d %H:%M:%S")
    return text.where(parsed.notna(), values.where(present, "")), parsed


def _column(frame: pd.DataFrame, mapping: Mapping, name: str) -> pd.Series:
    source = mapping.columns.get(name)
    if source is None:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[source].fillna("").astype(str).str.strip()


def _days(parsed: pd.Series, fallback) -> pd.Series:
    """The day of each timestamp (`fallback`, a date or a series of them, where it has none)."""
    fallback = fallback if isinstance(fallback, pd.Series) else pd.Series(fallback, index=parsed.index)
    return pd.Series([ts.date() if pd.notna(ts) else f for ts, f in zip(parsed, fallback, strict=True)],
                     index=parsed.index, dtype=object)


def _mapped(values: pd.Series, known: dict[str, str], policy: str) -> pd.Series:
    """Source values through the mapping; unmapped ones take the policy's code, or keep their value
    (`quarantine`: the contract quarantines the row at ingest)."""
    mapped = values.map(known)
    return mapped.fillna(values if policy in ("quarantine", "fail") else policy)


def to_canonical(frame: pd.DataFrame, mapping: Mapping, grid_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases (one per source row, in source order) and their workflow events. `grid_of(cases)` returns
    the L3 grid id of each case ('' when it cannot be placed)."""
    mapping.check(frame)
    frame = frame.reset_index(drop=True)
    reported_text, reported = _timestamps(_column(frame, mapping, "reported_at"), mapping.format_of("reported_at"))
    updated_text, updated = _timestamps(_column(frame, mapping, "updated_at"), mapping.format_of("updated_at"))
    closed_text, closed = _timestamps(_column(frame, mapping, "closed_at"), mapping.format_of("closed_at"))
    due_text, _ = _timestamps(_column(frame, mapping, "due_at"), mapping.format_of("due_at"))
    category = _column(frame, mapping, "category")
    policy = mapping.unmapped.get("category", "quarantine")
    l1l2 = category.map(mapping.categories)
    l1l2 = l1l2.fillna(category.where(category != "", "unmapped") + "/" if policy in ("quarantine", "fail")
                       else policy)
    if "channel" in mapping.columns:
        channel = _mapped(_column(frame, mapping, "channel"), mapping.channels, mapping.unmapped.get("channel", ""))
    else:
        channel = pd.Series(mapping.default_channel or "", index=frame.index, dtype=object)
    # Landing files gridsight writes hold no typed phone or ID numbers either (ingest masks them again).
    description = _column(frame, mapping, "description").map(mask_free_text)
    cases = pd.DataFrame({
        "case_id": _column(frame, mapping, "case_id"),
        "reported_at": reported_text,
        "channel": channel,
        "category_l1": l1l2.str.split("/", n=1).str[0],
        "category_l2": l1l2.str.split("/", n=1).str[1],
        "grid_id": "",
        "lat": _column(frame, mapping, "lat"),
        "lon": _column(frame, mapping, "lon"),
        "address": _column(frame, mapping, "address").map(mask_free_text),
        "description": description,
        "reporter_name": "",
        "reporter_phone": "",
        "priority": "normal",
        "due_at": due_text,
        "sla_hours": _column(frame, mapping, "sla_hours"),
    })
    if grid_of is not None:
        names = mapping.area_name_source()
        cases["grid_id"] = grid_of(cases.assign(
            street=_column(frame, mapping, "street"), community=_column(frame, mapping, "community"),
            area_name=frame[names].fillna("").astype(str).str.strip() if names else "")).to_numpy()
    first_day = reported.min()
    fallback_day = first_day.date() if pd.notna(first_day) else dt.date.today()
    cases["dt"] = _days(reported, fallback_day)
    events = _events(frame, mapping, cases, reported, reported_text, updated, updated_text, closed, closed_text)
    return cases, events


def _events(frame, mapping, cases, reported, reported_text, updated, updated_text, closed, closed_text):
    """reported at the report time; then by status: accepted / referred (escalated) at the update time,
    closed at the close time (or the update time): resolved and closed, or closed only when cancelled.
    An accepted or referred case without an update time takes the next known time: its close time, else its
    report time (the export says it was accepted, not when; at the report is the earliest it can have been,
    so such a case counts 0 hours to accept). A time the export gives but that cannot be read stays as given
    and the event is quarantined at ingest (invalid_timestamp), as is a closed case with no time at all."""
    if "status" in mapping.columns:
        state = _mapped(_column(frame, mapping, "status"), mapping.status, mapping.unmapped.get("status", "open"))
    else:    # the export says nothing about the workflow: every case is as reported
        state = pd.Series("open", index=frame.index, dtype=object)
    agency = _column(frame, mapping, "agency")
    actor = mapping.level + ":" + agency.where(agency != "", "unknown")
    end_text = closed_text.where(closed_text != "", updated_text)
    end_at = closed.where(closed.notna(), updated)
    step_text = updated_text.where(updated_text != "", closed_text.where(closed_text != "", reported_text))
    step_at = updated.where(updated_text != "", closed.where(closed_text != "", reported))
    rows = []

    def add(mask, event_type, text, at):
        part = pd.DataFrame({"case_id": cases["case_id"], "event_type": event_type, "at": text,
                             "level": mapping.level, "actor": actor, "satisfaction": "",
                             "mediation_outcome": "", "dt": _days(at, cases["dt"])})
        rows.append(part[mask])

    everything = pd.Series(True, index=cases.index)
    add(everything, "reported", reported_text, reported)
    add(state == "accepted", "accepted", step_text, step_at)
    add(state == "referred", "escalated", step_text, step_at)
    add(state == "closed", "resolved", end_text, end_at)
    add(state.isin(["closed", "cancelled"]), "closed", end_text, end_at)
    events = pd.concat(rows).sort_index(kind="stable")
    events.insert(1, "seq", events.groupby(level=0).cumcount() + 1)
    return events.reset_index(drop=True)

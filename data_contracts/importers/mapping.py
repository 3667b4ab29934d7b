"""A column mapping (YAML) from a service-request export to canonical incident cases and events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from data_contracts.privacy import mask_free_text

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
# Canonical fields a mapping can fill from source columns
FIELDS = ("case_id", "reported_at", "updated_at", "closed_at", "status", "category", "channel", "lat", "lon",
          "address", "description", "agency", "street", "community")
STATES = ("open", "accepted", "referred", "closed", "cancelled")


class MappingError(ValueError):
    """The mapping file or the export does not fit together (missing columns, unknown keys)."""


@dataclass(frozen=True)
class Mapping:
    name: str
    columns: dict[str, str]
    timestamp_format: str | None = None         # strftime format; None → ISO 8601 (offset dropped)
    status: dict[str, str] = field(default_factory=dict)       # source status → one of STATES
    categories: dict[str, str] = field(default_factory=dict)   # source category → "l1/l2"
    channels: dict[str, str] = field(default_factory=dict)     # source channel → channel code
    default_channel: str | None = None
    level: str = "district"                      # ladder level of the handling agency
    cell_degrees: float | None = None            # derive L3 grids as lat/lon cells of this size
    area_prefix: str = "X"
    area_name: str = "Imported area"

    @classmethod
    def load(cls, path: Path | str) -> Mapping:
        path = Path(path)
        if not path.exists() and (MAPPINGS / f"{path}.yaml").exists():
            path = MAPPINGS / f"{path}.yaml"
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
        unknown = set(spec.get("columns", {})) - set(FIELDS)
        if unknown:
            raise MappingError(f"{path}: unknown canonical fields {sorted(unknown)}; known: {', '.join(FIELDS)}")
        for required in ("case_id", "reported_at", "category"):
            if required not in spec.get("columns", {}):
                raise MappingError(f"{path}: columns.{required} is required")
        bad_states = set(spec.get("status", {}).values()) - set(STATES)
        if bad_states:
            raise MappingError(f"{path}: status values must be among {STATES}, got {sorted(bad_states)}")
        areas = spec.get("areas", {})
        return cls(name=spec.get("name", path.stem), columns=spec["columns"],
                   timestamp_format=spec.get("timestamp_format"), status=spec.get("status", {}),
                   categories=spec.get("categories", {}), channels=spec.get("channels", {}),
                   default_channel=spec.get("default_channel"), level=spec.get("level", "district"),
                   cell_degrees=areas.get("cell_degrees"), area_prefix=areas.get("prefix", "X"),
                   area_name=areas.get("name", spec.get("name", path.stem)))


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


def to_canonical(frame: pd.DataFrame, mapping: Mapping, grid_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases (one per source row, in source order) and their workflow events. `grid_of(cases)` returns
    the L3 grid id of each case ('' when it cannot be placed)."""
    missing = sorted({c for c in mapping.columns.values() if c not in frame.columns})
    if missing:
        raise MappingError(f"mapping {mapping.name!r}: the file lacks columns {missing}")
    frame = frame.reset_index(drop=True)
    reported_text, reported = _timestamps(_column(frame, mapping, "reported_at"), mapping.timestamp_format)
    updated_text, updated = _timestamps(_column(frame, mapping, "updated_at"), mapping.timestamp_format)
    closed_text, closed = _timestamps(_column(frame, mapping, "closed_at"), mapping.timestamp_format)
    category = _column(frame, mapping, "category")
    l1l2 = category.map(mapping.categories).fillna(category.where(category != "", "unmapped") + "/")
    channel = _column(frame, mapping, "channel").map(mapping.channels)
    channel = channel.fillna(mapping.default_channel if mapping.default_channel else _column(frame, mapping, "channel"))
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
    })
    if grid_of is not None:
        cases["grid_id"] = grid_of(cases.assign(street=_column(frame, mapping, "street"),
                                                community=_column(frame, mapping, "community")))
    first_day = reported.min()
    fallback_day = first_day.date() if pd.notna(first_day) else dt.date.today()
    cases["dt"] = reported.dt.date.where(reported.notna(), fallback_day)
    events = _events(frame, mapping, cases, reported, reported_text, updated, updated_text, closed, closed_text)
    return cases, events


def _events(frame, mapping, cases, reported, reported_text, updated, updated_text, closed, closed_text):
    """reported at the report time; then by status: accepted / referred (escalated) at the update time,
    closed at the close time (or the update time): resolved and closed, or closed only when cancelled.
    An event whose time is missing keeps it empty and is quarantined at ingest."""
    state = _column(frame, mapping, "status").map(mapping.status).fillna("open")
    agency = _column(frame, mapping, "agency")
    actor = mapping.level + ":" + agency.where(agency != "", "unknown")
    end_text = closed_text.where(closed_text != "", updated_text)
    end_at = closed.where(closed.notna(), updated)
    rows = []

    def add(mask, event_type, text, at):
        part = pd.DataFrame({"case_id": cases["case_id"], "event_type": event_type, "at": text,
                             "level": mapping.level, "actor": actor, "satisfaction": "",
                             "mediation_outcome": "", "dt": at.dt.date.where(at.notna(), cases["dt"])})
        rows.append(part[mask])

    everything = pd.Series(True, index=cases.index)
    add(everything, "reported", reported_text, reported)
    add(state == "accepted", "accepted", updated_text, updated)
    add(state == "referred", "escalated", updated_text, updated)
    add(state == "closed", "resolved", end_text, end_at)
    add(state.isin(["closed", "cancelled"]), "closed", end_text, end_at)
    events = pd.concat(rows).sort_index(kind="stable")
    events.insert(1, "seq", events.groupby(level=0).cumcount() + 1)
    return events.reset_index(drop=True)

"""Column specs of every landing file: names, types, required, allowed values and personal data.

One place for the shape of each source. `pii` names the kind of personal identifier a column holds;
ingest replaces it as data_contracts.privacy describes and the column never reaches the warehouse.
`free_text` marks what people type freely (a case's address and description): ingest masks the phone
and ID numbers typed into it before raw, for every source (simulator, importers, any landing file).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data_contracts.codes import CodeLists

# Column type → DuckDB type in raw.* tables
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN",
                "timestamp": "TIMESTAMP", "date": "DATE"}
# How each kind of personal identifier is replaced: output column suffix → DuckDB type
PII_OUTPUTS = {
    "name": {"mask": "VARCHAR"},
    "id_number": {"key": "VARCHAR", "region": "VARCHAR", "birth_year": "INTEGER", "sex": "VARCHAR"},
    "phone": {"key": "VARCHAR", "mask": "VARCHAR"},
    "plates": {"keys": "VARCHAR", "masks": "VARCHAR"},
    "birth_date": {"year": "INTEGER"},
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    pii: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None   # regular expression the (clear) value must match
    id_checksum: bool = False    # a resident ID number whose GB 11643 check character must be right
    birth_date: bool = False     # a birth date: not after the landing day, not over MAX_AGE_YEARS, as in the ID
    reference: str | None = None  # the value must be a known id of this reference ("grid": the grids source)
    free_text: bool = False      # typed freely: phone and ID numbers in it are masked at ingest
    # The case's start (cases' reported_at): no event of the case (same case_id, in the ingested days) may be
    # earlier; ingest passes each case's earliest event time as the `case_events` reference.
    case_start: bool = False
    # An event time (events' at): no event of a case may be earlier than the case's event of this type
    # (its `reported` event); every event of such a case is quarantined.
    case_start_event: str | None = None
    # An area's polygon (GeoJSON text): when present it must be a non-empty (multi)polygon in WGS84 range
    # (data_contracts.geometry), else the row is quarantined as `bad_geometry`.
    polygon: bool = False
    # A grid id placed from these coordinate columns: left empty while the coordinates are present, the point
    # lies outside every grid (the importer's placer found none) and the row is quarantined as `outside_grids`.
    placed_from: tuple[str, str] | None = None
    # A timestamp that may not be earlier than this column of the same row (a case due before it was reported)
    not_before: str | None = None
    # The code list its allowed values come from ('channel', 'category_l1', 'category_l2'): the seed's codes,
    # extended at ingest by the district's (data_contracts.codes, `with_codes`)
    codes: str | None = None
    # A column added after files were first delivered: a landing file may leave it out (read as empty)
    may_be_absent: bool = False
    # A device message time: more than FUTURE_SLACK after the end of its file's day is `future_time`, more than
    # MAX_LATE_DAYS before its file's day `too_old` (late batches up to then are normal)
    near_file_day: bool = False
    # A value checked against its device type's physical range (seed device_types: reading_min … reading_max);
    # the type comes from the registry through this row's device_id, only for rows of these event types
    reading_of: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FileContract:
    source: str
    filename: str
    table: str
    columns: tuple[Column, ...]
    # columns no two rows of one file may share (the first row is kept, later ones are duplicates)
    unique_per_file: tuple[str, ...] | None = None
    # columns whose repeat (every one equal, within the days ingested together) is the same message sent twice:
    # the first is loaded, the rest de-duplicated and counted (rows in = loaded + quarantined + de-duplicated)
    deduplicate_on: tuple[str, ...] | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def warehouse_columns(self) -> list[tuple[str, str]]:
        """(name, DuckDB type) of the raw table: personal columns replaced by their pseudonyms/masks."""
        out = []
        for c in self.columns:
            if c.pii:
                out.extend((f"{c.name}_{suffix}", kind) for suffix, kind in PII_OUTPUTS[c.pii].items())
            else:
                out.append((c.name, DUCKDB_TYPES[c.type]))
        return out


def _cols(*specs) -> tuple[Column, ...]:
    return tuple(s if isinstance(s, Column) else Column(s) for s in specs)


# Incidents, grids and devices come from importers (Open311, CSV mappings) for cities anywhere.
ANY_LAT = dict(min_value=-90.0, max_value=90.0)
ANY_LON = dict(min_value=-180.0, max_value=180.0)
SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


def seed_codes(seed: str, column: str) -> tuple[str, ...]:
    """The codes of a dbt seed (categories, channels): the values an incident may carry."""
    with open(SEEDS / f"{seed}.csv", encoding="utf-8") as f:
        return tuple(dict.fromkeys(row[column] for row in csv.DictReader(f)))


def seed_rows(seed: str) -> list[dict[str, str]]:
    """The rows of a dbt seed (e.g. the category pairs a mapping may name)."""
    with open(SEEDS / f"{seed}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def reading_ranges() -> dict[str, tuple[float, float]]:
    """Each device type's physical reading range (seed device_types: reading_min, reading_max); a type
    without one (or a seed without those columns) has no range check."""
    out = {}
    for row in seed_rows("device_types"):
        low, high = (row.get("reading_min") or "").strip(), (row.get("reading_max") or "").strip()
        if low and high:
            out[row["device_type"]] = (float(low), float(high))
    return out


COUNT = dict(min_value=0)
MAX_SLA_HOURS = 87_600.0   # ten years: the longest SLA a category or a case may have (data_contracts.codes)
ID_NUMBER = r"^[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]$"
MOBILE = r"^1[3-9]\d{9}$"
LEVELS = ("district", "street", "community", "grid", "micro_grid")
GRID_TYPES = ("administrative", "residential", "commercial", "special", "mobile")
FLAG = dict(type="boolean")
MAX_DEVICE_MINUTES = 10_080.0   # a week: the longest heartbeat or offline timeout a device may declare
MAX_QUIET_HOURS = 72.0          # the longest quiet window a welfare check may wait
FUTURE_SLACK = "1h"             # a device clock this far past the end of its file's day is wrong
MAX_LATE_DAYS = 30              # late batches up to this many days before their file's day are normal
# ids and codes: printable, no spaces or quotes (a code or id is never free text)
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"
HOUSEHOLD_ID = DEVICE_ID
CODE = r"^[A-Za-z0-9_\-]{1,64}$"

CONTRACTS: tuple[FileContract, ...] = (
    FileContract("grids", "grids.geojson", "grids", _cols(
        "grid_id", Column("parent_id", required=False), Column("level", allowed=LEVELS),
        Column("grid_type", allowed=GRID_TYPES), "name_zh", "name_en",
        Column("households", "integer", **COUNT), Column("shops", "integer", **COUNT),
        Column("centroid_lat", "double", required=False, **ANY_LAT),
        Column("centroid_lon", "double", required=False, **ANY_LON),
        Column("valid_from", "date"), Column("valid_to", "date", required=False),
        Column("geometry", required=False, polygon=True))),
    FileContract("population", "register.csv", "population_register", _cols(
        Column("name", pii="name"), Column("id_number", pii="id_number", pattern=ID_NUMBER, id_checksum=True),
        Column("phone", required=False, pii="phone", pattern=MOBILE),
        Column("sex", allowed=("M", "F")), Column("birth_date", "date", pii="birth_date", birth_date=True),
        "ethnicity", "household_id",
        Column("relation_to_head", allowed=("head", "spouse", "child", "parent", "other")),
        "building", "unit", "room", Column("grid_id", reference="grid"),
        Column("residence_type", allowed=("registered", "resident", "floating")), Column("is_renter", **FLAG),
        Column("landlord_household_id", required=False), Column("move_in_date", "date"),
        Column("registered_on", "date"), Column("deregistered_on", "date", required=False),
        "occupation", "employer_type", "education", "marital_status",
        Column("elderly_alone", **FLAG), Column("disabled", **FLAG), Column("chronic_illness", **FLAG),
        Column("low_income", **FLAG), Column("veteran", **FLAG), Column("minor_left_behind", **FLAG),
        Column("focus_person", **FLAG), Column("pets", "integer", **COUNT),
        Column("vehicle_plates", required=False, pii="plates"),
        Column("household_tier", allowed=("red", "yellow", "green")),
        Column("change_type", allowed=("snapshot", "register", "update", "deregister")),
        Column("changed_at", "date")), unique_per_file=("id_number", "change_type")),
    FileContract("incidents", "cases.csv", "incident_cases", _cols(
        "case_id", Column("reported_at", "timestamp", case_start=True),
        Column("channel", allowed=seed_codes("channels", "channel"), codes="channel"),
        Column("category_l1", allowed=seed_codes("categories", "category_l1"), codes="category_l1"),
        Column("category_l2", allowed=seed_codes("categories", "category_l2"), codes="category_l2"),
        Column("grid_id", placed_from=("lat", "lon")),
        Column("lat", "double", required=False, **ANY_LAT), Column("lon", "double", required=False, **ANY_LON),
        Column("address", required=False, free_text=True), Column("description", required=False, free_text=True),
        Column("reporter_name", required=False, pii="name"),
        Column("reporter_phone", required=False, pii="phone", pattern=MOBILE),
        Column("priority", allowed=("urgent", "normal")),
        # the case's own resolution due time or SLA (hours), when its source has one: wins over the category's
        Column("due_at", "timestamp", required=False, not_before="reported_at", may_be_absent=True),
        Column("sla_hours", "double", required=False, min_value=0.0, max_value=MAX_SLA_HOURS,
               may_be_absent=True),
        # the sensor whose confirmed alarm the case system opened this case from (channel smart_sensor)
        Column("device_id", required=False, may_be_absent=True, pattern=DEVICE_ID))),
    FileContract("incidents", "events.csv", "incident_events", _cols(
        "case_id", Column("seq", "integer", min_value=1),
        Column("event_type", allowed=("reported", "accepted", "dispatched", "escalated", "resolved", "verified",
                                      "closed", "reopened", "rated")),
        Column("at", "timestamp", case_start_event="reported"), Column("level", allowed=LEVELS),
        "actor", Column("satisfaction", "integer", required=False, min_value=1, max_value=5),
        Column("mediation_outcome", required=False, allowed=("success", "failed")))),
    FileContract("devices", "registry.csv", "device_registry", _cols(
        "device_id", Column("device_type", allowed=seed_codes("device_types", "device_type")),
        Column("grid_id", placed_from=("lat", "lon")),
        Column("lat", "double", required=False, **ANY_LAT),
        Column("lon", "double", required=False, **ANY_LON),
        Column("installed_at", "date"), "vendor",
        # a device's own timing, overriding its type's (seed device_types)
        Column("heartbeat_minutes", "double", required=False, min_value=1.0, max_value=MAX_DEVICE_MINUTES,
               may_be_absent=True),
        Column("offline_after_minutes", "double", required=False, min_value=1.0, max_value=MAX_DEVICE_MINUTES,
               may_be_absent=True),
        # the register's household code, on in-home devices of an elderly person living alone
        Column("household_id", required=False, pattern=HOUSEHOLD_ID, may_be_absent=True),
        Column("quiet_hours", "double", required=False, min_value=1.0, max_value=MAX_QUIET_HOURS,
               may_be_absent=True))),
    FileContract("devices", "telemetry.csv", "device_telemetry", _cols(
        Column("device_id", reference="device"), Column("ts", "timestamp", near_file_day=True),
        Column("event_type", allowed=("heartbeat", "alarm", "clear", "fault", "restore", "reading")),
        # door and water values come with readings and heartbeats alike: both are range-checked
        Column("value", "double", required=False, reading_of=("reading", "heartbeat")),
        Column("code", required=False, pattern=CODE)),
        deduplicate_on=("device_id", "ts", "event_type", "code", "value")),
    FileContract("devices", "alarm_actions.csv", "device_alarm_actions", _cols(
        Column("device_id", reference="device"), Column("code", pattern=CODE),
        Column("at", "timestamp", near_file_day=True),
        Column("action", allowed=("acknowledged", "confirmed", "false_alarm", "cleared")), "actor"),
        deduplicate_on=("device_id", "code", "at", "action", "actor")),
    FileContract("devices", "welfare_outcomes.csv", "device_welfare_outcomes", _cols(
        Column("household_id", pattern=HOUSEHOLD_ID), Column("at", "timestamp", near_file_day=True),
        Column("outcome", allowed=("safe_after_call", "away", "visited_safe", "help_needed")), "actor"),
        deduplicate_on=("household_id", "at", "outcome", "actor")),
    FileContract("foot_traffic", "zones.csv", "foot_traffic_zones", _cols(
        "zone_id", "district_code", "district_name_zh", "district_name_en", "name_zh", "name_en", "grid_id",
        Column("safe_capacity", "integer", min_value=1))),
    FileContract("foot_traffic", "counts.csv", "foot_traffic_counts", _cols(
        "counter_id", "zone_id", Column("ts", "timestamp"), Column("count_in", "integer", **COUNT),
        Column("count_out", "integer", required=False, **COUNT))),
)

MAX_AGE_YEARS = 120

SOURCES: tuple[str, ...] = tuple(dict.fromkeys(c.source for c in CONTRACTS))


def contracts_for(source: str, code_lists: CodeLists | None = None) -> list[FileContract]:
    """The file contracts of a source; with `code_lists`, coded columns allow the district's codes too."""
    found = [c for c in CONTRACTS if c.source == source]
    if not found:
        raise KeyError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    return [with_codes(c, code_lists) for c in found] if code_lists is not None else found


def with_codes(contract: FileContract, code_lists: CodeLists) -> FileContract:
    """The contract with each coded column's allowed values taken from `code_lists`."""
    def allowed(kind: str) -> tuple[str, ...]:
        return code_lists.channels if kind == "channel" else code_lists.category_levels(kind.split("_")[1])

    columns = tuple(replace(c, allowed=allowed(c.codes)) if c.codes else c for c in contract.columns)
    return replace(contract, columns=columns)

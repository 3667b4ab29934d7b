"""Any fleet's export → device landing files (registry.csv, telemetry.csv) through a mapping
(`source: devices`, e.g. mappings/edinburgh_bins.yaml).

One export may hold both: each row names a device (registry fields) and, when columns.ts is mapped, one
telemetry event of it (ts, event_type, value, code). The registry has one row per device_id, from the
device's last row in the file (devices whose registry fields differ between rows are counted in the
summary). `installed_at`, when the export has none, is the day the device is first seen in it. Areas: a
mapped column or constant `grid_id` (optionally through `values.grid_id`, source area → grid id), or —
with coordinates and the district's grid polygons — the placer (`placer.place(lat, lon, names, at)` →
grid id, reason; a device outside every grid keeps no grid id and ingest quarantines it, the reason is in
the summary). Coordinates are optional (many fleets have none).

Landing days: telemetry by the event's day (district time); the registry on the import's first day.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_contracts.importers.mapping import MappingError
from data_contracts.importers.source_mapping import (
    SourceMapping,
    contract_target,
    landing_text,
    numbers,
)
from data_contracts.specs import contracts_for, seed_codes
from gridsight import settings

_CONTRACTS = {c.table: c for c in contracts_for("devices")}
# a registry's optional columns (a device's own timing, its household) are written only when a mapping gives them
REGISTRY = [c.name for c in _CONTRACTS["device_registry"].columns if not c.may_be_absent]
REGISTRY_OPTIONAL = [c.name for c in _CONTRACTS["device_registry"].columns if c.may_be_absent]
TELEMETRY = _CONTRACTS["device_telemetry"].names
TARGET = contract_target("devices", derived=("installed_at", "grid_id", "ts", "event_type"),
                         tables=("device_registry", "device_telemetry"))
# device types are the seed's codes (dbt_project/seeds/device_types.csv)
TARGET.coded["device_type"] = seed_codes("device_types", "device_type")


def load_mapping(path: Path | str) -> SourceMapping:
    mapping = SourceMapping.load(path, TARGET)
    where = mapping.path
    if "ts" in mapping.columns and not mapping.has("event_type"):
        raise MappingError(f"{where}: telemetry needs event_type: a column (columns.event_type) or a constant "
                           f"(constants.event_type: reading); one of {', '.join(TARGET.coded['event_type'])}")
    if not mapping.has("installed_at") and "ts" not in mapping.columns:
        raise MappingError(f"{where}: installed_at needs a column or a constant (or map columns.ts: a device is "
                           "then installed on the day it is first seen)")
    if not mapping.has("grid_id") and not {"lat", "lon"} <= set(mapping.columns):
        raise MappingError(f"{where}: grid_id needs a column (e.g. the street or site), a constant, or "
                           "columns.lat and columns.lon to place devices in the district's grids")
    return mapping


def canonical(frame: pd.DataFrame, mapping: SourceMapping, placer=None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(registry, telemetry, facts); telemetry is empty when the export has no event times."""
    unmapped = mapping.check(frame)
    frame = frame.reset_index(drop=True)
    rows = pd.DataFrame({name: mapping.column(frame, name) for name in ("device_id", "vendor", "lat", "lon", "code")})
    rows["device_type"] = mapping.coded(frame, "device_type")
    area = mapping.coded if "grid_id" in mapping.values else mapping.column   # source area → grid id
    rows["grid_id"] = area(frame, "grid_id")
    facts: dict = {"rows_read": len(frame), "unmapped": unmapped}
    telemetry = pd.DataFrame(columns=[*TELEMETRY, "_at"])
    first_seen = None
    if "ts" in mapping.columns:
        text, at = mapping.times(mapping.column(frame, "ts"), "ts")
        telemetry = pd.DataFrame({"device_id": rows["device_id"], "ts": text,
                                  "event_type": mapping.coded(frame, "event_type"),
                                  "value": mapping.column(frame, "value"), "code": rows["code"], "_at": at})
        value = numbers(telemetry["value"])
        # numbers in their shortest form ("78", "0.5"); unreadable text stays for ingest to quarantine
        telemetry["value"] = telemetry["value"].where(value.isna(), value.map(lambda v: f"{v:.15g}"))
        first_seen = at.groupby(rows["device_id"]).min()
    if mapping.has("installed_at"):
        rows["installed_at"], _ = mapping.times(mapping.column(frame, "installed_at"), "installed_at")
    else:
        rows["installed_at"] = rows["device_id"].map(first_seen.dt.strftime("%Y-%m-%d")).fillna("")
    registry = rows.drop_duplicates("device_id", keep="last").reset_index(drop=True)
    differing = rows.groupby("device_id")[["device_type", "grid_id", "lat", "lon", "vendor"]].nunique()
    facts["devices_with_differing_rows"] = int((differing > 1).any(axis=1).sum())
    if placer is not None and {"lat", "lon"} <= set(mapping.columns):
        names = registry["grid_id"] if mapping.has("grid_id") else None
        grid_id, reason = placer.place(numbers(registry["lat"]), numbers(registry["lon"]), names=names,
                                       at=pd.to_datetime(registry["installed_at"], errors="coerce"))
        registry["grid_id"] = pd.Series(grid_id, index=registry.index).fillna("")
        reason = pd.Series(reason, index=registry.index)
        facts["unplaced"] = {str(k): int(v) for k, v in reason[reason != ""].value_counts().items()}
    elif not mapping.has("grid_id"):
        raise MappingError(f"mapping {mapping.name!r}: no grid polygons to place devices by their coordinates; "
                           "import the district's grids first, or map grid_id")
    facts |= {"devices": len(registry), "telemetry": len(telemetry), "_grid_ids": set(registry["grid_id"])}
    return registry, telemetry, facts


def parts(frame: pd.DataFrame, mapping: SourceMapping, placer=None) -> tuple[list, dict, list[str]]:
    """Landing parts (path, writer, rows) for commit_import, facts, and [first day, last day]."""
    registry, telemetry, facts = canonical(frame, mapping, placer)
    days = telemetry["_at"].dt.date if len(telemetry) else pd.Series(dtype=object)
    known = days.dropna()
    first_day = min(known) if len(known) else settings.today()
    out = []
    if len(telemetry):
        telemetry["dt"] = days.where(days.notna(), first_day)
        for day, part in telemetry.groupby("dt", sort=True):
            out.append((f"devices/dt={day:%Y-%m-%d}/telemetry.csv",
                        lambda p, part=part: landing_text(part, TELEMETRY).to_csv(p, index=False), len(part)))
    out.append((f"devices/dt={first_day:%Y-%m-%d}/registry.csv",
                lambda p: landing_text(registry, REGISTRY + [c for c in REGISTRY_OPTIONAL if c in registry])
                .to_csv(p, index=False), len(registry)))
    last_day = max(known) if len(known) else first_day
    return out, facts, [str(first_day), str(last_day)]

"""`gridsight import population|devices|foot-traffic FILE --mapping M`: read the export, check it against
its mapping, map it and write it as one import transaction (landing.commit_import: an id, a manifest,
replace on re-import, all or nothing). Nothing is written when the mapping does not fit (MappingError)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.importers import devices, foot_traffic, population
from data_contracts.importers.landing import commit_import, source_identity
from data_contracts.importers.mapping import MappingError
from data_contracts.importers.source_mapping import read_export
from data_contracts.validate import known_grid_ids

# CLI name → the module that maps it (load_mapping, parts)
IMPORTERS = {"population": population, "devices": devices, "foot-traffic": foot_traffic}


@dataclass(frozen=True)
class SourceImport:
    kind: str
    rows_read: int
    written: dict[str, int]                  # landing file name → rows written
    files: int
    first_day: str
    last_day: str
    facts: dict = field(default_factory=dict)
    import_id: str = ""
    replaces: tuple[str, ...] = ()
    span: tuple[str, str] = ("", "")         # the days to ingest again (this import's and those it replaced)

    def summary(self) -> str:
        written = ", ".join(f"{rows:,} {name.removesuffix('.csv')} rows" for name, rows in self.written.items())
        text = (f"import {self.import_id}: {self.rows_read:,} rows read → {written} in {self.files} landing files; "
                f"days {self.first_day} … {self.last_day} (rows the contracts reject are quarantined with their "
                "rule at ingest)")
        notes = {"empty_cells": "empty cells (hours a counter did not report)",
                 "summed_hours": "counts summed into an hour that occurs twice",
                 "devices_with_differing_rows": "devices whose rows differ (the last row kept)"}
        for key, what in notes.items():
            if self.facts.get(key):
                text += f"; {self.facts[key]:,} {what}"
        for key in ("unplaced", "zones_unplaced"):
            if self.facts.get(key):
                text += "; not placed: " + ", ".join(f"{r} ({n:,})" for r, n in self.facts[key].items())
        if self.facts.get("unmapped"):
            text += "; values with no mapping — " + "; ".join(
                f"{name}: " + ", ".join(f"{v or '(empty)'} ({n:,})" for v, n in values.items())
                for name, values in self.facts["unmapped"].items())
        if self.facts.get("unknown_grids"):
            named = self.facts["unknown_grids"]
            text += (f"; {len(named):,} grid ids no grids file holds ({', '.join(map(str, named[:5]))}"
                     f"{' …' if len(named) > 5 else ''}): import the district's grids before publishing")
        if self.replaces:
            text += f"; replaces import {', '.join(self.replaces)} of the same file"
        return text


def import_file(kind: str, path: Path | str, mapping_path: Path | str, landing: Path, imports: Path,
                placer=None) -> SourceImport:
    """Import one export of `kind` (population, devices, foot-traffic). `placer`: the district's grid
    polygons (`placer.place(lat, lon, names, at)` → grid id, reason) for rows with coordinates."""
    if kind not in IMPORTERS:
        raise MappingError(f"unknown source {kind!r} (known: {', '.join(IMPORTERS)})")
    module = IMPORTERS[kind]
    mapping = module.load_mapping(mapping_path)
    frame = read_export(path)
    if frame.empty:
        raise MappingError(f"{path}: no rows under the header; nothing to import")
    parts, facts, days = module.parts(frame, mapping, placer)
    unknown = sorted(facts.pop("_grid_ids") - known_grid_ids(landing) - {""})
    if unknown:
        facts["unknown_grids"] = unknown
    written: dict[str, int] = {}
    for rel, _, rows in parts:
        written[Path(rel).name] = written.get(Path(rel).name, 0) + rows
    committed = commit_import(
        parts, landing, imports, source=source_identity(frame, path), rows_read=len(frame),
        mapping={"name": mapping.name, "path": mapping.path, "source": kind}, days=days,
        rows={"read": len(frame), **written}, extra={"facts": facts})
    span = [*days, *committed.replaced_days]
    return SourceImport(kind, len(frame), written, len(parts), days[0], days[1], facts, committed.import_id,
                        committed.replaces, (min(span), max(span)))

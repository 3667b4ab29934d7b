"""Write imported cases, events and grids as landing files, one folder per day, like the simulator."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_contracts.importers.areas import CellGrid
from data_contracts.importers.mapping import Mapping, to_canonical


@dataclass(frozen=True)
class ImportResult:
    rows_read: int
    cases_written: int
    events_written: int
    grids_written: int
    first_day: str
    last_day: str
    files: int

    def summary(self) -> str:
        return (f"{self.rows_read:,} rows read → {self.cases_written:,} cases and {self.events_written:,} events "
                f"in {self.files} landing files, {self.grids_written:,} areas; days {self.first_day} … "
                f"{self.last_day} (rows the contracts reject are quarantined with their rule at ingest)")


def _write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def import_frame(frame: pd.DataFrame, mapping: Mapping, landing: Path) -> ImportResult:
    """Map a source frame (all values text) and write incidents (and, for cell grids, grids) landing files.
    Re-importing the same file rewrites the same files (idempotent)."""
    grid = CellGrid(mapping.cell_degrees, mapping.area_prefix, mapping.area_name) if mapping.cell_degrees else None
    cases, events = to_canonical(frame, mapping, grid_of=grid)
    files = 0
    for name, part in (("cases.csv", cases), ("events.csv", events)):
        for day, rows in part.groupby("dt", sort=True):
            _write(landing / "incidents" / f"dt={day:%Y-%m-%d}" / name,
                   lambda p, rows=rows: rows.drop(columns="dt").to_csv(p, index=False))
            files += 1
    first, last = min(cases["dt"]), max(max(cases["dt"]), max(events["dt"]))
    grids = 0
    if grid is not None:
        collection = grid.collection(first)
        grids = len(collection["features"])
        _write(landing / "grids" / f"dt={first:%Y-%m-%d}" / "grids.geojson",
               lambda p: p.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8"))
        files += 1
    return ImportResult(len(frame), len(cases), len(events), grids, str(first), str(last), files)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

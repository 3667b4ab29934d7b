"""A synthetic service-request export shaped like the LA 311 sample, for benchmarks over long, sparse histories:
`rows` requests spread evenly over `years` years and about `grids` cells of the la311 mapping (0.02° lat/lon
cells), most closed within days, some cancelled, pending, referred or open for ever. Deterministic for a seed.

    python -m simulator.export --rows 6000 --years 15 --grids 700 --out export.csv
    gridsight import csv --mapping la311 export.csv --materialize
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np

from data_contracts.importers.mapping import Mapping

FORMAT = "%m/%d/%y %H:%M"          # the la311 mapping's timestamp format
COLUMNS = ("srnumber", "createddate", "updateddate", "closeddate", "status", "requesttype", "requestsource",
           "latitude", "longitude", "address", "owner", "apc", "ncname")
ORIGIN = (34.0, -118.5)            # south-west corner of the cells (Los Angeles)
CELL = 0.02                        # degrees, as mappings/la311.yaml
STATUSES = (("Closed", 0.86), ("Cancelled", 0.05), ("Open", 0.04), ("Pending", 0.03), ("Referred Out", 0.02))


def synthetic_export(path: Path | str, rows: int = 6_000, years: int = 15, grids: int = 700,
                     start: dt.date = dt.date(2010, 1, 1), seed: int = 15) -> Path:
    """Write the export to `path` (CSV, the la311 mapping's columns and codes) and return it."""
    rng = np.random.default_rng(seed)
    mapping = Mapping.load("la311")
    types, sources = sorted(mapping.categories), sorted(mapping.channels)
    side = max(1, math.ceil(math.sqrt(grids)))
    cell = rng.integers(0, grids, rows)
    lat = ORIGIN[0] + (cell // side + rng.random(rows)) * CELL
    lon = ORIGIN[1] + (cell % side + rng.random(rows)) * CELL
    span_minutes = int((dt.date(start.year + years, start.month, start.day) - start).days) * 24 * 60
    created = np.sort(rng.integers(0, span_minutes, rows))
    status = rng.choice([s for s, _ in STATUSES], rows, p=[p for _, p in STATUSES])
    hours_to_close = rng.gamma(1.5, 40.0, rows)
    origin = dt.datetime.combine(start, dt.time())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        for i in range(rows):
            at = origin + dt.timedelta(minutes=int(created[i]))
            closed = at + dt.timedelta(hours=float(hours_to_close[i]))
            updated = closed if status[i] in ("Closed", "Cancelled") else at + dt.timedelta(hours=2)
            out.writerow((
                f"SYN-{i + 1:07d}", at.strftime(FORMAT), updated.strftime(FORMAT),
                closed.strftime(FORMAT) if status[i] in ("Closed", "Cancelled") else "", status[i],
                types[int(rng.integers(len(types)))], sources[int(rng.integers(len(sources)))],
                f"{lat[i]:.6f}", f"{lon[i]:.6f}", f"{int(rng.integers(1, 20000))} SYNTHETIC ST",
                "BOS", f"Area {int(cell[i]) // 100 + 1}", f"Council {int(cell[i]) // 10 + 1}"))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_000)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--grids", type=int, default=700)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.years < 1 or args.grids < 1:
        raise SystemExit("--rows, --years and --grids must be at least 1")
    print(synthetic_export(args.out, args.rows, args.years, args.grids, seed=args.seed))


if __name__ == "__main__":
    main()

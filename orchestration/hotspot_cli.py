"""`gridsight hotspot-backtest`: the dispute-hotspot backtest on the warehouse or on a real city's incident
points (e.g. ../shared/realdata/chicago_aggravated_assaults_2010_2015.csv), printed as a table."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from models_ml import hotspot_backtest as hb
from models_ml import hotspot_features as hf
from orchestration.defs.hotspots.assets import REFIT_EVERY, TRAIN_WEEKS
from orchestration.defs.hotspots.frames import from_point_csv, from_warehouse
from orchestration.defs.resources import Warehouse

COLUMNS = ["pai_10", "hit_rate_10", "pei_10", "pai_20", "hit_rate_20", "pei_20", "poisson_deviance", "weeks"]


def run(points: Path | None, cell_m: float, weeks: int, out: Path | None, progress=print,
        mapping: str | Path = "chicago_assaults") -> pd.DataFrame:
    """The backtest on the warehouse's disputes, or on a city's incident export (`points`) read through an
    import mapping (its reported_at, lat and lon columns)."""
    began = time.monotonic()
    if points:
        if not points.exists():
            raise SystemExit(f"[hotspot-backtest] no such file: {points}")
        try:
            inputs = from_point_csv(points, mapping, cell_m=cell_m)
        except ValueError as error:    # MappingError too: the mapping does not fit the file
            raise SystemExit(f"[hotspot-backtest] {points.name}: {error}") from error
        progress(f"[hotspot-backtest] {points.name}: {len(inputs.events):,} incidents in {len(inputs.grids)} cells of "
                 f"{cell_m:.0f} m ({inputs.dropped} rows without date or location, {inputs.outside} in cells "
                 "without any incident in the first year left out)")
    else:
        warehouse = Warehouse()
        if not warehouse.file.exists():
            raise SystemExit(f"[hotspot-backtest] no warehouse at {warehouse.file}: "
                             "run `gridsight demo` or `gridsight materialize` first")
        inputs = from_warehouse(warehouse)
        progress(f"[hotspot-backtest] {warehouse.file}: {len(inputs.events):,} disputes in {len(inputs.grids)} grids")
    panel, weekly = hf.build_panel(inputs.daily, inputs.grids, inputs.population)
    try:
        results = hb.backtest(panel, weekly, inputs.grids, inputs.events, n_origins=weeks, train_weeks=TRAIN_WEEKS,
                              refit_every=REFIT_EVERY, progress=lambda m: progress(f"[hotspot-backtest] {m}"))
    except ValueError as error:
        raise SystemExit(f"[hotspot-backtest] {error}") from error
    table = hb.summary(results)
    progress(f"[hotspot-backtest] {weeks} weeks {results['origin'].min()} … {results['origin'].max()} "
             f"(origins), mean per model:")
    progress(table[COLUMNS].round(3).to_string())
    best, best_pai = hb.best_baseline(results)
    progress(f"[hotspot-backtest] model PAI@10% {table.loc['model', 'pai_10']:.3f} vs best baseline {best} "
             f"{best_pai:.3f} — done in {time.monotonic() - began:.0f}s")
    if out:
        results.to_csv(out, index=False)
        progress(f"[hotspot-backtest] per-week metrics written to {out}")
    return results

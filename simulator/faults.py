"""Bad rows the way real deliveries have them, injected at a known rate so tests can prove that each
one is quarantined and every good row is loaded. Injected rows are extra copies of real rows with
one field broken, so the world's truth is unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd

# landing file → (column, broken value) choices; each breaks that file's contract
CORRUPTIONS: dict[str, list[tuple[str, str]]] = {
    "register.csv": [("id_number", "34080319"), ("sex", "X"), ("birth_date", "1990-02-30"), ("grid_id", "")],
    "cases.csv": [("priority", "whenever"), ("reported_at", "2026-13-01 08:00:00"), ("lat", "91.5"),
                  ("case_id", "")],
    "events.csv": [("event_type", "teleported"), ("satisfaction", "9"), ("at", "yesterday")],
    "registry.csv": [("lat", "0.0"), ("installed_at", "soon")],
    "telemetry.csv": [("event_type", "explode"), ("ts", "")],
    "counts.csv": [("count_in", "-3"), ("count_out", "many"), ("ts", "2026-02-30 10:00:00")],
}


def inject(rng: np.random.Generator, frame: pd.DataFrame, filename: str, rate: float
           ) -> tuple[pd.DataFrame, list[int]]:
    """The frame with about rate × rows broken copies inserted at random places, and the 1-based row
    numbers (in file order) of the inserted rows."""
    choices = CORRUPTIONS.get(filename)
    n_bad = int(rng.binomial(len(frame), rate)) if choices and rate > 0 and len(frame) else 0
    if n_bad == 0:
        return frame, []
    bad = frame.iloc[rng.integers(0, len(frame), n_bad)].astype(object).copy()
    for i in range(n_bad):
        column, value = choices[int(rng.integers(0, len(choices)))]
        bad.iloc[i, bad.columns.get_loc(column)] = value
    positions = np.sort(rng.choice(len(frame) + n_bad, n_bad, replace=False))
    out = pd.DataFrame(index=range(len(frame) + n_bad), columns=frame.columns, dtype=object)
    is_bad = np.zeros(len(out), dtype=bool)
    is_bad[positions] = True
    out.loc[is_bad] = bad.to_numpy()
    out.loc[~is_bad] = frame.astype(object).to_numpy()
    return out, [int(p) + 1 for p in positions]

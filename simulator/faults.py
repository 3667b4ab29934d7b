"""Bad rows the way real deliveries have them, injected at a known rate so tests can prove that each
one is quarantined and every good row is loaded. Injected rows are extra copies of real rows with
one field broken, so the world's truth is unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Special "values": flip the ID number's check character; repeat an earlier row of the file unchanged.
CHECKSUM, DUPLICATE = "<bad checksum>", "<duplicate>"
# landing file → (column, broken value) choices; each breaks that file's contract
CORRUPTIONS: dict[str, list[tuple[str, str]]] = {
    "register.csv": [("id_number", "34080319"), ("sex", "X"), ("birth_date", "1990-02-30"), ("grid_id", ""),
                     ("id_number", CHECKSUM), ("birth_date", "2031-05-01"), ("grid_id", "D99-S99-C99-G99"),
                     ("id_number", DUPLICATE)],
    "cases.csv": [("priority", "whenever"), ("reported_at", "2026-13-01 08:00:00"), ("lat", "91.5"),
                  ("case_id", "")],
    "events.csv": [("event_type", "teleported"), ("satisfaction", "9"), ("at", "yesterday")],
    "registry.csv": [("lat", "95.0"), ("installed_at", "soon")],
    "telemetry.csv": [("event_type", "explode"), ("ts", "")],
    "alarm_actions.csv": [("action", "shrugged"), ("at", "")],
    "welfare_outcomes.csv": [("outcome", "fine probably"), ("at", "yesterday")],
    "counts.csv": [("count_in", "-3"), ("count_out", "many"), ("ts", "2026-02-30 10:00:00")],
}


def _flip_check(id_number: str) -> str:
    check = id_number[-1]
    return id_number[:-1] + ("0" if check == "X" else "X" if check == "9" else str(int(check) + 1))


def inject(rng: np.random.Generator, frame: pd.DataFrame, filename: str, rate: float
           ) -> tuple[pd.DataFrame, list[int], list[str]]:
    """The frame with about rate × rows broken copies inserted at random places, the 1-based row
    numbers (in file order) of the inserted rows and what was broken in each (`column=value`).
    A duplicate always comes after the row it repeats, so the first occurrence is the one kept."""
    choices = CORRUPTIONS.get(filename)
    n_bad = int(rng.binomial(len(frame), rate)) if choices and rate > 0 and len(frame) else 0
    if n_bad == 0:
        return frame, [], []
    positions = np.sort(rng.choice(len(frame) + n_bad, n_bad, replace=False))
    # good rows before each inserted row: a duplicate may only repeat one of them
    good_before = positions - np.arange(n_bad)
    sources = rng.integers(0, len(frame), n_bad)
    bad = frame.iloc[sources].astype(object).copy()
    kinds = []
    for i in range(n_bad):
        column, value = choices[int(rng.integers(0, len(choices)))]
        if value == DUPLICATE and good_before[i] == 0:
            column, value = choices[0]
        if value == DUPLICATE:
            bad.iloc[i] = frame.iloc[int(rng.integers(0, good_before[i]))].astype(object).to_numpy()
        elif value == CHECKSUM:
            bad.iloc[i, bad.columns.get_loc(column)] = _flip_check(str(bad.iloc[i][column]))
        else:
            bad.iloc[i, bad.columns.get_loc(column)] = value
        kinds.append(f"{column}={value}")
    out = pd.DataFrame(index=range(len(frame) + n_bad), columns=frame.columns, dtype=object)
    is_bad = np.zeros(len(out), dtype=bool)
    is_bad[positions] = True
    out.loc[is_bad] = bad.to_numpy()
    out.loc[~is_bad] = frame.astype(object).to_numpy()
    return out, [int(p) + 1 for p in positions], kinds

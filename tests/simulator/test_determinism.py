"""The demo world is deterministic and its personal identifiers look like real exports."""

import datetime as dt
import hashlib
import re

import pandas as pd
import pytest

from data_contracts.privacy import id_check_character
from simulator import WorldConfig, simulate

START, END = dt.date(2026, 2, 10), dt.date(2026, 2, 19)  # spans the 2026 Spring Festival holiday


def _digest(root):
    files = sorted(p for p in (root / "landing").rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_same_seed_gives_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    simulate(a, WorldConfig.small(START, END, seed=7), progress=lambda _m: None)
    simulate(b, WorldConfig.small(START, END, seed=7), progress=lambda _m: None)
    simulate(c, WorldConfig.small(START, END, seed=8), progress=lambda _m: None)
    first, second, other = _digest(a), _digest(b), _digest(c)
    assert first == second
    assert len(first) > 50
    assert first != other
    # every source lands in daily partitions
    sources = {key.split("/")[1] for key in first}
    assert sources == {"grids", "population", "incidents", "devices", "foot_traffic"}
    assert all(re.search(r"/dt=\d{4}-\d{2}-\d{2}/", key) for key in first)


def test_register_has_valid_id_numbers_and_mobiles(tmp_path):
    simulate(tmp_path, WorldConfig.small(START, START, seed=3, bad_row_rate=0.0), progress=lambda _m: None)
    register = pd.read_csv(tmp_path / "landing/population/dt=2026-02-10/register.csv", dtype=str,
                           keep_default_na=False)
    assert len(register) > 1000
    ids = register["id_number"]
    assert ids.str.fullmatch(r"\d{17}[\dX]").all()
    assert all(id_check_character(i[:17]) == i[17] for i in ids)
    assert (ids.str[6:14] == register["birth_date"].str.replace("-", "")).all()
    phones = register.loc[register["phone"] != "", "phone"]
    assert phones.str.fullmatch(r"1[3-9]\d{9}").all()
    # household tiers follow the rule: red if a focus person lives there, else yellow for renters
    households = register.groupby("household_id").agg(
        tier=("household_tier", "first"), focus=("focus_person", lambda s: (s == "True").any()),
        renter=("is_renter", lambda s: (s == "True").all()))
    expected = households.apply(lambda h: "red" if h.focus else ("yellow" if h.renter else "green"), axis=1)
    assert (households["tier"] == expected).all()


@pytest.mark.slow   # two weeks of the full-size default world (~17 s)
def test_default_world_is_calibrated(tmp_path):
    """The default world's size and the shares the seed articles report (a short range keeps it quick)."""
    truth = simulate(tmp_path, WorldConfig(dt.date(2026, 3, 2), dt.date(2026, 3, 15)), progress=lambda _m: None)
    grids = pd.DataFrame([f["properties"] for f in pd.read_json(
        tmp_path / "landing/grids/dt=2026-03-02/grids.geojson", typ="series")["features"]])
    l3 = grids[grids["level"] == "grid"]
    assert 100 <= len(l3) <= 150
    assert set(l3["grid_type"]) == {"residential", "commercial", "special", "mobile"}
    assert (l3["grid_type"] == "mobile").sum() >= 1
    assert (grids["level"] == "community").sum() == 10
    assert l3["households"].max() <= 200 and l3["shops"].max() <= 300
    assert 0.05 <= truth["disputes"] / truth["cases_reported"] <= 0.13

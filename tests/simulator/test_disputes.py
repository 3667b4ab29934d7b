"""Disputes of the demo world: causes, drivers, near-repeat, and the truth kept for evaluation."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from simulator import disputes, incidents
from simulator.world import build_world

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def year():
    grids, _ = build_world(np.random.default_rng(1958), 3, 10, 3, 4)
    arrivals, expected = disputes.generate(np.random.default_rng([1958, 8]), grids, START, END)
    return grids, arrivals, expected


def test_every_cause_occurs_in_l3_grids_within_their_cells(year):
    grids, arrivals, _ = year
    assert set(arrivals["category_l2"]) == set(disputes.CATEGORIES)
    cells = {g.grid_id: g.bounds for g in grids if g.level == "grid" and g.bounds}
    inside = [(b := cells[r.grid_id])[0] <= r.lon <= b[2] and b[1] <= r.lat <= b[3] for r in arrivals.itertuples()]
    assert all(inside)
    days = pd.to_datetime(arrivals["reported_at"]).dt.date
    assert days.min() >= START and days.max() <= END


def test_truth_matches_the_realized_counts(year):
    grids, arrivals, expected = year
    n_l3 = sum(1 for g in grids if g.level == "grid" and g.bounds)
    assert len(expected) == n_l3 * ((END - START).days + 1)
    # Realized count minus the compensator is a martingale with sd ≈ √N (≈ 4 % here): allow 3 sd.
    assert expected["expected"].sum() == pytest.approx(len(arrivals), rel=0.12)
    # Near-repeat: each dispute triggers BRANCHING more in expectation (a little is lost over the district edge
    # and beyond the end of the year).
    assert expected["triggered"].sum() / len(arrivals) == pytest.approx(disputes.BRANCHING, rel=0.15)
    # Grids the truth says are busier really have more disputes.
    per_grid = expected.groupby("grid_id")["expected"].sum()
    realized = arrivals.groupby("grid_id").size().reindex(per_grid.index, fill_value=0)
    assert per_grid.corr(realized, method="spearman") > 0.6


def test_renters_and_shops_drive_the_rates():
    grids, _ = build_world(np.random.default_rng(1958), 3, 10, 3, 4)
    rates = disputes.grid_rates(np.random.default_rng(0), grids).set_index("grid_id")
    by_id = {g.grid_id: g for g in grids}
    renter = pd.Series({i: by_id[i].renter_share for i in rates.index})
    shops = pd.Series({i: by_id[i].shops for i in rates.index})
    per_household = rates["rental"] / pd.Series({i: max(by_id[i].households, 1) for i in rates.index})
    assert per_household.corr(renter, method="spearman") > 0.6
    assert rates["commercial"].corr(shops, method="spearman") > 0.6


def test_seasons_and_holidays():
    season = disputes.season_factors(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).set_index("date")
    assert season.loc[dt.date(2026, 2, 17), "family"] > season.loc[dt.date(2026, 3, 17), "family"]   # Spring Festival
    assert season.loc[dt.date(2026, 2, 3), "labour"] > season.loc[dt.date(2026, 5, 12), "labour"]    # wage arrears
    assert season.loc[dt.date(2026, 7, 15), "neighbour"] > season.loc[dt.date(2026, 4, 15), "neighbour"]


def test_disputes_become_cases_with_the_full_workflow(year):
    grids, arrivals, _ = year
    month = arrivals[pd.to_datetime(arrivals["reported_at"]).dt.month == 3]
    cases, events = incidents.generate(np.random.default_rng(2), grids, dt.date(2025, 3, 1), dt.date(2025, 3, 31),
                                       disputes=month)
    # every dispute arrival is one first report (others may report it again), at its grid, time and place
    # (unless the report came without coordinates), and no generic case is a dispute
    got = cases[(cases["category_l1"] == "dispute") & cases["duplicate_of"].isna()]
    assert len(got) == len(month)
    key = ["grid_id", "category_l2", "reported_at"]
    matched = got.assign(reported_at=pd.to_datetime(got["reported_at"])).merge(
        month.assign(reported_at=pd.to_datetime(month["reported_at"])), on=key, suffixes=("", "_arrival"),
        validate="one_to_one")
    assert len(matched) == len(month)
    located = matched.dropna(subset=["lat"])
    assert len(located) > 0.9 * len(matched)
    assert (located["lat"] == located["lat_arrival"]).all() and (located["lon"] == located["lon_arrival"]).all()
    resolved = events[(events["event_type"] == "resolved") & events["case_id"].isin(got["case_id"])]
    assert resolved["mediation_outcome"].isin(["success", "failed"]).all() and len(resolved) > 0.8 * len(got)

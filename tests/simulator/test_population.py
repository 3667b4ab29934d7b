"""The register of the default world over two years, calibrated to the 华茂1958 figures, with rooms,
landlords and unique, valid ID numbers."""

import datetime as dt

import numpy as np
import pytest

from data_contracts.privacy import id_check_character
from simulator import population
from simulator.world import build_world

pytestmark = pytest.mark.slow   # two years of the default world's register (~20 s)

# 华茂1958: 6,215 floating residents registered, 3,245 rentals registered, 3,654 deregistered
HUAMAO = {"floating_registered": 6215, "rentals_registered": 3245, "floating_deregistered": 3654}


@pytest.fixture(scope="module")
def register():
    grids, _zones = build_world(np.random.default_rng(1958), 3, 10, 3, 4)
    return population.generate(np.random.default_rng([1958, 1]), grids, dt.date(2024, 11, 24), dt.date(2026, 11, 23))


def test_two_years_of_turnover_match_the_huamao_ratios(register):
    figures = population.register_truth(register)
    deregistered_share = figures["floating_deregistered"] / figures["floating_registered"]
    rentals_per_floating = figures["rentals_registered"] / figures["floating_registered"]
    target_share = HUAMAO["floating_deregistered"] / HUAMAO["floating_registered"]          # 0.588
    target_rentals = HUAMAO["rentals_registered"] / HUAMAO["floating_registered"]           # 0.522
    assert abs(deregistered_share - target_share) < 0.06, deregistered_share
    assert abs(rentals_per_floating - target_rentals) < 0.05, rentals_per_floating
    assert figures["floating_registered"] > 10_000


def test_ids_are_unique_and_valid_rooms_hold_one_household_and_landlords_own_homes(register):
    arrivals = register[register["change_type"] != "deregister"]
    assert arrivals["id_number"].is_unique
    assert all(id_check_character(i[:17]) == i[17] for i in arrivals["id_number"].sample(2000, random_state=1))
    latest = arrivals.drop_duplicates("id_number", keep="last")
    living = latest[~latest["id_number"].isin(register.loc[register["change_type"] == "deregister", "id_number"])]
    per_room = living.groupby(["grid_id", "building", "unit", "room"])["household_id"].nunique()
    assert per_room.max() == 1
    renters = arrivals[arrivals["is_renter"]]
    owners = set(arrivals.loc[~arrivals["is_renter"], "household_id"])
    assert renters["landlord_household_id"].isin(owners).all()
    # rooms are let again: some rented rooms had more than one tenant household over the two years
    tenants = renters.groupby(["grid_id", "building", "unit", "room"])["household_id"].nunique()
    assert (tenants > 1).sum() > 100


def test_care_groups_focus_persons_and_tiers(register):
    living = register[register["change_type"] == "snapshot"]
    households = living.groupby("household_id").agg(tier=("household_tier", "first"),
                                                     focus=("focus_person", "any"), renter=("is_renter", "all"))
    assert (households.loc[households["focus"], "tier"] == "red").all()
    assert (households.loc[~households["focus"] & households["renter"], "tier"] == "yellow").all()
    assert (households.loc[~households["focus"] & ~households["renter"], "tier"] == "green").all()
    for flag in ("elderly_alone", "disabled", "chronic_illness", "low_income", "veteran", "minor_left_behind",
                 "focus_person"):
        assert living[flag].sum() > 50, flag

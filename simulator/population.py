"""The population and housing register: households, persons (about 31 fields each), tiers, and the
daily change feed of floating residents registering and deregistering."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from simulator import identity
from simulator.world import Grid

ETHNICITIES = ["汉族"] * 97 + ["回族", "满族", "壮族"]
OCCUPATIONS = ["employee", "self_employed", "civil_servant", "worker", "retired", "student", "unemployed",
               "delivery_rider", "shop_owner", "farmer"]
WORKING_OCCUPATIONS = [o for o in OCCUPATIONS if o not in ("retired", "student")]
EDUCATION = ["primary", "junior_high", "senior_high", "college", "bachelor", "postgraduate"]
EMPLOYERS = ["state_owned", "private", "individual", "government", "none"]
COLUMNS = ["name", "id_number", "phone", "sex", "birth_date", "ethnicity", "household_id", "relation_to_head",
           "building", "unit", "room", "grid_id", "residence_type", "is_renter", "landlord_household_id",
           "move_in_date", "registered_on", "deregistered_on", "occupation", "employer_type", "education",
           "marital_status", "elderly_alone", "disabled", "chronic_illness", "low_income", "veteran",
           "minor_left_behind", "focus_person", "pets", "vehicle_plates", "household_tier", "change_type",
           "changed_at"]
DAILY_MOVE_INS_PER_1000_HH = 0.9   # new renter households registering per day
DAILY_MOVE_OUT_SHARE = 0.0012      # share of renter households deregistering per day


def _birth(rng, day: dt.date, age_lo: int, age_hi: int) -> dt.date:
    age_days = int(rng.integers(age_lo * 365, age_hi * 365 + 1))
    return day - dt.timedelta(days=age_days)


def _person(rng, day, household, relation, age_lo, age_hi, *, alone=False, local=True):
    male = bool(rng.random() < 0.5) if relation != "spouse" else not household["head_male"]
    birth = _birth(rng, day, age_lo, age_hi)
    age = (day - birth).days // 365
    region = identity.LOCAL_REGION if local else str(rng.choice(identity.OTHER_REGIONS))
    renter = household["is_renter"]
    residence = ("floating" if rng.random() < 0.8 else "resident") if renter else (
        "registered" if rng.random() < 0.85 else "resident")
    return {
        "name": identity.person_name(rng),
        "id_number": identity.id_number(rng, region, birth, male),
        "phone": identity.mobile(rng) if age >= 14 else "",
        "sex": "M" if male else "F",
        "birth_date": birth.isoformat(),
        "ethnicity": str(rng.choice(ETHNICITIES)),
        "household_id": household["household_id"],
        "relation_to_head": relation,
        "building": household["building"], "unit": household["unit"], "room": household["room"],
        "grid_id": household["grid_id"],
        "residence_type": residence,
        "is_renter": renter,
        "landlord_household_id": household["landlord"] or "",
        "move_in_date": household["move_in"].isoformat(),
        "registered_on": household["move_in"].isoformat(),
        "deregistered_on": "",
        "occupation": ("student" if age < 22 else "retired" if age >= 62 else str(rng.choice(WORKING_OCCUPATIONS))),
        "employer_type": "none" if age < 22 or age >= 62 else str(rng.choice(EMPLOYERS)),
        "education": str(rng.choice(EDUCATION)) if age >= 16 else "primary",
        "marital_status": "married" if relation in ("head", "spouse") and not alone and age >= 22 else (
            "widowed" if alone and age >= 65 else "single"),
        "elderly_alone": bool(alone and age >= 65),
        "disabled": bool(rng.random() < 0.02),
        "chronic_illness": bool(rng.random() < (0.25 if age >= 60 else 0.03)),
        "low_income": bool(rng.random() < 0.03),
        "veteran": bool(age >= 40 and rng.random() < 0.02),
        "minor_left_behind": False,
        "focus_person": bool(age >= 18 and rng.random() < 0.004),
        "pets": int(rng.random() < 0.15),
        "vehicle_plates": identity.plate(rng) if relation == "head" and rng.random() < 0.35 else "",
    }


def _household(rng, grid: Grid, n: int, day: dt.date, move_in: dt.date, renter: bool, owners: list[str]) -> list[dict]:
    household = {
        "household_id": f"{grid.grid_id}-H{n:04d}",
        "building": f"{int(rng.integers(1, 12))}栋", "unit": f"{int(rng.integers(1, 4))}单元",
        "room": f"{int(rng.integers(1, 19))}{int(rng.integers(1, 5)):02d}",
        "grid_id": grid.grid_id, "is_renter": renter, "move_in": move_in,
        "landlord": str(rng.choice(owners)) if renter and owners else None,
        "head_male": bool(rng.random() < 0.6),
    }
    local = not renter or rng.random() < 0.2
    if not renter and rng.random() < 0.09:  # elderly person living alone
        return [_person(rng, day, household, "head", 66, 92, alone=True)]
    size = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2])) if renter else int(rng.choice([1, 2, 3, 4, 5],
                                                                                       p=[0.1, 0.3, 0.3, 0.2, 0.1]))
    head_age = (20, 45) if renter else (28, 80)
    people = [_person(rng, day, household, "head", *head_age, local=local)]
    if size >= 2:
        people.append(_person(rng, day, household, "spouse", head_age[0], head_age[1], local=local))
    for _ in range(size - 2):
        people.append(_person(rng, day, household, "child", 0, 20, local=local))
    if not renter and rng.random() < 0.02 and size >= 3:  # parents work elsewhere
        people[-1]["minor_left_behind"] = (day - dt.date.fromisoformat(people[-1]["birth_date"])).days < 18 * 365
    return people


def _tier(people: list[dict]) -> str:
    if any(p["focus_person"] for p in people):
        return "red"      # 重点人员户
    if people[0]["is_renter"]:
        return "yellow"   # 临时租住户
    return "green"        # 一般常住户


def _finish(people: list[dict], change_type: str, changed_at: dt.date) -> list[dict]:
    tier = _tier(people)
    for p in people:
        p["household_tier"] = tier
        p["change_type"] = change_type
        p["changed_at"] = changed_at.isoformat()
    return people


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows of the register change feed: a full snapshot on `start`, then daily registrations and
    deregistrations of renter households. Returns one DataFrame with a `dt` column."""
    rows: list[dict] = []
    living = [g for g in grids if g.level == "grid" and g.grid_type in ("residential", "commercial")]
    renters: dict[str, list[list[dict]]] = {}
    counters: dict[str, int] = {}
    owners: dict[str, list[str]] = {}
    for g in living:
        owners[g.grid_id] = []
        renters[g.grid_id] = []
        for n in range(g.households):
            renter = bool(rng.random() < g.renter_share)
            move_in = start - dt.timedelta(days=int(rng.integers(30, 365 * (3 if renter else 25))))
            people = _finish(_household(rng, g, n + 1, start, move_in, renter, owners[g.grid_id]), "snapshot", start)
            if renter:
                renters[g.grid_id].append(people)
            else:
                owners[g.grid_id].append(people[0]["household_id"])
            rows.extend(dict(p, dt=start) for p in people)
        counters[g.grid_id] = g.households
    day = start + dt.timedelta(days=1)
    while day <= end:
        for g in living:
            move_ins = DAILY_MOVE_INS_PER_1000_HH * g.households / 1000 * (1 + 3 * g.renter_share)
            for _ in range(int(rng.poisson(move_ins))):
                counters[g.grid_id] += 1
                people = _finish(_household(rng, g, counters[g.grid_id], day, day, True, owners[g.grid_id]),
                                 "register", day)
                renters[g.grid_id].append(people)
                rows.extend(dict(p, dt=day) for p in people)
            leaving = [h for h in renters[g.grid_id] if rng.random() < DAILY_MOVE_OUT_SHARE]
            for people in leaving:
                renters[g.grid_id].remove(people)
                rows.extend(dict(p, deregistered_on=day.isoformat(), change_type="deregister",
                                 changed_at=day.isoformat(), dt=day) for p in people)
        day += dt.timedelta(days=1)
    frame = pd.DataFrame(rows)
    return frame[COLUMNS + ["dt"]]

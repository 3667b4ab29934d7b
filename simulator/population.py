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
# Calibration to 华茂1958 (DOMAIN.md): over the system's life 6,215 floating residents were registered in
# 3,245 rentals and 3,654 deregistered. Renter households turn over so that, in two years, deregistrations
# are ≈ 59 % of registrations (snapshot + new arrivals) and a rental holds ≈ 1.9 floating residents.
DAILY_TURNOVER = 0.002              # share of renter households deregistering (and arriving) per day
RENTER_SIZES, RENTER_SIZE_P = [1, 2, 3, 4], [0.3, 0.35, 0.25, 0.1]   # mean 2.15 people per rental
RENTER_FLOATING_SHARE = 0.9         # renters registered elsewhere (流动人口); the rest are 常住
ROOMS_PER_UNIT, UNITS_PER_BUILDING = 36, 3   # 18 floors × 2 doors


def _birth(rng, day: dt.date, age_lo: int, age_hi: int) -> dt.date:
    age_days = int(rng.integers(age_lo * 365, age_hi * 365 + 1))
    return day - dt.timedelta(days=age_days)


def _person(rng, day, household, relation, age_lo, age_hi, *, alone=False, local=True):
    male = bool(rng.random() < 0.5) if relation != "spouse" else not household["head_male"]
    birth = _birth(rng, day, age_lo, age_hi)
    age = (day - birth).days // 365
    region = identity.LOCAL_REGION if local else str(rng.choice(identity.OTHER_REGIONS))
    renter = household["is_renter"]
    residence = ("floating" if rng.random() < RENTER_FLOATING_SHARE else "resident") if renter else (
        "registered" if rng.random() < 0.85 else "resident")
    return {
        "name": identity.person_name(rng),
        "id_number": identity.id_number(rng, region, birth, male, household["issued"]),
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


def room_address(index: int) -> tuple[str, str, str]:
    """Building, unit and room of the index-th dwelling of a grid (rooms fill unit by unit, floor by floor)."""
    building, rest = divmod(index, ROOMS_PER_UNIT * UNITS_PER_BUILDING)
    unit, slot = divmod(rest, ROOMS_PER_UNIT)
    floor, door = divmod(slot, 2)
    return f"{building + 1}栋", f"{unit + 1}单元", f"{floor + 1}{door + 1:02d}"


class Dwellings:
    """The rooms of one grid: owner-occupied rooms, and rented rooms that keep their landlord from tenant
    to tenant (a room freed by a deregistration is let again before a new one is used)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used = 0
        self.owners: list[str] = []          # owner-occupier households, the landlords of rented rooms
        self.landlord: dict[int, str | None] = {}
        self.vacant: list[int] = []
        self.last = -1                       # the room handed out last

    def owner_room(self, household_id: str) -> int:
        self.used += 1
        self.owners.append(household_id)
        self.last = self.used - 1
        return self.last

    def rented_room(self) -> int:
        if self.vacant:
            self.last = self.vacant.pop(int(self.rng.integers(0, len(self.vacant))))
            return self.last
        self.used += 1
        self.last = self.used - 1
        self.landlord[self.last] = str(self.rng.choice(self.owners)) if self.owners else None
        return self.last


def _household(rng, grid: Grid, n: int, day: dt.date, move_in: dt.date, renter: bool, rooms: Dwellings,
               issued: set[str]) -> list[dict]:
    household_id = f"{grid.grid_id}-H{n:04d}"
    room = rooms.rented_room() if renter else rooms.owner_room(household_id)
    building, unit, door = room_address(room)
    household = {
        "household_id": household_id,
        "building": building, "unit": unit, "room": door,
        "grid_id": grid.grid_id, "is_renter": renter, "move_in": move_in,
        "landlord": rooms.landlord.get(room) if renter else None,
        "head_male": bool(rng.random() < 0.6), "issued": issued,
    }
    local = not renter or rng.random() < 0.2
    if not renter and rng.random() < 0.09:  # elderly person living alone
        return [_person(rng, day, household, "head", 66, 92, alone=True)]
    size = int(rng.choice(RENTER_SIZES, p=RENTER_SIZE_P)) if renter else int(rng.choice([1, 2, 3, 4, 5],
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


def household_tier(people: list[dict]) -> str:
    """The tier rule of the source register (and of the warehouse, int_households_tiered.sql):
    red if any member is a focus person, else yellow for renters, else green."""
    if any(p["focus_person"] for p in people):
        return "red"      # 重点人员户
    if people[0]["is_renter"]:
        return "yellow"   # 临时租住户
    return "green"        # 一般常住户


def _finish(people: list[dict], change_type: str, changed_at: dt.date) -> list[dict]:
    tier = household_tier(people)
    for p in people:
        p["household_tier"] = tier
        p["change_type"] = change_type
        p["changed_at"] = changed_at.isoformat()
    return people


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows of the register change feed: a full snapshot on `start`, then daily registrations and
    deregistrations of renter households (turnover DAILY_TURNOVER). Returns one DataFrame with a `dt` column."""
    rows: list[dict] = []
    living = [g for g in grids if g.level == "grid" and g.grid_type in ("residential", "commercial")]
    renters: dict[str, list[tuple[int, list[dict]]]] = {}   # grid → (room, members) of living renters
    counters: dict[str, int] = {}
    rooms: dict[str, Dwellings] = {}
    issued: set[str] = set()
    for g in living:
        rooms[g.grid_id] = Dwellings(rng)
        renters[g.grid_id] = []
        plan = [bool(rng.random() < g.renter_share) for _ in range(g.households)]
        # owner-occupiers first, so every rented room has a landlord household in the grid
        order = sorted(range(g.households), key=lambda i: plan[i])
        for n in order:
            renter = plan[n]
            move_in = start - dt.timedelta(days=int(rng.integers(30, 365 * (3 if renter else 25))))
            people = _finish(_household(rng, g, n + 1, start, move_in, renter, rooms[g.grid_id], issued),
                             "snapshot", start)
            if renter:
                renters[g.grid_id].append((rooms[g.grid_id].last, people))
            rows.extend(dict(p, dt=start) for p in people)
        counters[g.grid_id] = g.households
    day = start + dt.timedelta(days=1)
    while day <= end:
        for g in living:
            for _ in range(int(rng.poisson(DAILY_TURNOVER * max(len(renters[g.grid_id]), 1)))):
                counters[g.grid_id] += 1
                people = _finish(_household(rng, g, counters[g.grid_id], day, day, True, rooms[g.grid_id], issued),
                                 "register", day)
                renters[g.grid_id].append((rooms[g.grid_id].last, people))
                rows.extend(dict(p, dt=day) for p in people)
            leaving = [h for h in renters[g.grid_id] if rng.random() < DAILY_TURNOVER]
            for room, people in leaving:
                renters[g.grid_id].remove((room, people))
                rooms[g.grid_id].vacant.append(room)
                rows.extend(dict(p, deregistered_on=day.isoformat(), change_type="deregister",
                                 changed_at=day.isoformat(), dt=day) for p in people)
        day += dt.timedelta(days=1)
    frame = pd.DataFrame(rows)
    return frame[COLUMNS + ["dt"]]


def register_truth(register: pd.DataFrame) -> dict:
    """Register figures as the 华茂1958 system reports them, and each living household's tier at the end."""
    arrivals = register[register["change_type"].isin(["snapshot", "register"])]
    leaving = register[register["change_type"] == "deregister"]
    latest = register.drop_duplicates("id_number", keep="last")
    living = latest[latest["deregistered_on"] == ""]
    return {
        "floating_registered": int(arrivals["residence_type"].eq("floating").sum()),
        "rentals_registered": int(arrivals.loc[arrivals["is_renter"], "household_id"].nunique()),
        "floating_deregistered": int(leaving["residence_type"].eq("floating").sum()),
        "households_at_end": int(living["household_id"].nunique()),
        "tiers_at_end": living.drop_duplicates("household_id")["household_tier"].value_counts().astype(int).to_dict(),
        "focus_persons_at_end": int(living["focus_person"].sum()),
        "elderly_alone_at_end": int(living["elderly_alone"].sum()),
    }


def history(register: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per grid and day start..end: residents, renters (people in rented homes), renter households and
    floating residents living there at the end of the day — the truth history queries are tested against."""
    arrivals = register[register["change_type"].isin(["snapshot", "register"])].drop_duplicates("id_number")
    leaving = register[register["change_type"] == "deregister"].set_index("id_number")["deregistered_on"]
    persons = arrivals.assign(since=pd.to_datetime(arrivals["registered_on"]).clip(lower=pd.Timestamp(start)),
                              until=pd.to_datetime(arrivals["id_number"].map(leaving)),
                              residents=1, renters=arrivals["is_renter"].astype(int),
                              floating=(arrivals["residence_type"] == "floating").astype(int), renter_households=0)
    homes = persons[persons["is_renter"]].groupby("household_id").agg(
        grid_id=("grid_id", "first"), since=("since", "min"), until=("until", "max")).assign(
        residents=0, renters=0, floating=0, renter_households=1)
    counted = ["residents", "renters", "renter_households", "floating"]
    items = pd.concat([persons[["grid_id", "since", "until", *counted]], homes], ignore_index=True)
    # +1 on the day someone is first counted, -1 on the day they deregister; a running sum per grid.
    arrive = items.rename(columns={"since": "day"})[["grid_id", "day", *counted]]
    depart = items[items["until"].notna()].rename(columns={"until": "day"})[["grid_id", "day", *counted]]
    depart[counted] = -depart[counted]
    deltas = pd.concat([arrive, depart]).groupby(["grid_id", "day"])[counted].sum()
    # (arrivals are counted from `start` at the earliest, so nothing falls before the spine)
    days = pd.date_range(start, end, freq="D")
    spine = pd.MultiIndex.from_product([sorted(items["grid_id"].unique()), days], names=["grid_id", "day"])
    daily = deltas.reindex(spine, fill_value=0)
    out = daily.groupby(level="grid_id").cumsum().reset_index()
    out = out[out["residents"] > 0].assign(date_day=lambda f: f["day"].dt.date)
    return out[["grid_id", "date_day", "residents", "renters", "renter_households", "floating"]]

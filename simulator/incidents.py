"""Incident cases and their workflow event log along the escalation ladder
micro_grid → grid → community → street → district ("逐级吹哨、逐级报到")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from models_ml.calendar import day_flags
from simulator import identity
from simulator.world import Grid

CATEGORIES = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "categories.csv"
CHANNELS = {"hotline_12345": 0.30, "wechat_mini": 0.25, "app": 0.08, "smart_sensor": 0.07,
            "grid_patrol": 0.20, "resident_photo": 0.07, "walk_in": 0.03}
# Relative frequency of each category; disputes together make about 9 % of items (141 of 1,565 in 华茂1958).
CATEGORY_WEIGHT = {"fire_hazard": 3, "theft": 2, "falling_objects": 2, "garbage": 12, "noise": 8,
                   "illegal_construction": 3, "road_damage": 6, "street_light": 5, "manhole_cover": 2,
                   "water_supply": 4, "elevator": 4, "parking": 8, "ebike_charging": 3, "neighbour": 3,
                   "rental": 2, "property_fee": 1.5, "family": 1.2, "commercial": 0.8, "labour": 0.5,
                   "elderly_care": 6, "social_security": 6, "certificates": 5, "legal_advice": 4}
LADDER = ["micro_grid", "grid", "community", "street", "district"]
ESCALATE_P = {"micro_grid": 0.10, "grid": 0.06, "community": 0.30, "street": 0.35}
STUCK_P = 0.012          # cases that are never closed
VERIFY_P = 0.85          # resident confirms the fix
REOPEN_P = 0.03
RATE_P = 0.70
MEDIATION_SUCCESS_P = 0.92
CASE_COLUMNS = ["case_id", "reported_at", "channel", "category_l1", "category_l2", "grid_id", "lat", "lon",
                "address", "description", "reporter_name", "reporter_phone", "priority"]
EVENT_COLUMNS = ["case_id", "seq", "event_type", "at", "level", "actor", "satisfaction", "mediation_outcome"]


def _categories() -> pd.DataFrame:
    cats = pd.read_csv(CATEGORIES)
    cats["weight"] = cats["category_l2"].map(CATEGORY_WEIGHT)
    return cats


def _grid_rate(g: Grid) -> float:
    """Expected cases per day in an L3 grid, driven by households, shops and renters."""
    if g.grid_type == "mobile":
        return 0.06
    if g.grid_type == "special":
        return 0.05
    return (0.0011 * g.households + 0.0004 * g.shops) * (1 + 0.8 * g.renter_share)


def _day_factor(day: dt.date) -> float:
    flags = day_flags(day)
    factor = 0.75 if flags["is_holiday"] else (0.88 if not flags["is_workday"] else 1.0)
    return factor * (1.15 if day.month in (6, 7, 8) else 1.0)


def _workflow(rng, case_id: str, reported: dt.datetime, cat: pd.Series, grid_id: str) -> list[dict]:
    """The full event log of one case as it would unfold (cut at the end of the simulation later)."""
    events = []

    def add(event_type, at, level, **extra):
        holder = grid_id if level in ("micro_grid", "grid") else level
        events.append({"case_id": case_id, "seq": len(events) + 1, "event_type": event_type, "at": at,
                       "level": level, "actor": f"{level}:{holder}", "satisfaction": None,
                       "mediation_outcome": None, **extra})

    add("reported", reported, "micro_grid")
    t = reported + dt.timedelta(hours=float(min(rng.lognormal(np.log(1.5), 0.9), 30)))
    level = "micro_grid" if rng.random() < 0.6 else "grid"
    add("accepted", t, level)
    t += dt.timedelta(minutes=float(rng.integers(5, 60)))
    add("dispatched", t, level)
    resolve_hours = float(rng.lognormal(np.log(0.3 * cat.sla_resolve_hours), 0.7))
    escalate_boost = 1.6 if cat.is_dispute else 1.0
    while level != "district" and rng.random() < ESCALATE_P[level] * escalate_boost:
        t += dt.timedelta(hours=float(rng.uniform(2, 24)))
        level = LADDER[LADDER.index(level) + 1]
        add("escalated", t, level)
        resolve_hours *= 0.6
    if rng.random() < STUCK_P:
        return events
    t += dt.timedelta(hours=resolve_hours)
    outcome = ("success" if rng.random() < MEDIATION_SUCCESS_P else "failed") if cat.is_dispute else None
    add("resolved", t, level, mediation_outcome=outcome)
    if rng.random() < VERIFY_P:
        t += dt.timedelta(hours=float(rng.uniform(1, 24)))
        add("verified", t, level)
    else:
        t += dt.timedelta(hours=48)
    add("closed", t, level)
    if rng.random() < REOPEN_P:
        t += dt.timedelta(hours=float(rng.uniform(24, 168)))
        add("reopened", t, level)
        t += dt.timedelta(hours=float(rng.lognormal(np.log(0.2 * cat.sla_resolve_hours), 0.5)))
        add("resolved", t, level, mediation_outcome=outcome)
        t += dt.timedelta(hours=float(rng.uniform(1, 24)))
        add("closed", t, level)
    if rng.random() < RATE_P:
        t += dt.timedelta(hours=float(rng.uniform(1, 48)))
        stars = int(rng.choice([1, 2, 3, 4, 5], p=[0.02, 0.03, 0.08, 0.32, 0.55]))
        add("rated", t, level, satisfaction=stars)
    return events


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date,
             disputes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases reported from start to end and every event that happened up to the end of `end`.
    Dispute categories arrive from `disputes` (simulator.disputes: reported_at, grid_id, category_l2,
    lat, lon); every other category at the grid's generic rate."""
    cats = _categories()
    generic = cats[~cats["is_dispute"]].reset_index(drop=True)
    probs = generic["weight"].to_numpy() / generic["weight"].sum()
    generic_share = generic["weight"].sum() / cats["weight"].sum()
    by_l2 = cats.set_index("category_l2", drop=False)
    channels, channel_p = list(CHANNELS), np.array(list(CHANNELS.values()))
    l3 = [g for g in grids if g.level == "grid"]
    by_id = {g.grid_id: g for g in l3}
    streets = {g.grid_id: g for g in grids if g.level == "street"}
    cutoff = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    if disputes is None:
        disputes = pd.DataFrame(columns=["reported_at", "grid_id", "category_l2", "lat", "lon"])
    dispute_days = disputes.groupby(pd.to_datetime(disputes["reported_at"]).dt.date)
    cases, events = [], []
    day, n = start, 0

    def add_case(reported, g, cat, lat=None, lon=None):
        nonlocal n
        n += 1
        case_id = f"C{reported:%Y%m%d}{n:06d}"
        bounds = g.bounds or streets[g.grid_id.rsplit("-", 1)[0]].bounds
        channel = channels[int(rng.choice(len(channels), p=channel_p))]
        anonymous = channel in ("smart_sensor", "grid_patrol")
        cases.append({
            "case_id": case_id, "reported_at": reported, "channel": channel,
            "category_l1": cat.category_l1, "category_l2": cat.category_l2, "grid_id": g.grid_id,
            "lat": round(float(rng.uniform(bounds[1], bounds[3])), 6) if lat is None else lat,
            "lon": round(float(rng.uniform(bounds[0], bounds[2])), 6) if lon is None else lon,
            "address": f"{g.name_zh}{int(rng.integers(1, 12))}栋附近",
            "description": f"{cat.l2_name_zh}",
            "reporter_name": "" if anonymous else identity.person_name(rng),
            "reporter_phone": "" if anonymous else identity.mobile(rng),
            "priority": "urgent" if cat.sla_resolve_hours <= 24 else "normal",
        })
        events.extend(e for e in _workflow(rng, case_id, reported, cat, g.grid_id) if e["at"] < cutoff)

    while day <= end:
        factor = _day_factor(day)
        for g in l3:
            for _ in range(int(rng.poisson(_grid_rate(g) * factor * generic_share))):
                cat = generic.iloc[int(rng.choice(len(generic), p=probs))]
                reported = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                    minutes=float(np.clip(rng.normal(13 * 60, 4 * 60), 0, 24 * 60 - 1)))
                add_case(reported, g, cat)
        if day in dispute_days.groups:
            for d in dispute_days.get_group(day).itertuples():
                add_case(pd.Timestamp(d.reported_at).to_pydatetime(), by_id[d.grid_id], by_l2.loc[d.category_l2],
                         d.lat, d.lon)
        day += dt.timedelta(days=1)
    case_frame = pd.DataFrame(cases, columns=CASE_COLUMNS)
    case_frame["dt"] = case_frame["reported_at"].dt.date
    event_frame = pd.DataFrame(events, columns=EVENT_COLUMNS)
    event_frame["satisfaction"] = event_frame["satisfaction"].astype("Int64")
    event_frame["dt"] = event_frame["at"].dt.date
    return case_frame, event_frame

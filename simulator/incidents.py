"""Incident cases and their workflow event log along the escalation ladder
micro_grid → grid → community → street → district ("逐级吹哨、逐级报到").

Three steps, so other generators can feed their own arrivals (e.g. disputes with near-repeat effects):
`arrivals` draws who reports what where and when, `create_cases` turns any arrivals into case headers
and full workflow logs, `add_flaws` adds what real deliveries look like (repeat reports of the same
problem, cases without coordinates, late-arriving and out-of-order events). `generate` does all three.
`kpi_truth` computes every incident KPI from the generator's own knowledge, for tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models_ml.calendar import day_flags
from simulator import identity
from simulator.world import Grid

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
CATEGORIES = SEEDS / "categories.csv"
CHANNELS = {"hotline_12345": 0.30, "wechat_mini": 0.25, "app": 0.08, "smart_sensor": 0.07,
            "grid_patrol": 0.20, "resident_photo": 0.07, "walk_in": 0.03}
# Relative frequency of each category; disputes together make about 9 % of items (141 of 1,565 in 华茂1958).
CATEGORY_WEIGHT = {"fire_hazard": 3, "theft": 2, "falling_objects": 2, "garbage": 12, "noise": 8,
                   "illegal_construction": 3, "road_damage": 6, "street_light": 5, "manhole_cover": 2,
                   "water_supply": 4, "elevator": 4, "parking": 8, "ebike_charging": 3, "neighbour": 3,
                   "rental": 2, "property_fee": 1.5, "family": 1.2, "commercial": 0.8, "labour": 0.5,
                   "elderly_care": 6, "social_security": 6, "certificates": 5, "legal_advice": 4,
                   "suggestion": 2, "bulky_waste": 1, "graffiti": 1, "homeless_assistance": 0.3, "dead_animal": 0.3,
                   "other": 1}
# The escalation ladder (level → level_rank, lowest first): the seed dbt publishes as dim_escalation_levels.
LEVEL_RANK = pd.read_csv(SEEDS / "escalation_levels.csv").sort_values("level_rank").set_index("level")["level_rank"]
LADDER = LEVEL_RANK.index.tolist()
ESCALATE_P = {"micro_grid": 0.10, "grid": 0.06, "community": 0.30, "street": 0.35}
STUCK_P = 0.012          # cases that are never closed
VERIFY_P = 0.85          # resident confirms the fix
REOPEN_P = 0.03
RATE_P = 0.70
MEDIATION_SUCCESS_P = 0.92
PREVENTABLE_YOY = -0.369   # preventable cases (fire hazards, thefts, …) fall by this much a year (华茂1958)
NO_SLA_RESOLVE_HOURS = 120.0   # how long categories without an SLA take in the simulation
# Real-data flaws (see add_flaws)
REPEAT_P = 0.06          # a problem reported again by others (1–2 more reports within a day, metres away)
REPEAT_MAX_HOURS = 24.0
REPEAT_MAX_METRES = 40.0
NO_COORDS_P = 0.04       # hotline / walk-in reports without coordinates
LATE_EVENT_P = 0.03      # events delivered in a later day's file
OUT_OF_ORDER_P = 0.02    # cases whose event sequence numbers contradict their timestamps
CASE_COLUMNS = ["case_id", "reported_at", "channel", "category_l1", "category_l2", "grid_id", "lat", "lon",
                "address", "description", "reporter_name", "reporter_phone", "priority", "device_id"]
EVENT_COLUMNS = ["case_id", "seq", "event_type", "at", "level", "actor", "satisfaction", "mediation_outcome"]
# Columns of the frames that are the generator's knowledge, not part of the landing files
TRUTH_COLUMNS = ["duplicate_of"]
METRES_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Arrival:
    """One report: when, where (an L3 grid, and a point if the generator knows it) and what (a category_l2 code)."""
    reported_at: dt.datetime
    grid_id: str
    category_l2: str
    lat: float | None = None
    lon: float | None = None
    channel: str | None = None       # e.g. smart_sensor for a case opened from a confirmed device alarm
    device_id: str | None = None


def categories() -> pd.DataFrame:
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
    """Holidays and weekends are quieter; summer is busier (noise, water, parking)."""
    flags = day_flags(day)
    factor = 0.75 if flags["is_holiday"] else (0.88 if not flags["is_workday"] else 1.0)
    return factor * (1 + 0.15 * np.cos(2 * np.pi * (day.timetuple().tm_yday - 200) / 365.25))


def arrivals(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date,
             with_disputes: bool = True) -> list[Arrival]:
    """Reports per L3 grid and day (Poisson), at daytime-peaked hours, categories by their weight.
    Without disputes, the other categories keep their own rates (disputes then come from elsewhere)."""
    everything = categories()
    cats = everything if with_disputes else everything[~everything["is_dispute"]].reset_index(drop=True)
    share = cats["weight"].sum() / everything["weight"].sum()
    probs = cats["weight"].to_numpy() / cats["weight"].sum()
    preventable = cats["is_preventable"].to_numpy()
    l3 = [g for g in grids if g.level == "grid"]
    out, day = [], start
    while day <= end:
        factor = _day_factor(day)
        keep_preventable = (1 + PREVENTABLE_YOY) ** ((day - start).days / 365)   # prevention work pays off
        for g in l3:
            for _ in range(int(rng.poisson(_grid_rate(g) * factor * share))):
                drawn = int(rng.choice(len(cats), p=probs))
                if preventable[drawn] and rng.random() > keep_preventable:
                    continue
                category = cats["category_l2"].iloc[drawn]
                reported = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                    minutes=float(np.clip(rng.normal(13 * 60, 4 * 60), 0, 24 * 60 - 1)))
                out.append(Arrival(reported, g.grid_id, category))
        day += dt.timedelta(days=1)
    return out


def _workflow(rng, case_id: str, reported: dt.datetime, cat: pd.Series, grid_id: str) -> list[dict]:
    """The full event log of one case as it would unfold (cut at the end of the simulation later)."""
    events = []

    def add(event_type, at, level, **extra):
        holder = grid_id if level in ("micro_grid", "grid") else level
        events.append({"case_id": case_id, "seq": len(events) + 1, "event_type": event_type, "at": at,
                       "level": level, "actor": f"{level}:{holder}", "satisfaction": None,
                       "mediation_outcome": None, **extra})

    sla_resolve = NO_SLA_RESOLVE_HOURS if pd.isna(cat.sla_resolve_hours) else cat.sla_resolve_hours
    add("reported", reported, "micro_grid")
    t = reported + dt.timedelta(hours=float(min(rng.lognormal(np.log(1.5), 0.9), 30)))
    level = "micro_grid" if rng.random() < 0.6 else "grid"
    add("accepted", t, level)
    t += dt.timedelta(minutes=float(rng.integers(5, 60)))
    add("dispatched", t, level)
    resolve_hours = float(rng.lognormal(np.log(0.3 * sla_resolve), 0.7))
    escalate_boost = 1.6 if cat.is_dispute else 1.0
    while level != LADDER[-1] and rng.random() < ESCALATE_P[level] * escalate_boost:
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
        t += dt.timedelta(hours=float(rng.lognormal(np.log(0.2 * sla_resolve), 0.5)))
        add("resolved", t, level, mediation_outcome=outcome)
        t += dt.timedelta(hours=float(rng.uniform(1, 24)))
        add("closed", t, level)
    if rng.random() < RATE_P:
        t += dt.timedelta(hours=float(rng.uniform(1, 48)))
        stars = int(rng.choice([1, 2, 3, 4, 5], p=[0.02, 0.03, 0.08, 0.32, 0.55]))
        add("rated", t, level, satisfaction=stars)
    return events


def create_cases(rng: np.random.Generator, reports: list[Arrival], grids: list[Grid], end: dt.date
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case headers and every workflow event that happened up to the end of `end`, for any arrivals."""
    cats = categories().set_index("category_l2", drop=False)
    by_id = {g.grid_id: g for g in grids}
    # smart-sensor cases come only from device alarms (arrivals with channel and device_id)
    channels = [c for c in CHANNELS if c != "smart_sensor"]
    channel_p = np.array([CHANNELS[c] for c in channels]) / sum(CHANNELS[c] for c in channels)
    cutoff = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    cases, events = [], []
    for n, arrival in enumerate(sorted(reports, key=lambda a: (a.reported_at, a.grid_id)), start=1):
        g, cat = by_id[arrival.grid_id], cats.loc[arrival.category_l2]
        case_id = f"C{arrival.reported_at:%Y%m%d}{n:06d}"
        bounds = g.bounds or by_id[g.grid_id.rsplit("-", 1)[0]].bounds
        channel = arrival.channel or channels[int(rng.choice(len(channels), p=channel_p))]
        anonymous = channel in ("smart_sensor", "grid_patrol")
        cases.append({
            "case_id": case_id, "reported_at": arrival.reported_at, "channel": channel,
            "category_l1": cat.category_l1, "category_l2": cat.category_l2, "grid_id": g.grid_id,
            "lat": round(float(rng.uniform(bounds[1], bounds[3])), 6) if arrival.lat is None else arrival.lat,
            "lon": round(float(rng.uniform(bounds[0], bounds[2])), 6) if arrival.lon is None else arrival.lon,
            "address": f"{g.name_zh}{int(rng.integers(1, 12))}栋附近",
            "description": f"{cat.l2_name_zh}（设备告警 {arrival.device_id}）" if arrival.device_id else cat.l2_name_zh,
            "reporter_name": "" if anonymous else identity.person_name(rng),
            "reporter_phone": "" if anonymous else identity.mobile(rng),
            "priority": "urgent" if cat.sla_resolve_hours <= 24 else "normal",
            "device_id": arrival.device_id or "",
            "duplicate_of": None,
        })
        events.extend(e for e in _workflow(rng, case_id, arrival.reported_at, cat, g.grid_id) if e["at"] < cutoff)
    return pd.DataFrame(cases, columns=CASE_COLUMNS + TRUTH_COLUMNS), pd.DataFrame(events, columns=EVENT_COLUMNS)


def _repeat_reports(rng, cases: pd.DataFrame, grids: list[Grid], end: dt.date
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Other residents report the same problem again: same category and grid, a few metres away, within a
    day; each repeat is handled as a case of its own (nobody linked it), and the truth remembers its master."""
    cats = categories().set_index("category_l2", drop=False)
    cutoff = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    # bookings (bulky-waste pickups) are per household: neighbours book their own, they do not repeat one
    masters = cases[(cases["channel"] != "smart_sensor") & (cases["category_l2"] != "bulky_waste")]
    masters = masters[rng.random(len(masters)) < REPEAT_P]
    channels = [c for c in CHANNELS if c not in ("smart_sensor", "grid_patrol")]
    rows, events = [], []
    for master in masters.itertuples():
        for k in range(1 + int(rng.random() < 0.3)):
            reported = master.reported_at + dt.timedelta(hours=float(rng.uniform(0.2, REPEAT_MAX_HOURS)))
            if reported >= cutoff:
                continue
            metres, angle = rng.uniform(0, REPEAT_MAX_METRES / 2), rng.uniform(0, 2 * np.pi)
            dlat = metres * np.sin(angle) / METRES_PER_DEG_LAT
            dlon = metres * np.cos(angle) / (METRES_PER_DEG_LAT * np.cos(np.radians(master.lat)))
            case_id = f"C{reported:%Y%m%d}R{master.case_id[-6:]}{k}"
            rows.append({**master._asdict(), "case_id": case_id, "reported_at": reported,
                         "channel": channels[int(rng.integers(0, len(channels)))],
                         "lat": round(master.lat + dlat, 6), "lon": round(master.lon + dlon, 6),
                         "reporter_name": identity.person_name(rng), "reporter_phone": identity.mobile(rng),
                         "duplicate_of": master.case_id})
            cat = cats.loc[master.category_l2]
            events.extend(e for e in _workflow(rng, case_id, reported, cat, master.grid_id) if e["at"] < cutoff)
    frame = pd.DataFrame(rows, columns=CASE_COLUMNS + TRUTH_COLUMNS + ["Index"]).drop(columns="Index")
    return frame, pd.DataFrame(events, columns=EVENT_COLUMNS)


def add_flaws(rng: np.random.Generator, cases: pd.DataFrame, events: pd.DataFrame, grids: list[Grid],
              end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What real deliveries look like: repeat reports of one problem, reports without coordinates,
    events delivered in a later day's file (column dt), sequence numbers out of time order and files
    not sorted by case."""
    repeats, repeat_events = _repeat_reports(rng, cases, grids, end)
    cases = pd.concat([cases, repeats], ignore_index=True).sort_values(["reported_at", "case_id"],
                                                                      ignore_index=True)
    events = pd.concat([events, repeat_events], ignore_index=True)
    events["at"] = pd.to_datetime(events["at"])
    cases["reported_at"] = pd.to_datetime(cases["reported_at"])
    no_coords = cases["channel"].isin(["hotline_12345", "walk_in"]) & (rng.random(len(cases)) < NO_COORDS_P)
    cases.loc[no_coords, ["lat", "lon"]] = np.nan
    cases["dt"] = cases["reported_at"].dt.date

    # Swap the sequence numbers of two consecutive events of some cases (the time order stays true).
    swapped = set(cases["case_id"][rng.random(len(cases)) < OUT_OF_ORDER_P])
    for _, part in events[events["case_id"].isin(swapped)].groupby("case_id"):
        if len(part) >= 3:
            i, j = part.index[1], part.index[2]
            events.loc[[i, j], "seq"] = events.loc[[j, i], "seq"].to_numpy()
    lag = np.where(rng.random(len(events)) < LATE_EVENT_P, rng.integers(1, 4, len(events)), 0)
    landed = events["at"].dt.normalize() + pd.to_timedelta(lag, unit="D")
    events["dt"] = np.minimum(landed, pd.Timestamp(end)).dt.date
    events = events.sample(frac=1.0, random_state=int(rng.integers(0, 2**31))).sort_values("dt", kind="stable")
    events["satisfaction"] = events["satisfaction"].astype("Int64")
    return cases, events.reset_index(drop=True)


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date,
             reports: list[Arrival] | None = None, disputes: pd.DataFrame | None = None,
             sensors: list[Arrival] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases reported from start to end (from `reports`, or drawn by `arrivals`) with every event that
    happened up to the end of `end`, flaws included. Dispute reports come from `disputes` when given
    (simulator.disputes: reported_at, grid_id, category_l2, lat, lon) instead of the generic rates.
    Smart-sensor cases come only from `sensors` (arrivals from confirmed device alarms, with device_id).
    Columns in TRUTH_COLUMNS are not landing columns."""
    if reports is None:
        reports = arrivals(rng, grids, start, end, with_disputes=disputes is None)
        if disputes is not None:
            reports += [Arrival(pd.Timestamp(d.reported_at).to_pydatetime(), d.grid_id, d.category_l2, d.lat, d.lon)
                        for d in disputes.itertuples()]
    cases, events = create_cases(rng, reports + list(sensors or []), grids, end)
    return add_flaws(rng, cases, events, grids, end)


def kpi_truth(cases: pd.DataFrame, events: pd.DataFrame, end: dt.date) -> dict:
    """Every incident KPI over the whole simulated period, from the generator's knowledge: repeat reports
    are known (not detected), states follow the event times (not the sequence numbers). Definitions as in
    dbt_project/seeds/kpi_definitions.csv."""
    cats = categories().set_index("category_l2")
    cutoff = pd.Timestamp(end) + pd.Timedelta(days=1)
    masters = cases[cases["duplicate_of"].isna()].set_index("case_id")
    ev = events[events["case_id"].isin(masters.index)].sort_values(["case_id", "at", "seq"])
    workflow = ev[ev["event_type"] != "rated"]
    state = workflow.groupby("case_id")["event_type"].last().reindex(masters.index).fillna("reported")
    first = ev.groupby(["case_id", "event_type"])["at"].min().unstack()
    last = ev.groupby(["case_id", "event_type"])["at"].max().unstack()
    level_rank = ev["level"].map(LEVEL_RANK).groupby(ev["case_id"]).max()
    sla = masters["category_l2"].map(cats["sla_resolve_hours"])
    reported_at = masters["reported_at"]
    resolved = state.isin(["resolved", "verified", "closed"])
    resolved_at = last["resolved"].reindex(masters.index)
    hours_resolve = (resolved_at - reported_at).dt.total_seconds() / 3600
    hours_accept = (first["accepted"].reindex(masters.index) - reported_at).dt.total_seconds() / 3600
    def has(kind: str) -> pd.Series:
        if kind not in first:
            return pd.Series(False, index=masters.index)
        return first[kind].reindex(masters.index).notna()

    closed = state.eq("closed")
    rated = ev[ev["event_type"] == "rated"].groupby("case_id")["satisfaction"].last().astype(float)
    outcome = ev[ev["event_type"] == "resolved"].groupby("case_id")["mediation_outcome"].last().dropna()
    due = reported_at + pd.to_timedelta(sla, unit="h")
    with_sla = resolved & sla.notna()
    used = (cutoff - reported_at).dt.total_seconds() / 3600 / sla   # share of the SLA used by open cases
    n = len(masters)
    return {
        "reports_received": int(len(cases)),
        "duplicates": int(cases["duplicate_of"].notna().sum()),
        "duplicate_of": cases.dropna(subset=["duplicate_of"]).set_index("case_id")["duplicate_of"].to_dict(),
        "cases_reported": n,
        "closure_rate": float(closed.mean()),
        "verified_closure_rate": float((closed & has("verified")).mean()),
        "on_time_rate": float((hours_resolve[with_sla] <= sla[with_sla]).mean()),
        "in_grid_rate": float((level_rank.reindex(masters.index)[resolved] <= 2).mean()),
        "accept_hours_median": float(hours_accept.dropna().median()),
        "accept_hours_p90": float(hours_accept.dropna().quantile(0.9)),
        "resolve_hours_median": float(hours_resolve[resolved].median()),
        "resolve_hours_p90": float(hours_resolve[resolved].quantile(0.9)),
        "reopen_rate": float(has("reopened").sum() / n),
        "satisfaction_mean": float(rated.mean()),
        "satisfied_share": float((rated >= 4).mean()),
        "mediation_success_rate": float((outcome == "success").mean()),
        "backlog_at_end": int((~closed).sum()),
        "overdue_at_end": int((~resolved & (due < cutoff)).sum()),
        "sla_50_at_end": int((~resolved & (used >= 0.5) & (used < 0.8)).sum()),
        "sla_80_at_end": int((~resolved & (used >= 0.8) & (used < 1.0)).sum()),
        "preventable_yoy": _preventable_yoy(masters, end),
    }


def _preventable_yoy(masters: pd.DataFrame, end: dt.date) -> float | None:
    """Preventable cases of the last 364 days against the 364 days before (None under two years)."""
    cats = categories().set_index("category_l2")
    prevented = masters[masters["category_l2"].map(cats["is_preventable"]).astype(bool)]
    day = prevented["reported_at"].dt.date
    last = ((day > end - dt.timedelta(days=364)) & (day <= end)).sum()
    before = ((day > end - dt.timedelta(days=728)) & (day <= end - dt.timedelta(days=364))).sum()
    if masters["reported_at"].min().date() > end - dt.timedelta(days=727) or before == 0:
        return None
    return float(last / before - 1)

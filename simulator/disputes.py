"""Dispute arrivals (矛盾纠纷) of the demo world: where and when disputes flare up, and why.

A self-exciting point process on the map (Hawkes, simulated by branching):
- Background disputes arrive in each L3 grid at a rate driven by what a real area has — households and
  population density (neighbour noise), renter and floating shares (rental and landlord conflicts,
  neighbour friction), shops (commercial and labour disputes), property-fee billing at the turn of the
  year, family disputes over the holidays, wage arrears before the Spring Festival, summer noise — times
  a grid's own unobserved temperament (a lognormal effect no register shows).
- Near-repeat: every dispute triggers on average BRANCHING further disputes nearby (a Gaussian offset of
  NEAR_REPEAT_METRES) over the following days (exponential delay, mean NEAR_REPEAT_DAYS): a row over a
  noisy flat or an unpaid deposit rarely ends with one report.

`generate` returns the arrivals (reported_at, grid_id, category_l2, lat, lon) and the true expected
number of disputes per grid and day — the process's compensator: background plus what the disputes
before each moment triggered. The truth goes to data/truth/, never into the warehouse.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from models_ml.calendar import day_flags, spring_festival_starts
from simulator.world import Grid

CATEGORIES = ["neighbour", "rental", "property_fee", "family", "commercial", "labour"]
BRANCHING = 0.3             # expected disputes each dispute triggers
NEAR_REPEAT_DAYS = 6.0      # mean delay of a triggered dispute
NEAR_REPEAT_METRES = 180.0  # spread of a triggered dispute around its parent (per axis, 1 sd)
SAME_CAUSE_P = 0.7          # a triggered dispute has its parent's cause, otherwise the grid's usual mix
LATENT_SD = 0.5             # sd of a grid's unobserved log-effect
# Disputes per household-day (or per shop-day) at renter share 0, density 1, before season and holidays.
# Calibrated so disputes are about 9–10 % of all items (141 of 1,565 in 华茂1958).
BASE = {"neighbour": 1.15e-5, "rental": 3.2e-5, "property_fee": 6.0e-6, "family": 7.0e-6,
        "commercial": 2.6e-5, "labour": 2.5e-5}
M_PER_DEG_LAT = 111_320.0


def _metres_per_deg_lon(lat: float) -> float:
    return M_PER_DEG_LAT * math.cos(math.radians(lat))


def _area_km2(g: Grid) -> float:
    lon0, lat0, lon1, lat1 = g.bounds
    return (lon1 - lon0) * _metres_per_deg_lon((lat0 + lat1) / 2) * (lat1 - lat0) * M_PER_DEG_LAT / 1e6


def grid_rates(rng: np.random.Generator, grids: list[Grid]) -> pd.DataFrame:
    """Background disputes per day and cause for every L3 grid with a polygon, before season and holidays."""
    l3 = [g for g in grids if g.level == "grid" and g.bounds is not None]
    density = np.array([g.households / _area_km2(g) for g in l3])
    typical = float(np.median(density[density > 0])) if (density > 0).any() else 1.0
    latent = rng.lognormal(-LATENT_SD ** 2 / 2, LATENT_SD, len(l3))
    rows = []
    for g, dens, effect in zip(l3, density, latent, strict=True):
        floating = 0.8 * g.renter_share   # most renters are floating residents (simulator.population)
        crowding = (dens / typical) ** 0.5
        rates = {
            "neighbour": BASE["neighbour"] * g.households * crowding * (1 + 2.5 * g.renter_share + 1.5 * floating),
            "rental": BASE["rental"] * g.households * g.renter_share ** 1.5 * 4,
            "property_fee": BASE["property_fee"] * g.households * (1.5 if g.grid_type == "commercial" else 1.0),
            "family": BASE["family"] * g.households * (1 + floating),
            "commercial": BASE["commercial"] * g.shops * (1 + 2 * g.renter_share),
            "labour": BASE["labour"] * g.shops * (1 + 2 * floating),
        }
        rows.append({"grid_id": g.grid_id, **{c: r * effect for c, r in rates.items()}, "latent_effect": effect})
    return pd.DataFrame(rows)


def season_factors(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Multiplier per day and cause: summer noise, property-fee billing in December–January, family rows
    over public holidays, wage arrears in the four weeks before the Spring Festival, fewer reports on
    weekends for workplace disputes."""
    festivals = spring_festival_starts(start - dt.timedelta(days=40), end + dt.timedelta(days=40))
    rows = []
    day = start
    while day <= end:
        flags = day_flags(day)
        summer = day.month in (6, 7, 8)
        before_festival = any(0 < (f - day).days <= 28 for f in festivals)
        off = not flags["is_workday"]
        rows.append({
            "date": day,
            "neighbour": (1.4 if summer else 1.0) * (1.2 if off else 1.0),
            "rental": 1.3 if day.month in (2, 3, 7, 8) else 1.0,          # moving seasons
            "property_fee": 1.8 if day.month in (12, 1) else 0.85,
            "family": 1.8 if flags["is_holiday"] else 1.0,
            "commercial": (0.6 if off else 1.0) * (1.2 if flags["is_holiday"] else 1.0),
            "labour": (2.2 if before_festival else 1.0) * (0.5 if off else 1.0),
        })
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


def _report_minute(rng, category: str) -> float:
    mean = 20 * 60 if category == "neighbour" else 13 * 60   # noise complaints come in the evening
    return float(np.clip(rng.normal(mean, 3.5 * 60), 0, 24 * 60 - 1))


def _locate(l3: list[Grid], lat: float, lon: float) -> int | None:
    for i, g in enumerate(l3):
        lon0, lat0, lon1, lat1 = g.bounds
        if lon0 <= lon < lon1 and lat0 <= lat < lat1:
            return i
    return None


def generate(rng: np.random.Generator, grids: list[Grid], start: dt.date, end: dt.date
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dispute arrivals from start to end, and the true expected disputes per grid and day."""
    l3 = [g for g in grids if g.level == "grid" and g.bounds is not None]
    rates = grid_rates(rng, grids)
    season = season_factors(start, end)
    base = rates[CATEGORIES].to_numpy()                           # grid × cause
    factor = season[CATEGORIES].to_numpy()                        # day × cause
    background = np.einsum("gc,dc->dgc", base, factor)            # day × grid × cause
    t0 = dt.datetime.combine(start, dt.time())
    n_days = len(season)

    arrivals: list[tuple[float, int, str, float, float]] = []   # (day offset as float, grid index, cause, lat, lon)
    counts = rng.poisson(background)
    for d, g, c in zip(*np.nonzero(counts), strict=True):
        cause = CATEGORIES[c]
        for _ in range(int(counts[d, g, c])):
            lon0, lat0, lon1, lat1 = l3[g].bounds
            arrivals.append((d + _report_minute(rng, cause) / 1440, int(g), cause,
                             float(rng.uniform(lat0, lat1)), float(rng.uniform(lon0, lon1))))
    queue = list(arrivals)
    while queue:   # branching: each dispute's offspring, and theirs
        parent_t, parent_g, parent_cause, lat, lon = queue.pop()
        for _ in range(int(rng.poisson(BRANCHING))):
            t = parent_t + float(rng.exponential(NEAR_REPEAT_DAYS))
            if t >= n_days:
                continue
            c_lat = lat + float(rng.normal(0, NEAR_REPEAT_METRES)) / M_PER_DEG_LAT
            c_lon = lon + float(rng.normal(0, NEAR_REPEAT_METRES)) / _metres_per_deg_lon(lat)
            g = _locate(l3, c_lat, c_lon)
            if g is None:          # beyond the district's edge
                continue
            if rng.random() < SAME_CAUSE_P:
                cause = parent_cause
            else:
                mix = base[g] / base[g].sum()
                cause = CATEGORIES[int(rng.choice(len(CATEGORIES), p=mix))]
            child = (t, g, cause, c_lat, c_lon)
            arrivals.append(child)
            queue.append(child)
    arrivals.sort(key=lambda a: (a[0], a[1]))
    frame = pd.DataFrame(arrivals, columns=["t", "g", "category_l2", "lat", "lon"])
    frame["reported_at"] = [t0 + dt.timedelta(minutes=round(t * 1440)) for t in frame["t"]]
    frame["grid_id"] = [l3[g].grid_id for g in frame["g"]]
    frame["lat"], frame["lon"] = frame["lat"].round(6), frame["lon"].round(6)
    expected = _expected(l3, background.sum(axis=2), frame, start)
    return frame[["reported_at", "grid_id", "category_l2", "lat", "lon"]], expected


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(x)


def _expected(l3: list[Grid], background: np.ndarray, arrivals: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """True expected disputes per grid and day: background plus the triggered intensity of every earlier
    dispute, integrated over the day and over the grid's cell (exponential delay, Gaussian offset)."""
    n_days, n_grids = background.shape
    triggered = np.zeros_like(background)
    bounds = np.array([g.bounds for g in l3])   # lon0, lat0, lon1, lat1
    days = np.arange(n_days)
    for t, lat, lon in arrivals[["t", "lat", "lon"]].itertuples(index=False):
        sd_lat = NEAR_REPEAT_METRES / M_PER_DEG_LAT
        sd_lon = NEAR_REPEAT_METRES / _metres_per_deg_lon(lat)
        mass = ((_norm_cdf((bounds[:, 3] - lat) / sd_lat) - _norm_cdf((bounds[:, 1] - lat) / sd_lat))
                * (_norm_cdf((bounds[:, 2] - lon) / sd_lon) - _norm_cdf((bounds[:, 0] - lon) / sd_lon)))
        span = days[int(t):int(t) + int(12 * NEAR_REPEAT_DAYS)]   # beyond that the kernel is < 1e-5
        lo = np.clip(span - t, 0, None)
        hi = np.clip(span + 1 - t, 0, None)
        in_day = np.exp(-lo / NEAR_REPEAT_DAYS) - np.exp(-hi / NEAR_REPEAT_DAYS)
        triggered[span] += BRANCHING * np.outer(in_day, mass)
    dates = [start + dt.timedelta(days=int(d)) for d in days]
    return pd.DataFrame({
        "grid_id": np.tile([g.grid_id for g in l3], n_days),
        "date": np.repeat(dates, n_grids),
        "background": background.ravel().round(6),
        "triggered": triggered.ravel().round(6),
        "expected": (background + triggered).ravel().round(6),
    })


def weekly(expected: pd.DataFrame) -> pd.DataFrame:
    """The true expected disputes per grid and calendar week (weeks start on Monday)."""
    frame = expected.copy()
    dates = pd.to_datetime(frame["date"])
    frame["week_start"] = (dates - pd.to_timedelta(dates.dt.weekday, unit="D")).dt.date
    return frame.groupby(["grid_id", "week_start"], as_index=False)[["background", "triggered", "expected"]].sum()


def write_truth(truth_dir, expected: pd.DataFrame) -> None:
    """True expected disputes per grid and day, and per grid and week, for evaluation only."""
    expected.to_csv(truth_dir / "dispute_rates_daily.csv", index=False)
    weekly(expected).to_csv(truth_dir / "dispute_rates_weekly.csv", index=False)

"""The grid × week panel the dispute-hotspot models learn from (pure functions over mart frames).

Weeks are anchored on the last day with data (`as_of`): week 0 is as_of−6 … as_of, the week before
it ends on as_of−7, and so on, so "next week" is always the seven days after the data ends and a
forecast made on any weekday is for the full seven days ahead. Partial weeks at the start are dropped.

Inputs (column names as in the marts):
- daily: grid_id, date_day, disputes_reported, and optionally device_alarms (mart_grid_daily)
- grids: grid_id, centroid_lat, centroid_lon, and optionally households, shops, area_km2 (dim_grids)
- population: grid_id, residents, renter_share, floating_share (mart_population_by_grid), optional
Any area data with an id and a centroid works, e.g. a regular grid of cells over a city.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models_ml.calendar import day_flags, spring_festival_starts

M_PER_DEG_LAT = 111_320.0
NEIGHBOUR_FACTOR = 1.75   # neighbours: centroids within this many times the typical nearest-centroid distance
LAG_WEEKS = 4
WINDOWS = (4, 12, 26, 52)
RECENT_DAYS = 7.0         # near-repeat time scale: a dispute yesterday counts more than one six days ago
CALENDAR_FEATURES = ["holiday_days_next", "workdays_next", "season_sin", "season_cos", "days_to_spring_festival"]
STATIC_FEATURES = ["households", "shops", "residents", "renter_share", "floating_share", "residents_per_km2",
                   "shops_per_km2"]
HISTORY_FEATURES = ([f"lag_{k}" for k in range(1, LAG_WEEKS + 1)] + [f"mean_{w}w" for w in WINDOWS]
                    + ["weeks_since_last", "recent_decayed", "nb_recent_decayed", "nb_lag_1", "nb_mean_4w",
                       "nb_mean_12w", "alarms_4w"])
FEATURES = HISTORY_FEATURES + STATIC_FEATURES + CALENDAR_FEATURES


@dataclass(frozen=True)
class WeeklyCounts:
    """Counts per grid (rows) and week (columns, oldest first); week_ends[j] is the last day of week j."""
    grid_ids: list[str]
    week_ends: list[dt.date]
    disputes: np.ndarray
    alarms: np.ndarray
    recent: np.ndarray   # disputes weighted by exp(−age in days / RECENT_DAYS) at each week end


def area_km2(geometry_geojson: str | None) -> float:
    """Area of a GeoJSON (Multi)Polygon in km² (equirectangular at its latitude; fine at grid scale)."""
    if not geometry_geojson:
        return float("nan")
    geometry = json.loads(geometry_geojson)
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = 0.0
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            lat = sum(p[1] for p in ring) / len(ring)
            kx = M_PER_DEG_LAT * math.cos(math.radians(lat))
            xy = [(p[0] * kx, p[1] * M_PER_DEG_LAT) for p in ring]
            signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(xy, xy[1:], strict=False)) / 2
            total += abs(signed) * (1 if i == 0 else -1)
    return total / 1e6


def week_index(dates: pd.Series, as_of: dt.date) -> np.ndarray:
    """How many weeks before the week ending on as_of each date lies (0 = the last week)."""
    days = (pd.Timestamp(as_of) - pd.to_datetime(dates)).dt.days.to_numpy()
    return days // 7


def weekly_counts(daily: pd.DataFrame, grid_ids: list[str], as_of: dt.date | None = None) -> WeeklyCounts:
    """Disputes (and device alarms) per grid and week ending on as_of (default: the last day in `daily`)."""
    if daily.empty:
        raise ValueError("no daily rows: the warehouse has no grid-days yet")
    dates = pd.to_datetime(daily["date_day"])
    as_of = as_of or dates.max().date()
    first = dates.min().date()
    n_weeks = ((as_of - first).days + 1) // 7            # only complete weeks
    if n_weeks < 1:
        raise ValueError(f"less than one full week of data ({first} … {as_of})")
    back = week_index(daily["date_day"], as_of)
    keep = (back >= 0) & (back < n_weeks) & daily["grid_id"].isin(grid_ids).to_numpy()
    col = (n_weeks - 1 - back[keep]).astype(int)
    row = pd.Index(grid_ids).get_indexer(daily.loc[keep, "grid_id"])
    disputes = np.zeros((len(grid_ids), n_weeks))
    np.add.at(disputes, (row, col), daily.loc[keep, "disputes_reported"].to_numpy(dtype=float))
    alarms = np.zeros_like(disputes)
    if "device_alarms" in daily:
        np.add.at(alarms, (row, col), daily.loc[keep, "device_alarms"].fillna(0).to_numpy(dtype=float))
    week_ends = [as_of - dt.timedelta(days=7 * (n_weeks - 1 - j)) for j in range(n_weeks)]
    return WeeklyCounts(list(grid_ids), week_ends, disputes, alarms, _recent(daily[keep], grid_ids, week_ends))


def _recent(daily: pd.DataFrame, grid_ids: list[str], week_ends: list[dt.date]) -> np.ndarray:
    """Exponentially decayed dispute counts per grid at each week end (daily resolution)."""
    first = week_ends[0] - dt.timedelta(days=6)
    n_days = (week_ends[-1] - first).days + 1
    by_day = np.zeros((len(grid_ids), n_days))
    day = (pd.to_datetime(daily["date_day"]) - pd.Timestamp(first)).dt.days.to_numpy()
    row = pd.Index(grid_ids).get_indexer(daily["grid_id"])
    np.add.at(by_day, (row, day), daily["disputes_reported"].to_numpy(dtype=float))
    decay = math.exp(-1 / RECENT_DAYS)
    level = np.zeros(len(grid_ids))
    out = np.zeros((len(grid_ids), len(week_ends)))
    for d in range(n_days):
        level = level * decay + by_day[:, d]
        if (d + 1) % 7 == 0:
            out[:, (d + 1) // 7 - 1] = level
    return out


def planar(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Metres east and north of the areas' mean position."""
    lat0 = float(np.nanmean(lat))
    return np.column_stack([(lon - np.nanmean(lon)) * M_PER_DEG_LAT * math.cos(math.radians(lat0)),
                            (lat - lat0) * M_PER_DEG_LAT])


def neighbour_matrix(grids: pd.DataFrame) -> np.ndarray:
    """1 where two areas are neighbours: centroids closer than NEIGHBOUR_FACTOR × the median distance
    from an area to its nearest other area (the 8 surrounding cells of a regular lattice)."""
    xy = planar(grids["centroid_lat"].to_numpy(float), grids["centroid_lon"].to_numpy(float))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(dist, np.inf)
    if len(grids) < 2:
        return np.zeros_like(dist)
    typical = float(np.median(dist.min(axis=1)))
    return (dist <= NEIGHBOUR_FACTOR * typical).astype(float)


def static_features(grids: pd.DataFrame, population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population make-up and shops per area (NaN where the data has none)."""
    out = pd.DataFrame({"grid_id": grids["grid_id"].to_numpy()})
    for col in ("households", "shops"):
        out[col] = grids[col].to_numpy(float) if col in grids else np.nan
    area = grids["area_km2"].to_numpy(float) if "area_km2" in grids else np.full(len(grids), np.nan)
    if population is not None and not population.empty:
        pop = population.set_index("grid_id").reindex(out["grid_id"])
        out["residents"] = pop["residents"].fillna(0).to_numpy(float)
        out["renter_share"] = pop["renter_share"].fillna(0).to_numpy(float)   # a grid without residents: 0
        out["floating_share"] = pop["floating_share"].fillna(0).to_numpy(float)
    else:
        out["residents"] = out["renter_share"] = out["floating_share"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["residents_per_km2"] = np.where(area > 0, out["residents"] / area, np.nan)
        out["shops_per_km2"] = np.where(area > 0, out["shops"] / area, np.nan)
    return out


def calendar_features(week_ends: list[dt.date]) -> pd.DataFrame:
    """Calendar of the week AFTER each week end (the week being predicted)."""
    if not week_ends:
        return pd.DataFrame(columns=["week_end", *CALENDAR_FEATURES])
    festivals = spring_festival_starts(week_ends[0], week_ends[-1] + dt.timedelta(days=400))
    rows = []
    for end in week_ends:
        days = [end + dt.timedelta(days=k) for k in range(1, 8)]
        flags = [day_flags(d) for d in days]
        mid = days[3]
        angle = 2 * math.pi * mid.timetuple().tm_yday / 365.25
        ahead = [(f - days[0]).days for f in festivals if f >= days[0]]
        rows.append({"week_end": end, "holiday_days_next": sum(f["is_holiday"] for f in flags),
                     "workdays_next": sum(f["is_workday"] for f in flags),
                     "season_sin": math.sin(angle), "season_cos": math.cos(angle),
                     # beyond the last known calendar year the distance is unknown: capped like "far away"
                     "days_to_spring_festival": min(ahead[0], 120) if ahead else 120})
    return pd.DataFrame(rows)


def _trailing_mean(counts: np.ndarray, window: int) -> np.ndarray:
    """Mean over the last `window` weeks up to and including each week (over fewer at the start)."""
    csum = np.cumsum(np.pad(counts, ((0, 0), (1, 0))), axis=1)
    n_weeks = counts.shape[1]
    idx = np.arange(n_weeks)
    lo = np.maximum(idx + 1 - window, 0)
    return (csum[:, idx + 1] - csum[:, lo]) / (idx + 1 - lo)


def panel(weekly: WeeklyCounts, statics: pd.DataFrame, neighbours: np.ndarray) -> pd.DataFrame:
    """One row per grid and week end: features known at the end of that week, and `target` = the
    disputes of the following week (NaN for the last week, whose next week is the forecast)."""
    counts = weekly.disputes
    n_grids, n_weeks = counts.shape
    cols: dict[str, np.ndarray] = {}
    for k in range(1, LAG_WEEKS + 1):
        lagged = np.full_like(counts, np.nan)
        lagged[:, k - 1:] = counts[:, : n_weeks - k + 1]
        cols[f"lag_{k}"] = lagged
    for w in WINDOWS:
        cols[f"mean_{w}w"] = _trailing_mean(counts, w)
    since = np.full_like(counts, np.nan)
    last_seen = np.full(n_grids, np.nan)
    for j in range(n_weeks):
        last_seen = np.where(counts[:, j] > 0, j, last_seen)
        since[:, j] = np.minimum(j - last_seen, 52)
    cols["weeks_since_last"] = np.where(np.isnan(since), 52, since)
    cols["recent_decayed"] = weekly.recent
    cols["nb_recent_decayed"] = neighbours @ weekly.recent
    nb_counts = neighbours @ counts
    cols["nb_lag_1"] = nb_counts
    cols["nb_mean_4w"] = _trailing_mean(nb_counts, 4)
    cols["nb_mean_12w"] = _trailing_mean(nb_counts, 12)
    cols["alarms_4w"] = _trailing_mean(weekly.alarms, 4) * 4
    target = np.full_like(counts, np.nan)
    target[:, :-1] = counts[:, 1:]
    frame = pd.DataFrame({
        "grid_id": np.repeat(weekly.grid_ids, n_weeks),
        "week_index": np.tile(np.arange(n_weeks), n_grids),
        "week_end": np.tile(np.array(weekly.week_ends, dtype=object), n_grids),
        **{name: values.ravel() for name, values in cols.items()},
        "target": target.ravel(),
    })
    frame = frame.merge(statics, on="grid_id", how="left")
    frame = frame.merge(calendar_features(weekly.week_ends), on="week_end", how="left")
    return frame[["grid_id", "week_index", "week_end", *FEATURES, "target"]]


def build_panel(daily: pd.DataFrame, grids: pd.DataFrame, population: pd.DataFrame | None = None,
                as_of: dt.date | None = None) -> tuple[pd.DataFrame, WeeklyCounts]:
    """The whole panel from mart frames, plus the weekly counts it was built from."""
    grids = grids.dropna(subset=["centroid_lat", "centroid_lon"]).reset_index(drop=True)
    if grids.empty:
        raise ValueError("no areas with a centroid: hotspots need grids with a location")
    weekly = weekly_counts(daily, list(grids["grid_id"]), as_of)
    return panel(weekly, static_features(grids, population), neighbour_matrix(grids)), weekly

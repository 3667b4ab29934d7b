"""Read what the hotspot model needs from the marts, and any city's incident points (through an import
mapping) as the same frames."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from models_ml.hotspot_features import area_km2
from orchestration.ml_store import read_sql

if TYPE_CHECKING:
    from orchestration.defs.resources import Warehouse


@dataclass(frozen=True)
class HotspotInputs:
    daily: pd.DataFrame        # grid_id, date_day, disputes_reported, device_alarms
    grids: pd.DataFrame        # grid_id, centroid_lat, centroid_lon, households, shops, area_km2
    population: pd.DataFrame   # grid_id, residents, renter_share, floating_share
    events: pd.DataFrame       # date_day, grid_id, lat, lon, category_l2 of every dispute
    dropped: int = 0           # input rows left out (no usable date or location)
    outside: int = 0           # incidents in cells left out (none in the first year)


def from_warehouse(warehouse: Warehouse) -> HotspotInputs:
    """L3 grids with a polygon (mobile grids have no place on the map) and their dispute history, in a fixed
    order so that the same warehouse content always gives the same scores."""
    grids = read_sql(warehouse, """
        select grid_id, centroid_lat, centroid_lon, households, shops, geometry_geojson
        from marts.dim_grids
        where level = 'grid' and centroid_lat is not null
        order by grid_id""")
    grids["area_km2"] = [area_km2(g) for g in grids.pop("geometry_geojson")]
    # mart_grid_daily is sparse (rows on days something happened): the data period's first and last day, as
    # rows without counts, tell the weekly counts the data's range
    daily = read_sql(warehouse, """
        select grid_id, date_day, disputes_reported, device_alarms from marts.mart_grid_daily
        union all
        select g.grid_id, unnest([p.first_day, p.last_day]) as date_day, 0, 0
        from marts.mart_data_period as p
        cross join (select min(grid_id) as grid_id from marts.dim_grids where level = 'grid') as g
        order by grid_id, date_day""")
    population = read_sql(warehouse, "select grid_id, residents, renter_share, floating_share "
                                     "from marts.mart_population_by_grid")
    events = read_sql(warehouse, """
        select reported_on as date_day, grid_id, lat, lon, category_l2 from marts.fct_incidents
        where is_dispute and lat is not null and lon is not null
        order by reported_at, case_id""")
    return HotspotInputs(daily, grids, population, events)


def from_point_csv(path: Path, mapping: str | Path = "chicago_assaults", cell_m: float = 1000.0,
                   min_events: int = 1) -> HotspotInputs:
    """A city's incident export read through an import mapping (its report time, latitude and longitude
    columns; default: the shipped mapping of the Chicago points in ../shared/realdata/), as `from_points`."""
    from data_contracts.importers.landing import read_csv
    from data_contracts.importers.mapping import POINT_FIELDS, Mapping

    return from_points(read_csv(path), Mapping.load(mapping, required=POINT_FIELDS), cell_m, min_events)


def from_points(frame: pd.DataFrame, mapping, cell_m: float = 1000.0, min_events: int = 1) -> HotspotInputs:
    """Incident points (any export, through its mapping's reported_at, lat and lon) as a regular grid of
    square cells of `cell_m` metres. Cells keep only if they saw at least `min_events` incidents in the
    first year, so no cell is chosen with knowledge of the weeks being backtested. Rows without a usable
    date or location are counted and left out (see `dropped`). The mapping is checked first (MappingError)."""
    from data_contracts.importers.mapping import _column, _timestamps

    mapping.check(frame)
    _, when = _timestamps(_column(frame, mapping, "reported_at"), mapping.format_of("reported_at"))
    lat = pd.to_numeric(_column(frame, mapping, "lat"), errors="coerce")
    lon = pd.to_numeric(_column(frame, mapping, "lon"), errors="coerce")
    ok = when.notna() & lat.between(-90, 90) & lon.between(-180, 180) & (lat != 0)
    points = pd.DataFrame({"date_day": when[ok].dt.date, "lat": lat[ok], "lon": lon[ok]})
    lat0 = float(points["lat"].median())
    kx = 111_320.0 * math.cos(math.radians(lat0))
    ix = np.floor((points["lon"] * kx) / cell_m).astype(int)
    iy = np.floor((points["lat"] * 111_320.0) / cell_m).astype(int)
    points["grid_id"] = [f"X{x}_Y{y}" for x, y in zip(ix, iy, strict=True)]
    first_year = pd.to_datetime(points["date_day"]) < pd.to_datetime(points["date_day"].min()) + pd.DateOffset(years=1)
    seen = points[first_year].groupby("grid_id").size()
    keep = seen[seen >= min_events].index
    cells = pd.DataFrame({"grid_id": keep})
    xy = cells["grid_id"].str.extract(r"X(-?\d+)_Y(-?\d+)").astype(int)
    cells["centroid_lon"] = (xy[0] + 0.5) * cell_m / kx
    cells["centroid_lat"] = (xy[1] + 0.5) * cell_m / 111_320.0
    cells["area_km2"] = (cell_m / 1000) ** 2
    inside = points["grid_id"].isin(keep)
    outside = int((~inside).sum())
    points = points[inside]
    counts = points.groupby(["grid_id", "date_day"]).size().rename("disputes_reported").reset_index()
    # every cell needs the whole span of days, or the weekly counts would not know the data's range
    span = pd.DataFrame({"grid_id": keep[0], "date_day": [points["date_day"].min(), points["date_day"].max()],
                         "disputes_reported": 0})
    daily = pd.concat([counts, span], ignore_index=True)
    return HotspotInputs(daily, cells, pd.DataFrame(columns=["grid_id", "residents", "renter_share", "floating_share"]),
                         points[["date_day", "lat", "lon"]].reset_index(drop=True), dropped=int((~ok).sum()),
                         outside=outside)

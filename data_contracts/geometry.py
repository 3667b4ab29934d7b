"""What makes an area's polygon usable and a point's coordinates present: one rule for the boundary importer,
the placer and the grids contract (rule `bad_geometry`), so what the importer reports is what ingest
quarantines."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely

POLYGONAL = ("Polygon", "MultiPolygon")


def polygon_problem(geometry: shapely.Geometry | None) -> str | None:
    """Why `geometry` (WGS84 lon/lat) cannot be an area's polygon, or None when it can."""
    if geometry is None:
        return "no geometry"
    if geometry.is_empty:
        return "empty geometry"
    if geometry.geom_type not in POLYGONAL:
        return f"a {geometry.geom_type}, not a polygon"
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return f"coordinates out of range (bounds {minx:.6g}, {miny:.6g}, {maxx:.6g}, {maxy:.6g}; not WGS84 lon/lat?)"
    if not geometry.is_valid:
        return f"invalid polygon ({shapely.is_valid_reason(geometry)})"
    return None


def repaired(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    """An invalid polygon made valid (`shapely.make_valid`), keeping its polygonal parts only (a bow-tie
    becomes two triangles; the lines and points a repair may leave are dropped). Anything else as it is."""
    if geometry is None or geometry.is_empty or geometry.is_valid:
        return geometry
    fixed = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in POLYGONAL and not p.is_empty]
    if not parts:
        return geometry
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in POLYGONAL else shapely.MultiPolygon(
        [q for p in parts for q in shapely.get_parts(p)])


def from_geojson(text: str | None) -> shapely.Geometry | None:
    """A geometry from GeoJSON text (None for empty text or text that is no geometry)."""
    if text is None or not str(text).strip() or str(text).strip() == "null":
        return None
    try:
        return shapely.from_geojson(text)
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None


def geojson_problem(text: str | None) -> str | None:
    """`polygon_problem` of GeoJSON text; unreadable text is a problem of its own."""
    geometry = from_geojson(text)
    if geometry is None:
        try:
            json.loads(text)
        except (TypeError, ValueError):
            return "not GeoJSON"
        return "not a GeoJSON geometry"
    return polygon_problem(geometry)


def coordinates(lat, lon) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numeric lat/lon and whether a point has coordinates: both numbers, in range, and not (0, 0) — the
    'null island' many exports write for no location."""
    lat = pd.to_numeric(lat if isinstance(lat, pd.Series) else pd.Series(lat), errors="coerce").astype(float)
    lon = pd.to_numeric(pd.Series(np.asarray(lon, dtype=object), index=lat.index), errors="coerce").astype(float)
    ok = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0)) & np.isfinite(lat + lon)
    return lat, lon, ok

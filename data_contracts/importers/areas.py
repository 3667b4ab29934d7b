"""A grid layer for imported cases when the source has none: regular lat/lon cells as L3 grids, under
the source's own communities and streets (e.g. neighbourhood councils and planning areas), or under
coarser cells when the source names none. Every level gets an id, a name and (cells) a polygon."""

from __future__ import annotations

import math
import re

import pandas as pd


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "UNNAMED"


def _cell(lat: float, lon: float, size: float) -> tuple[int, int]:
    return math.floor(lat / size), math.floor(lon / size)


def _cell_id(prefix: str, row: int, col: int) -> str:
    return f"{prefix}-{abs(row)}{'N' if row >= 0 else 'S'}{abs(col)}{'E' if col >= 0 else 'W'}"


def _coordinates(cases: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    lat = pd.to_numeric(cases["lat"], errors="coerce")
    lon = pd.to_numeric(cases["lon"], errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    return lat, lon, ok


class CellGrid:
    """Derives the hierarchy from the cases once (`fit`), then places each case (`__call__`)."""

    def __init__(self, size: float, prefix: str, name: str):
        self.size, self.prefix, self.name = size, prefix, name
        self.features: list[dict] = []

    def __call__(self, cases: pd.DataFrame) -> pd.Series:
        lat, lon, ok = _coordinates(cases)
        cells = [(_cell_id(self.prefix, *_cell(a, b, self.size)) if good else "")
                 for a, b, good in zip(lat, lon, ok, strict=True)]
        grid = pd.Series(cells, index=cases.index)
        self._fit(cases.assign(_grid=grid, _lat=lat, _lon=lon)[ok])
        return grid

    def _fit(self, placed: pd.DataFrame) -> None:
        size, prefix = self.size, self.prefix
        coarse = lambda a, b, k: _cell_id(f"{prefix}-{k}", *_cell(a, b, size * k))  # noqa: E731
        community = placed["community"].where(placed["community"] != "")
        community = community.fillna(pd.Series([coarse(a, b, 5) for a, b in zip(placed["_lat"], placed["_lon"],
                                                                                  strict=True)], index=placed.index))
        street = placed["street"].where(placed["street"] != "")
        street = street.fillna(pd.Series([coarse(a, b, 25) for a, b in zip(placed["_lat"], placed["_lon"],
                                                                             strict=True)], index=placed.index))
        # each cell belongs to the community most of its cases name, each community to its usual street
        cell_community = community.groupby(placed["_grid"]).agg(lambda s: s.value_counts().index[0])
        community_street = street.groupby(community).agg(lambda s: s.value_counts().index[0])
        district_id = prefix
        features = [self._feature(district_id, None, "district", self.name)]
        street_ids = {s: f"{prefix}-S-{_slug(s)}" for s in sorted(community_street.unique())}
        features += [self._feature(sid, district_id, "street", s) for s, sid in street_ids.items()]
        community_ids = {c: f"{prefix}-C-{_slug(c)}" for c in sorted(community_street.index)}
        features += [self._feature(cid, street_ids[community_street[c]], "community", c)
                     for c, cid in community_ids.items()]
        for cell_id, comm in sorted(cell_community.items()):
            rows = placed[placed["_grid"] == cell_id]
            row, col = _cell(rows["_lat"].iloc[0], rows["_lon"].iloc[0], size)
            lat0, lon0 = row * size, col * size
            ring = [[round(lon0, 6), round(lat0, 6)], [round(lon0 + size, 6), round(lat0, 6)],
                    [round(lon0 + size, 6), round(lat0 + size, 6)], [round(lon0, 6), round(lat0 + size, 6)],
                    [round(lon0, 6), round(lat0, 6)]]
            feature = self._feature(cell_id, community_ids[comm], "grid", f"{comm} {cell_id.split('-')[-1]}")
            feature["properties"].update(centroid_lat=round(lat0 + size / 2, 6), centroid_lon=round(lon0 + size / 2, 6))
            feature["geometry"] = {"type": "Polygon", "coordinates": [ring]}
            features.append(feature)
        self.features = features

    @staticmethod
    def _feature(grid_id: str, parent_id: str | None, level: str, name: str) -> dict:
        return {"type": "Feature", "geometry": None, "properties": {
            "grid_id": grid_id, "parent_id": parent_id, "level": level, "grid_type": "administrative",
            "name_zh": name, "name_en": name, "households": 0, "shops": 0, "centroid_lat": None,
            "centroid_lon": None, "valid_from": None, "valid_to": None}}

    def collection(self, valid_from) -> dict:
        for f in self.features:
            f["properties"]["valid_from"] = str(valid_from)
        return {"type": "FeatureCollection", "features": self.features}

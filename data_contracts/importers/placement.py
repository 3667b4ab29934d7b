"""Points into areas: each point gets the grid whose polygon contains it, in the version valid at the point's
time; rows without coordinates are placed by an area name when the source has one.

Which areas take points: the leaves of the hierarchy — areas no other area names as its parent (the L3
grids or micro-grids of a full hierarchy; every area of a boundary file with one level, e.g. a city's
neighbourhoods). A point inside a community but in none of its child grids falls in a gap of the grid
layer: it is `outside_grids`, like a point outside the district, never silently given the community.
Among leaves that overlap, the deepest level wins, then the smaller area, then the smaller id.

Versions: a grid's version is valid from `valid_from` (inclusive) to `valid_to` (exclusive, open when
empty). A point takes the version valid at its time, so a redrawn grid places earlier cases by its old
polygon. A grid's earliest version also stands for the time before it: history imported after the
boundaries (a city's past years) is placed by the first known boundaries. A point without a time takes
the current versions.

`GridPlacer.place(lat, lon, names=None, at=None) -> (grid_id, reason)`: '' reason when placed, else
`outside_grids` (coordinates in no grid), `no_location` (no usable coordinates and no name),
`unknown_area_name` / `ambiguous_area_name` (a name that matches no grid, or several)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from data_contracts.geometry import coordinates, polygon_problem, repaired
from data_contracts.specs import LEVELS

OUTSIDE, NO_LOCATION = "outside_grids", "no_location"
UNKNOWN_NAME, AMBIGUOUS_NAME = "unknown_area_name", "ambiguous_area_name"
_DEPTH = {level: depth for depth, level in enumerate(LEVELS)}
_EARLIEST, _LATEST = np.datetime64("0001-01-01", "s"), np.datetime64("9999-12-31", "s")


def normalise_name(text, drop_words: Iterable[str] = ()) -> str:
    """An area name for matching: Unicode-folded, case-folded, '&' as 'and', punctuation as spaces, the
    `drop_words` (e.g. 'nc' for 'LAKE BALBOA NC') left out."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold().replace("&", " and ")
    words = re.sub(r"[\W_]+", " ", text).split()
    dropped = {w.casefold() for w in drop_words}
    return " ".join(w for w in words if w not in dropped)


def _day(value) -> np.datetime64:
    stamp = pd.to_datetime(value, errors="coerce") if value not in (None, "") else pd.NaT
    return np.datetime64(stamp.to_datetime64(), "s") if pd.notna(stamp) else np.datetime64("NaT", "s")


def _times(at, index: pd.Index) -> np.ndarray:
    """Each point's time as the local clock time it states (an offset is dropped, as the importers do); no or
    an unreadable time → the latest time, so the current versions apply."""
    if at is None:
        return np.full(len(index), _LATEST - 1)
    text = pd.Series(np.asarray(at, dtype=object), index=index).astype(str).str.strip()
    text = text.str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed").to_numpy(dtype="datetime64[s]")
    return np.where(np.isnat(parsed), _LATEST - 1, parsed)


def landing_grid_versions(landing: Path | str) -> list[dict]:
    """Every version of every area in the delivered grids files (`landing/grids/dt=*/grids.geojson`): a
    later delivery of the same version (grid_id, valid_from) wins, as in the warehouse's staging."""
    versions: dict[tuple[str, str], dict] = {}
    for path in sorted(Path(landing, "grids").glob("dt=*/grids.geojson")):
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError, TypeError):
            continue   # a broken grids file is reported by the grids ingest itself
        for feature in features if isinstance(features, list) else []:
            if _is_area(feature):
                props = feature["properties"]
                versions[(str(props["grid_id"]), str(props.get("valid_from") or ""))] = feature
    return list(versions.values())


def _is_area(feature) -> bool:
    """A GeoJSON feature with a grid id (anything else in a grids file is the grids ingest's to report)."""
    return (isinstance(feature, dict) and isinstance(feature.get("properties"), dict)
            and bool(feature["properties"].get("grid_id")))


class GridPlacer:
    """Built once from the grid features, then places any number of points (STRtree of the leaf polygons)."""

    def __init__(self, versions: pd.DataFrame, *, aliases: dict[str, str] | None = None,
                 drop_words: Iterable[str] = ()):
        self.versions = versions.reset_index(drop=True)
        self.drop_words = tuple(drop_words)
        polygonal = self.versions["geometry"].notna().to_numpy()
        self._tree_rows = np.flatnonzero(polygonal)
        self._tree = shapely.STRtree(self.versions["geometry"].to_numpy()[polygonal])
        self._names: dict[str, list[int]] = {}
        for row, version in self.versions.iterrows():
            for name in {version["grid_id"], version["name_en"], version["name_zh"]}:
                key = normalise_name(name, self.drop_words)
                if key and row not in self._names.setdefault(key, []):
                    self._names[key].append(row)
        self._aliases = {normalise_name(k, self.drop_words): str(v) for k, v in (aliases or {}).items()}

    @classmethod
    def from_features(cls, features: Iterable[dict], **options) -> GridPlacer:
        """From GeoJSON features with the grids contract's properties (grid_id, parent_id, level, name_zh,
        name_en, valid_from, valid_to). Areas delivered without a geometry are found by name only; areas whose
        geometry is unusable (quarantined at ingest as bad_geometry) take no points at all."""
        features = [f for f in features if _is_area(f)]
        parents = {str(f["properties"].get("parent_id") or "") for f in features}
        rows = []
        for f in features:
            props = f["properties"]
            if str(props["grid_id"]) in parents:
                continue   # not a leaf: its points belong to its children
            try:
                geometry = repaired(shapely.geometry.shape(f["geometry"])) if f.get("geometry") else None
            except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
                geometry = shapely.GeometryCollection()
            if geometry is not None and polygon_problem(geometry) is not None:
                continue   # an unusable polygon: the grids ingest quarantines the area (bad_geometry)
            rows.append({"grid_id": str(props["grid_id"]), "level": props.get("level") or "grid",
                         "name_en": props.get("name_en") or "", "name_zh": props.get("name_zh") or "",
                         "valid_from": _day(props.get("valid_from")), "valid_to": _day(props.get("valid_to")),
                         "geometry": geometry})
        versions = pd.DataFrame(rows, columns=["grid_id", "level", "name_en", "name_zh", "valid_from", "valid_to",
                                               "geometry"])
        if versions.empty:
            raise ValueError("no grids to place points in: deliver or import the grids first")
        versions["depth"] = versions["level"].map(_DEPTH).fillna(len(LEVELS)).astype(int)
        versions["area"] = shapely.area(versions["geometry"].to_numpy())
        # the earliest version of each grid also stands for the time before it was delivered
        first = versions.groupby("grid_id")["valid_from"].transform("min")
        versions["from"] = versions["valid_from"].where(versions["valid_from"] != first, _EARLIEST).fillna(_EARLIEST)
        versions["to"] = versions["valid_to"].fillna(_LATEST)
        return cls(versions, **options)

    @classmethod
    def from_landing(cls, landing_dir: Path | str, **options) -> GridPlacer:
        """From every version of every area delivered to the landing zone."""
        return cls.from_features(landing_grid_versions(landing_dir), **options)

    def _valid(self, rows: np.ndarray, times: np.ndarray) -> np.ndarray:
        return (self.versions["from"].to_numpy()[rows] <= times) & (times < self.versions["to"].to_numpy()[rows])

    def locate(self, lat, lon, names=None, at=None) -> pd.DataFrame:
        """grid_id, reason ('' when placed) and method (point, name or '') of every point, in input order."""
        lat, lon, ok = coordinates(lat, lon)
        index = lat.index
        n = len(lat)
        times = _times(at, index)
        grid = np.full(n, "", dtype=object)
        reason = np.where(ok.to_numpy(), OUTSIDE, NO_LOCATION).astype(object)
        method = np.full(n, "", dtype=object)
        with_point = np.flatnonzero(ok.to_numpy())
        if len(with_point) and len(self._tree_rows):
            points = shapely.points(lon.to_numpy()[with_point], lat.to_numpy()[with_point])
            point_at, tree_at = self._tree.query(points, predicate="intersects")
            rows = self._tree_rows[tree_at]
            hits = pd.DataFrame({"point": with_point[point_at], "row": rows})
            hits = hits[self._valid(hits["row"].to_numpy(), times[hits["point"].to_numpy()])]
            hits = hits.assign(depth=-self.versions["depth"].to_numpy()[hits["row"]],
                               area=self.versions["area"].to_numpy()[hits["row"]],
                               grid=self.versions["grid_id"].to_numpy()[hits["row"]])
            best = hits.sort_values(["point", "depth", "area", "grid"]).drop_duplicates("point")
            grid[best["point"].to_numpy()] = best["grid"].to_numpy()
            reason[best["point"].to_numpy()] = ""
            method[best["point"].to_numpy()] = "point"
        if names is not None:
            names = pd.Series(np.asarray(names, dtype=object), index=index).fillna("").astype(str).str.strip()
            without = pd.Series(np.flatnonzero(~ok.to_numpy()))
            without = without[names.to_numpy()[without] != ""]
            for name, positions in without.groupby(names.to_numpy()[without]):   # once per distinct name
                positions = positions.to_numpy()
                grid[positions], reason[positions] = self._by_name(name, times[positions])
                method[positions] = np.where(reason[positions] == "", "name", "")
        return pd.DataFrame({"grid_id": grid, "reason": reason, "method": method}, index=index)

    def _by_name(self, name: str, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Grid ids and reasons for rows of one area name at their times: placed only when exactly one grid
        of that name is valid at the row's time."""
        key = normalise_name(name, self.drop_words)
        key = normalise_name(self._aliases.get(key, key), self.drop_words)
        rows = np.array(self._names.get(key, []), dtype=int)
        grid, reason = np.full(len(times), "", dtype=object), np.full(len(times), UNKNOWN_NAME, dtype=object)
        if not len(rows):
            return grid, reason
        valid = ((self.versions["from"].to_numpy()[rows][None, :] <= times[:, None])
                 & (times[:, None] < self.versions["to"].to_numpy()[rows][None, :]))
        ids, which = np.unique(self.versions["grid_id"].to_numpy()[rows].astype(str), return_inverse=True)
        per_grid = np.stack([valid[:, which == j].any(axis=1) for j in range(len(ids))], axis=1)
        count = per_grid.sum(axis=1)
        grid[count == 1] = ids[per_grid.argmax(axis=1)][count == 1]
        reason[count == 1] = ""
        reason[count > 1] = AMBIGUOUS_NAME
        return grid, reason

    def place(self, lat, lon, names=None, at=None) -> tuple[pd.Series, pd.Series]:
        """The grid id of every point ('' when not placed) and why not ('' when placed)."""
        located = self.locate(lat, lon, names, at)
        return located["grid_id"], located["reason"]


class CasePlacement:
    """`grid_of` for `mapping.to_canonical`: places each case by its point at its report time, by its area name
    (`use_names`) when it has no coordinates, and keeps the row accounting of the last call."""

    def __init__(self, placer: GridPlacer, use_names: bool = False):
        self.placer, self.use_names = placer, use_names
        self.located: pd.DataFrame | None = None

    def __call__(self, cases: pd.DataFrame) -> pd.Series:
        names = cases["area_name"] if self.use_names and "area_name" in cases else None
        self.located = self.placer.locate(cases["lat"], cases["lon"], names, at=cases["reported_at"])
        return self.located["grid_id"]

    def accounting(self) -> dict[str, int]:
        """read = placed_by_point + placed_by_name + outside_grids + no_location + unknown/ambiguous names."""
        located = self.located if self.located is not None else pd.DataFrame(columns=["reason", "method"])
        counts = {"read": len(located), "placed_by_point": int((located["method"] == "point").sum()),
                  "placed_by_name": int((located["method"] == "name").sum())}
        for reason in (OUTSIDE, NO_LOCATION, UNKNOWN_NAME, AMBIGUOUS_NAME):
            counts[reason] = int((located["reason"] == reason).sum())
        return counts

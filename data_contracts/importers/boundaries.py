"""A district's own boundary file (GeoJSON, Shapefile, GeoPackage) → the grids landing file, through a small
YAML mapping (see mappings/la_neighbourhoods.yaml).

Read with geopandas/pyogrio and reprojected to WGS84. Each feature becomes an area: id, parent, level, names
(zh/en), grid type, households and shops from mapped columns, or constants for a file that holds one level
(`level: community`, `parent: <id>`); ids slugged from a name column with `id_prefix` when the file has none;
`district:` adds the district the top areas hang under. The mapping is checked before anything is written
(unknown keys with a did-you-mean, missing columns, level and grid-type values, counts, duplicate ids,
parents that no file delivers).

Geometries: invalid polygons are repaired (`shapely.make_valid`, polygonal parts kept); what is still
unusable (empty, not polygonal, coordinates out of range) is written as it is and the grids contract
quarantines it at ingest with rule `bad_geometry` (data_contracts.geometry, one rule for both). Gaps and
overlaps between siblings (areas with the same parent) are measured in metres (a local UTM projection) and
reported in the summary and the manifest.

Versions: each area carries valid_from / valid_to. An import is valid from `valid_from` (the CLI's
`--valid-from`, else the mapping's, else yesterday). An area already delivered and unchanged keeps its version;
a changed one (polygon, names, parent, counts) gets its open version closed (valid_to = the new valid_from)
and a new version opened; one redrawn twice on the same day has that day's version replaced. Areas delivered
earlier but missing from the file stay as they are (a file may hold one level or one part of the district).
The landing file is `grids/dt=<valid_from>/grids.geojson`, written through the import transaction."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely
import yaml

from data_contracts.geometry import polygon_problem, repaired
from data_contracts.importers.landing import _read_manifests, commit_import, source_identity
from data_contracts.importers.mapping import MappingError, _suggest, _unknown
from data_contracts.importers.placement import landing_grid_versions
from data_contracts.specs import GRID_TYPES, LEVELS
from gridsight.settings import BOUNDARY_MAX_COUNT, BOUNDARY_SLIVER_M2, today

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
SUFFIXES = (".geojson", ".json", ".shp", ".gpkg")
# Canonical area fields a boundary mapping can fill from source columns
FIELDS = ("grid_id", "parent_id", "level", "grid_type", "name_zh", "name_en", "households", "shops")
KEYS = ("name", "columns", "level", "parent", "grid_type", "id_prefix", "district", "valid_from", "crs", "layer")
DISTRICT_KEYS = ("id", "name_zh", "name_en")
COUNTS = ("households", "shops")
PROPERTIES = ("grid_id", "parent_id", "level", "grid_type", "name_zh", "name_en", "households", "shops",
              "centroid_lat", "centroid_lon", "valid_from", "valid_to")
EMPTY = {"type": "GeometryCollection", "geometries": []}   # how an area with no geometry is delivered


@dataclass(frozen=True)
class BoundaryMapping:
    name: str
    columns: dict[str, str]
    level: str | None = None          # constant level (a file of one level), when no level column
    parent: str | None = None         # constant parent id, when no parent column
    grid_type: str = "administrative"
    id_prefix: str = "A"
    district: dict | None = None      # {id, name_zh, name_en}: the district the top areas hang under
    valid_from: dt.date | None = None
    crs: str | None = None            # the file's CRS when it has none (a Shapefile without .prj)
    layer: str | None = None          # the layer of a GeoPackage with several
    path: str | None = None

    @classmethod
    def load(cls, path: Path | str) -> BoundaryMapping:
        path = Path(path)
        if not path.exists() and (MAPPINGS / f"{path}.yaml").exists():
            path = MAPPINGS / f"{path}.yaml"
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc}") from None
        except yaml.YAMLError as exc:   # one line: the problem and where
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise MappingError(f"{path}: cannot read the mapping: {getattr(exc, 'problem', None) or exc}{where}"
                               ) from None
        if not isinstance(spec, dict):
            raise MappingError(f"{path}: a boundary mapping is a YAML dictionary (name, columns, level …)")
        where = str(path)
        _unknown(where, spec, KEYS, "key")
        columns = spec.get("columns") or {}
        if not isinstance(columns, dict):
            raise MappingError(f"{where}: columns maps area fields ({', '.join(FIELDS)}) to source columns")
        _unknown(f"{where}: columns", columns, FIELDS, "area field")
        if not {"name_en", "name_zh"} & set(columns):
            raise MappingError(f"{where}: columns.name_en or columns.name_zh is required (the area's name)")
        for constant, column in (("level", "level"), ("parent", "parent_id"), ("grid_type", "grid_type")):
            if constant in spec and column in columns:
                raise MappingError(f"{where}: give {constant} (one value for every area) or columns.{column}, "
                                   "not both")
        level = spec.get("level")
        if level is not None and level not in LEVELS:
            raise MappingError(f"{where}: level {level!r} is not a ladder level ({', '.join(LEVELS)})"
                               f"{_suggest(level, LEVELS)}")
        grid_type = spec.get("grid_type", "administrative")
        if grid_type not in GRID_TYPES:
            raise MappingError(f"{where}: grid_type {grid_type!r} is not one of {', '.join(GRID_TYPES)}"
                               f"{_suggest(grid_type, GRID_TYPES)}")
        district = spec.get("district")
        if district is not None:
            if not isinstance(district, dict) or not district.get("id"):
                raise MappingError(f"{where}: district is {{id: …, name_en: …, name_zh: …}}")
            _unknown(f"{where}: district", district, DISTRICT_KEYS, "key")
        valid_from = spec.get("valid_from")
        if valid_from is not None:
            valid_from = parse_day(valid_from, f"{where}: valid_from")
        return cls(name=str(spec.get("name", path.stem)), columns={k: str(v) for k, v in columns.items()},
                   level=level, parent=None if spec.get("parent") is None else str(spec["parent"]),
                   grid_type=grid_type, id_prefix=str(spec.get("id_prefix", "A")),
                   district={k: str(v) for k, v in district.items()} if district else None,
                   valid_from=valid_from, crs=spec.get("crs"), layer=spec.get("layer"), path=str(path.resolve()))


def slug(name: str) -> str:
    """An id part from an area's name: letters and digits of any script, the rest as '_', upper case
    ('Little Italy, UIC' → LITTLE_ITALY_UIC, '福田街道' → 福田街道)."""
    return re.sub(r"[\W_]+", "_", str(name)).strip("_").upper() or "UNNAMED"


def parse_day(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise MappingError(f"{where}: {value!r} is not a day (YYYY-MM-DD)") from None


def read_boundary_file(path: Path | str, mapping: BoundaryMapping):
    """The boundary file as a GeoDataFrame in WGS84 (EPSG:4326). A file that is no readable vector file,
    has no CRS and no `crs:` in the mapping, or has several layers and no `layer:`, is a one-line error."""
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise MappingError(f"{path}: a boundary file is GeoJSON (.geojson, .json), a Shapefile (.shp) or a "
                           "GeoPackage (.gpkg)")
    if not path.is_file():
        raise MappingError(f"{path}: no such file (or not a file)")
    try:
        layers = pyogrio.list_layers(path)
        if mapping.layer is None and len(layers) > 1:
            raise MappingError(f"{path}: {len(layers)} layers ({', '.join(str(n) for n, _ in layers)}): name one "
                               "with layer: in the mapping")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, engine="pyogrio", layer=mapping.layer)
    except MappingError:
        raise
    except Exception as exc:   # pyogrio's DataSourceError, DataLayerError, GDAL errors …
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MappingError(f"{path}: not a readable GeoJSON, Shapefile or GeoPackage — {first}") from None
    if frame.crs is None:
        if mapping.crs is None:
            raise MappingError(f"{path}: the file names no coordinate reference system (a Shapefile without "
                               ".prj?): give crs: (e.g. EPSG:4326) in the mapping")
        frame = frame.set_crs(mapping.crs)
    elif mapping.crs is not None:
        frame = frame.set_crs(mapping.crs, allow_override=True)
    try:
        return frame.to_crs(4326)
    except Exception as exc:
        raise MappingError(f"{path}: cannot reproject {frame.crs} to WGS84: {exc}") from None


def _text(frame, mapping: BoundaryMapping, name: str) -> pd.Series | None:
    column = mapping.columns.get(name)
    if column is None:
        return None
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip()


def _counts(values: pd.Series, column: str) -> pd.Series:
    numbers = pd.to_numeric(values.where(values != "", "0"), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0) | (numbers > BOUNDARY_MAX_COUNT)
    if bad.any():
        raise MappingError(f"column {column!r}: {values[bad].iloc[0]!r} is not a count (a whole number from 0 to "
                           f"{BOUNDARY_MAX_COUNT:,}; {int(bad.sum())} such values)")
    return numbers.astype("int64")


def areas_of(frame, mapping: BoundaryMapping) -> pd.DataFrame:
    """One row per feature: the area's properties (as the grids contract names them) and its geometry,
    repaired where it can be, with the `problem` of what remains unusable ('' when usable)."""
    n = len(frame)
    if n == 0:
        raise MappingError(f"mapping {mapping.name!r}: the file holds no features")
    missing = [c for c in mapping.columns.values() if c not in frame.columns]
    if missing:
        known = [c for c in frame.columns if c != frame.geometry.name]
        raise MappingError(f"mapping {mapping.name!r}: the file lacks columns {missing}{_suggest(missing[0], known)} "
                           f"(it has: {', '.join(map(str, known))})")
    name_en, name_zh = _text(frame, mapping, "name_en"), _text(frame, mapping, "name_zh")
    name_en = name_en if name_en is not None else name_zh
    name_zh = name_zh if name_zh is not None else name_en
    ids = _text(frame, mapping, "grid_id")
    if ids is None:
        ids = name_en.map(lambda v: f"{mapping.id_prefix}-{slug(v)}" if v else "")
    level = _text(frame, mapping, "level")
    level = level if level is not None else pd.Series(mapping.level or "grid", index=frame.index)
    bad_level = ~level.isin(LEVELS)
    if bad_level.any():
        value = level[bad_level].iloc[0]
        raise MappingError(f"column {mapping.columns.get('level')!r}: level {value!r} is not a ladder level "
                           f"({', '.join(LEVELS)}){_suggest(value, LEVELS)}; or give one level: for the whole file")
    grid_type = _text(frame, mapping, "grid_type")
    grid_type = grid_type if grid_type is not None else pd.Series(mapping.grid_type, index=frame.index)
    if (~grid_type.isin(GRID_TYPES)).any():
        value = grid_type[~grid_type.isin(GRID_TYPES)].iloc[0]
        raise MappingError(f"column {mapping.columns['grid_type']!r}: grid type {value!r} is not one of "
                           f"{', '.join(GRID_TYPES)}{_suggest(value, GRID_TYPES)}")
    # areas with no parent hang under the constant parent, else under the mapping's district
    top = mapping.parent or (mapping.district or {}).get("id") or ""
    parent = _text(frame, mapping, "parent_id")
    parent = pd.Series("", index=frame.index) if parent is None else parent
    parent = parent.where((parent != "") | (level == "district"), top)
    counts = {name: (_counts(_text(frame, mapping, name), mapping.columns[name]) if name in mapping.columns
                     else pd.Series(0, index=frame.index, dtype="int64")) for name in COUNTS}
    geometries = [repaired(g) for g in frame.geometry]
    problems = [polygon_problem(g) or "" for g in geometries]
    areas = pd.DataFrame({"grid_id": ids.to_numpy(), "parent_id": parent.to_numpy(), "level": level.to_numpy(),
                          "grid_type": grid_type.to_numpy(), "name_zh": name_zh.to_numpy(),
                          "name_en": name_en.to_numpy(), "households": counts["households"].to_numpy(),
                          "shops": counts["shops"].to_numpy(), "geometry": geometries, "problem": problems,
                          "repaired": [g is not None and not o.is_valid if o is not None else False
                                       for g, o in zip(geometries, frame.geometry, strict=True)]})
    areas.index = pd.RangeIndex(1, n + 1, name="feature")
    repeated = areas["grid_id"].duplicated(keep=False) & (areas["grid_id"] != "")
    if repeated.any():
        first = areas.loc[repeated, "grid_id"].iloc[0]
        rows = list(areas.index[areas["grid_id"] == first])
        raise MappingError(f"grid id {first!r} is given to {len(rows)} features (features {rows}): each area needs "
                           f"its own id ({'columns.grid_id' if 'grid_id' in mapping.columns else 'names are slugged'})")
    return areas


def _rounded(geometry) -> dict:
    """GeoJSON to 1e-7° (about a centimetre), kept valid (the exact geometry when rounding would spoil it)."""
    rounded = shapely.set_precision(geometry, 1e-7)
    if polygon_problem(rounded) is not None:
        rounded = geometry
    return json.loads(shapely.to_geojson(shapely.orient_polygons(rounded)))   # RFC 7946: exteriors anticlockwise


def _feature(row, valid_from: dt.date) -> dict:
    usable = not row["problem"]
    geometry = row["geometry"]
    centroid = geometry.centroid if usable else None
    props = {"grid_id": row["grid_id"], "parent_id": row["parent_id"] or None, "level": row["level"],
             "grid_type": row["grid_type"], "name_zh": row["name_zh"], "name_en": row["name_en"],
             "households": int(row["households"]), "shops": int(row["shops"]),
             "centroid_lat": round(centroid.y, 7) if centroid else None,
             "centroid_lon": round(centroid.x, 7) if centroid else None,
             "valid_from": str(valid_from), "valid_to": None}
    if geometry is None or geometry.is_empty:
        shape = EMPTY
    else:
        shape = _rounded(geometry) if usable else json.loads(shapely.to_geojson(geometry))
    return {"type": "Feature", "geometry": shape, "properties": props}


def _same(old: dict, new: dict) -> bool:
    keys = [k for k in PROPERTIES if k not in ("valid_from", "valid_to", "centroid_lat", "centroid_lon")]
    if any(str(old["properties"].get(k) or "") != str(new["properties"].get(k) or "") for k in keys):
        return False
    try:
        a, b = shapely.geometry.shape(old["geometry"]), shapely.geometry.shape(new["geometry"])
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
        return old.get("geometry") == new.get("geometry")
    return bool(a.equals_exact(b, 1e-7)) or bool(a.equals(b))


@dataclass(frozen=True)
class Versions:
    features: list[dict]
    opened: list[str] = field(default_factory=list)     # areas new to the landing zone
    redrawn: list[str] = field(default_factory=list)    # areas whose open version was closed and a new one opened
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)   # that day's version replaced (changed twice on one day)


def versioned(features: list[dict], delivered: list[dict], valid_from: dt.date) -> Versions:
    """The features to deliver against the versions already delivered (see the module's docstring)."""
    open_versions = {f["properties"]["grid_id"]: f for f in delivered if not f["properties"].get("valid_to")}
    out, result = [], Versions([])
    for feature in features:
        grid_id = feature["properties"]["grid_id"]
        current = open_versions.get(grid_id)
        if current is None:
            out.append(feature)
            result.opened.append(grid_id)
            continue
        try:
            since = dt.date.fromisoformat(str(current["properties"].get("valid_from"))[:10])
        except ValueError:
            raise MappingError(f"grid {grid_id!r}: its delivered version has no readable valid_from "
                               f"({current['properties'].get('valid_from')!r}); fix that grids file first") from None
        if since > valid_from:
            raise MappingError(f"grid {grid_id!r}: its current version is valid from {since}, after {valid_from}; "
                               "versions are added in time order (give --valid-from on or after it)")
        if _same(current, feature):
            feature["properties"]["valid_from"] = str(since)
            result.unchanged.append(grid_id)
        elif since == valid_from:
            result.replaced.append(grid_id)
        else:
            closed = json.loads(json.dumps(current))
            closed["properties"]["valid_to"] = str(valid_from)
            out.append(closed)
            result.redrawn.append(grid_id)
        out.append(feature)
    return Versions(out, result.opened, result.redrawn, result.unchanged, result.replaced)


def _delivered(landing: Path, imports: Path, source: tuple[str | None, str]) -> list[dict]:
    """The versions delivered so far, without those only an earlier import of this same file delivered: that
    import is replaced by this one (re-importing a file versions it against what came before it)."""
    active = [m for m in _read_manifests(imports) if not m.get("replaced_by")]
    replaced = [m for m in active if m["source"].get("path") == source[0] or m["source"].get("sha256") == source[1]]
    if not replaced:
        return landing_grid_versions(landing)

    def versions_of(manifests) -> dict[tuple[str, str], dict]:
        found = {}
        for m in manifests:   # in import order: a later import's version wins
            for f in m["landing_files"]:
                if f["path"].startswith("grids/"):
                    found.update({_key(v): v for v in _features(imports / m["import_id"] / f["path"])})
        return found

    theirs, kept = versions_of(replaced), versions_of([m for m in active if m not in replaced])
    delivered = {_key(v): v for v in landing_grid_versions(landing)}
    for key in theirs:
        if key in kept:
            delivered[key] = kept[key]
        else:
            delivered.pop(key, None)
    return list(delivered.values())


def _key(version: dict) -> tuple[str, str]:
    return version["properties"]["grid_id"], str(version["properties"].get("valid_from") or "")


def _features(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def sibling_report(areas: pd.DataFrame, parents: dict[str, object] | None = None) -> dict:
    """Overlaps (which pairs, m²) and gaps (m²) between areas with the same parent. A gap is the part of the
    parent's polygon no child covers when the parent has one (in the file or delivered), else a hole the
    siblings enclose. Slivers under settings.BOUNDARY_SLIVER_M2 are left out."""
    import geopandas as gpd

    usable = areas[areas["problem"] == ""]
    if usable.empty:
        return {"overlaps": [], "gaps": [], "overlap_m2": 0.0, "gap_m2": 0.0}
    frame = gpd.GeoDataFrame(usable[["grid_id", "parent_id"]], geometry=list(usable["geometry"]), crs=4326)
    parents = dict(parents or {})
    parents.update(dict(zip(usable["grid_id"], usable["geometry"], strict=True)))
    metric = frame.estimate_utm_crs()
    projected = frame.to_crs(metric)
    overlaps, gaps = [], []
    for parent_id, group in projected.groupby("parent_id", sort=True):
        geoms, ids = group.geometry.to_numpy(), group["grid_id"].to_numpy()
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left, right, strict=True):
            if i < j:
                area = shapely.area(shapely.intersection(geoms[i], geoms[j]))
                if area >= BOUNDARY_SLIVER_M2:
                    overlaps.append({"parent_id": parent_id or None, "a": ids[i], "b": ids[j],
                                     "area_m2": round(float(area), 1)})
        union = shapely.union_all(geoms)
        parent_geometry = parents.get(parent_id)
        if parent_geometry is not None and polygon_problem(parent_geometry) is None:
            outer = gpd.GeoSeries([parent_geometry], crs=4326).to_crs(metric).iloc[0]
            uncovered = [p for p in shapely.get_parts(shapely.difference(outer, union))]
        else:
            uncovered = [shapely.Polygon(ring) for p in shapely.get_parts(union) for ring in p.interiors]
        holes = [float(p.area) for p in uncovered if p.area >= BOUNDARY_SLIVER_M2]
        if holes:
            gaps.append({"parent_id": parent_id or None, "count": len(holes), "area_m2": round(sum(holes), 1)})
    overlaps.sort(key=lambda o: -o["area_m2"])
    return {"overlaps": overlaps, "gaps": gaps, "overlap_m2": round(sum(o["area_m2"] for o in overlaps), 1),
            "gap_m2": round(sum(g["area_m2"] for g in gaps), 1)}


def _report_text(report: dict) -> str:
    if not report["overlaps"] and not report["gaps"]:
        return "siblings: no gaps or overlaps"
    top = ", ".join(f"{o['a']}/{o['b']} {o['area_m2']:,.0f} m²" for o in report["overlaps"][:3])
    text = (f"siblings: {len(report['overlaps'])} overlapping pairs ({report['overlap_m2']:,.0f} m²"
            f"{': ' + top if top else ''}{' …' if len(report['overlaps']) > 3 else ''})")
    return text + (f", {sum(g['count'] for g in report['gaps'])} gaps ({report['gap_m2']:,.0f} m²)")


@dataclass(frozen=True)
class BoundaryImport:
    features_read: int
    areas_written: int
    valid_from: str
    versions: Versions
    problems: dict[str, str]          # grid id (or feature number) → why its geometry is unusable
    repaired: tuple[str, ...]
    siblings: dict
    import_id: str = ""
    replaces: tuple[str, ...] = ()

    def summary(self) -> str:
        v = self.versions
        text = (f"import {self.import_id}: {self.features_read:,} features read → {self.areas_written:,} areas "
                f"valid from {self.valid_from} ({len(v.opened)} new, {len(v.redrawn)} redrawn: old version closed, "
                f"{len(v.unchanged)} unchanged, {len(v.replaced)} replaced that day's version)")
        if self.repaired:
            text += f"; {len(self.repaired)} invalid polygons repaired ({', '.join(self.repaired[:5])})"
        if self.problems:
            listed = ", ".join(f"{k}: {p}" for k, p in list(self.problems.items())[:5])
            text += f"; {len(self.problems)} unusable geometries, quarantined at ingest as bad_geometry ({listed})"
        text += f"; {_report_text(self.siblings)}"
        if self.replaces:
            text += f"; replaces import {', '.join(self.replaces)} of the same file"
        return text


def import_boundaries(path: Path | str, mapping: BoundaryMapping, landing: Path, imports: Path | None = None,
                      valid_from: dt.date | None = None) -> BoundaryImport:
    """Read, check and version a boundary file, then write its grids landing file as one transaction. Nothing
    is written when the file or the mapping does not fit (MappingError)."""
    landing = Path(landing)
    imports = Path(imports) if imports is not None else landing.parent / "imports"
    # default: yesterday (district time), the latest day the pipeline materializes, like `gridsight materialize`
    valid_from = valid_from or mapping.valid_from or today() - dt.timedelta(days=1)
    frame = read_boundary_file(path, mapping)
    areas = areas_of(frame, mapping)
    delivered = _delivered(landing, imports, source_identity(None, path))
    features = [_feature(row, valid_from) for _, row in areas.iterrows()]
    if mapping.district and mapping.district["id"] not in set(areas["grid_id"]):
        district = mapping.district
        features.insert(0, {"type": "Feature", "geometry": None, "properties": {
            "grid_id": district["id"], "parent_id": None, "level": "district", "grid_type": "administrative",
            "name_zh": district.get("name_zh") or district.get("name_en") or district["id"],
            "name_en": district.get("name_en") or district.get("name_zh") or district["id"],
            "households": 0, "shops": 0, "centroid_lat": None, "centroid_lon": None,
            "valid_from": str(valid_from), "valid_to": None}})
    known = {f["properties"]["grid_id"] for f in features} | {f["properties"]["grid_id"] for f in delivered}
    orphans = sorted({p for p in areas["parent_id"] if p and p not in known})
    if orphans:
        raise MappingError(f"parent ids {orphans[:5]} are neither in this file nor in a delivered grids file: "
                           "import the parents first, or give district: in the mapping")
    rootless = areas[(areas["parent_id"] == "") & (areas["level"] != "district")]
    if len(rootless):
        raise MappingError(f"{len(rootless)} areas have no parent (e.g. {rootless['grid_id'].iloc[0]!r}) and are not "
                           "a district: give parent: or district: {id: …, name_en: …} in the mapping")
    versions = versioned(features, delivered, valid_from)
    parents = {}
    for f in delivered:
        if f["properties"].get("valid_to") or not f.get("geometry"):
            continue
        try:
            parents[f["properties"]["grid_id"]] = shapely.geometry.shape(f["geometry"])
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
            continue
    siblings = sibling_report(areas, parents)
    problems = {(r["grid_id"] or f"feature {i}"): r["problem"] for i, r in areas.iterrows() if r["problem"]}
    repaired_ids = tuple(areas.loc[areas["repaired"] & (areas["problem"] == ""), "grid_id"])
    collection = {"type": "FeatureCollection", "features": versions.features}
    rel = f"grids/dt={valid_from:%Y-%m-%d}/grids.geojson"
    committed = commit_import(
        [(rel, lambda p: p.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8"),
          len(versions.features))],
        landing, imports, source=source_identity(None, path), rows_read=len(frame),
        mapping={"name": mapping.name, "path": mapping.path}, days=[str(valid_from), str(valid_from)],
        rows={"read": len(frame), "areas": len(versions.features), "new": len(versions.opened),
              "redrawn": len(versions.redrawn), "unchanged": len(versions.unchanged),
              "bad_geometry": len(problems), "repaired": len(repaired_ids)},
        extra={"valid_from": str(valid_from), "siblings": siblings, "bad_geometry": problems,
               "repaired": list(repaired_ids), "redrawn": versions.redrawn})
    return BoundaryImport(len(frame), len(versions.features), str(valid_from), versions, problems, repaired_ids,
                          siblings, committed.import_id, committed.replaces)

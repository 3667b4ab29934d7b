"""The grid hierarchy of the demo district with GeoJSON polygons, and its commercial zones.

district → streets (vertical strips) → communities (bands) → L3 grids (lattice cells) → micro-grids
(2×2 cells). Some L3 cells are special grids (school, hospital, industrial park) or commercial
zones; each street has one mobile grid (delivery riders) without a polygon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DISTRICT = ("D01", "大观区", "Daguan District")
STREETS = [("菱湖街道", "Linghu Street"), ("德宽路街道", "Dekuan Road Street"), ("玉琳路街道", "Yulin Road Street"),
           ("集贤路街道", "Jixian Road Street")]
COMMUNITIES = [("宜纺社区", "Yifang"), ("华茂社区", "Huamao"), ("月山社区", "Yueshan"), ("菱北社区", "Lingbei"),
               ("德宽社区", "Dekuan"), ("石化社区", "Shihua"), ("玉琳社区", "Yulin"), ("花亭社区", "Huating"),
               ("集贤社区", "Jixian"), ("皖江社区", "Wanjiang"), ("纺织社区", "Fangzhi"), ("龙山社区", "Longshan")]
SPECIAL_TYPES = [("school", "学校", "School"), ("hospital", "医院", "Hospital"),
                 ("industrial_park", "产业园", "Industrial park")]
# Commercial districts: (district code, zh, en, zone letters, street index it lies in)
COMMERCIAL = [("HM1958", "华茂1958商圈", "Huamao 1958", ["A", "B", "C"], 0),
              ("RMR", "人民路商圈", "Renmin Road", ["N", "S"], 1)]
BBOX = (117.02, 30.49, 117.14, 30.57)  # lon_min, lat_min, lon_max, lat_max (WGS84)


@dataclass(frozen=True)
class Grid:
    grid_id: str
    parent_id: str | None
    level: str
    grid_type: str
    name_zh: str
    name_en: str
    bounds: tuple[float, float, float, float] | None  # lon_min, lat_min, lon_max, lat_max
    households: int = 0
    shops: int = 0
    renter_share: float = 0.0
    zone_id: str | None = None

    @property
    def centroid(self) -> tuple[float | None, float | None]:
        if self.bounds is None:
            return None, None
        lon0, lat0, lon1, lat1 = self.bounds
        return round((lat0 + lat1) / 2, 6), round((lon0 + lon1) / 2, 6)

    def geometry(self) -> dict | None:
        """RFC 7946 polygon: exterior ring counter-clockwise."""
        if self.bounds is None:
            return None
        lon0, lat0, lon1, lat1 = (round(v, 6) for v in self.bounds)
        ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
        return {"type": "Polygon", "coordinates": [ring]}


@dataclass(frozen=True)
class Zone:
    zone_id: str
    district_code: str
    district_name_zh: str
    district_name_en: str
    name_zh: str
    name_en: str
    grid_id: str
    safe_capacity: int
    base_hourly_visitors: float


def _split(lo: float, hi: float, n: int) -> list[tuple[float, float]]:
    edges = np.linspace(lo, hi, n + 1)
    return [(float(edges[i]), float(edges[i + 1])) for i in range(n)]


def build_world(rng: np.random.Generator, streets: int, communities: int, grid_rows: int, grid_cols: int
                ) -> tuple[list[Grid], list[Zone]]:
    district_id, dzh, den = DISTRICT
    grids = [Grid(district_id, None, "district", "administrative", dzh, den, BBOX)]
    zones: list[Zone] = []
    lon0, lat0, lon1, lat1 = BBOX
    per_street = np.array_split(np.arange(communities), streets)
    community_names = iter(COMMUNITIES * 10)
    for s, (slon0, slon1) in enumerate(_split(lon0, lon1, streets)):
        street_id = f"{district_id}-S{s + 1:02d}"
        szh, sen = STREETS[s % len(STREETS)]
        grids.append(Grid(street_id, district_id, "street", "administrative", szh, sen, (slon0, lat0, slon1, lat1)))
        commercial = [c for c in COMMERCIAL if c[4] == s or (streets == 1 and c[4] > 0)]
        for c, (clat0, clat1) in enumerate(_split(lat0, lat1, len(per_street[s]))):
            community_id = f"{street_id}-C{c + 1:02d}"
            czh, cen = next(community_names)
            grids.append(Grid(community_id, street_id, "community", "administrative", czh, f"{cen} Community",
                              (slon0, clat0, slon1, clat1)))
            cells = [(r, k) for r in range(grid_rows) for k in range(grid_cols)]
            lat_edges = _split(clat0, clat1, grid_rows)
            lon_edges = _split(slon0, slon1, grid_cols)
            for n, (r, k) in enumerate(cells):
                grid_id = f"{community_id}-G{n + 1:02d}"
                bounds = (lon_edges[k][0], lat_edges[r][0], lon_edges[k][1], lat_edges[r][1])
                grid = _l3_grid(rng, grid_id, community_id, n, len(cells), bounds, czh, cen)
                if c == 0 and commercial and n < sum(len(z[3]) for z in commercial):
                    grid, zone = _commercial_grid(rng, grid_id, community_id, n, bounds, commercial)
                    zones.append(zone)
                grids.append(grid)
                if grid.grid_type != "special":
                    grids.extend(_micro_grids(grid))
        first_community = f"{street_id}-C01"
        grids.append(Grid(f"{street_id}-MOB", first_community, "grid", "mobile", f"{szh}骑手流动网格",
                          f"{sen} delivery-rider mobile grid", None))
    return grids, zones


def _l3_grid(rng, grid_id, community_id, n, n_cells, bounds, czh, cen) -> Grid:
    if n == n_cells - 1:  # the last cell of each community is a special grid
        code, zh, en = SPECIAL_TYPES[int(rng.integers(0, len(SPECIAL_TYPES)))]
        return Grid(grid_id, community_id, "grid", "special", f"{czh}{zh}专属网格", f"{cen} {en} special grid",
                    bounds, households=int(rng.integers(0, 20)), shops=int(rng.integers(0, 10)))
    return Grid(grid_id, community_id, "grid", "residential", f"{czh}第{n + 1}网格", f"{cen} grid {n + 1}",
                bounds, households=int(rng.integers(110, 200)), shops=int(rng.integers(5, 45)),
                renter_share=float(rng.uniform(0.08, 0.35)))


def _commercial_grid(rng, grid_id, community_id, n, bounds, commercial) -> tuple[Grid, Zone]:
    flat = [(c, letter) for c in commercial for letter in c[3]]
    (code, dzh, den, _letters, _street), letter = flat[n]
    zone_id = f"{code}-{letter}"
    rented = 0.58 if (code, letter) == ("HM1958", "C") else float(rng.uniform(0.25, 0.45))
    grid = Grid(grid_id, community_id, "grid", "commercial", f"{dzh}{letter}区", f"{den} zone {letter}", bounds,
                households=int(rng.integers(150, 200)), shops=int(rng.integers(180, 300)),
                renter_share=rented, zone_id=zone_id)
    capacity = int(rng.integers(25, 45)) * 100
    zone = Zone(zone_id, code, dzh, den, f"{dzh}{letter}区", f"{den} zone {letter}", grid_id, capacity,
                base_hourly_visitors=capacity * float(rng.uniform(0.22, 0.32)))
    return grid, zone


def _micro_grids(grid: Grid) -> list[Grid]:
    lon0, lat0, lon1, lat1 = grid.bounds
    out = []
    for i, (a0, a1) in enumerate(_split(lat0, lat1, 2)):
        for j, (o0, o1) in enumerate(_split(lon0, lon1, 2)):
            m = i * 2 + j + 1
            out.append(Grid(f"{grid.grid_id}-M{m}", grid.grid_id, "micro_grid", grid.grid_type,
                            f"{grid.name_zh}{m}号微网格", f"{grid.name_en} micro-grid {m}", (o0, a0, o1, a1),
                            households=grid.households // 4, shops=grid.shops // 4))
    return out

"""A district's boundary file → versioned grids: the real LA and Chicago neighbourhoods, the same file as a
Shapefile and a GeoPackage in another CRS, hostile files, redrawn areas, and gaps and overlaps between siblings."""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import shapely

from data_contracts.importers.boundaries import BoundaryMapping, import_boundaries, sibling_report
from data_contracts.importers.mapping import MappingError
from data_contracts.importers.placement import GridPlacer, landing_grid_versions
from data_contracts.specs import contracts_for
from data_contracts.validate import check, read_landing_file
from tests.conftest import PSEUDONYM_KEY, REALDATA

LA = REALDATA / "los_angeles_neighborhoods_latimes.geojson"
CHICAGO = REALDATA / "chicago_neighborhoods_cityofchicago.geojson"
DAY = dt.date(2020, 1, 1)
(GRIDS,) = contracts_for("grids")


def _needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real sample not found at {path}")


def _square(x, y, size=0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def _write(tmp_path: Path, features: list[tuple[str, dict | None]], name="areas.geojson", **extra) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {"name": n, **extra}} for n, geometry in features]}))
    return path


def _mapping(tmp_path: Path, text: str = "") -> BoundaryMapping:
    path = tmp_path / "m.yaml"
    path.write_text("name: test\ncolumns: {name_en: name}\nlevel: grid\nid_prefix: T\n"
                    "district: {id: T, name_en: Test district}\n" + text)
    return BoundaryMapping.load(path)


def _ingest_check(landing: Path, day=DAY):
    frame = read_landing_file(landing / "grids" / f"dt={day}" / "grids.geojson", GRIDS)
    return check(frame, GRIDS, PSEUDONYM_KEY.encode())


def test_la_neighbourhoods_become_grids_under_the_city(tmp_path):
    _needs(LA)
    landing = tmp_path / "landing"
    result = import_boundaries(LA, BoundaryMapping.load("la_neighbourhoods"), landing, valid_from=DAY)
    features = json.loads((landing / "grids" / "dt=2020-01-01" / "grids.geojson").read_text())["features"]
    props = {f["properties"]["grid_id"]: f["properties"] for f in features}
    assert result.features_read == 114 and len(features) == 115          # the neighbourhoods and the city
    assert props["LA"]["level"] == "district" and props["LA"]["parent_id"] is None
    grids = [p for p in props.values() if p["level"] == "grid"]
    assert len(grids) == 114 and {p["parent_id"] for p in grids} == {"LA"}
    assert props["LA-N-LAKE_BALBOA"]["name_en"] == "Lake Balboa"
    assert all(p["valid_from"] == "2020-01-01" and p["valid_to"] is None for p in props.values())
    # the one self-intersecting polygon of the real file is repaired, not dropped
    assert result.repaired == ("LA-N-DOWNTOWN",) and not result.problems
    assert all(shapely.geometry.shape(f["geometry"]).is_valid for f in features if f["geometry"])
    # every area passes the grids contract at ingest
    checked = _ingest_check(landing)
    assert len(checked.loaded) == 115 and checked.quarantined.empty
    manifest = json.loads((tmp_path / "imports" / f"{result.import_id}.json").read_text())
    assert manifest["rows"]["read"] == 114 and manifest["siblings"] == result.siblings
    # real neighbourhoods: the cities LA encloses (Beverly Hills, Culver City …) are holes between siblings
    assert result.siblings["gap_m2"] > 10_000_000 and "gaps" in result.summary()


def test_chicago_neighbourhoods_are_repaired_and_reported(tmp_path):
    _needs(CHICAGO)
    result = import_boundaries(CHICAGO, BoundaryMapping.load("chicago_neighbourhoods"), tmp_path / "landing",
                               valid_from=DAY)
    assert result.features_read == 98 and len(result.repaired) == 4 and not result.problems
    assert len(_ingest_check(tmp_path / "landing").loaded) == 99


@pytest.mark.parametrize("suffix", [".shp", ".gpkg"])
def test_shapefile_and_geopackage_in_web_mercator_give_the_same_grids(tmp_path, suffix):
    _needs(LA)
    import geopandas as gpd

    converted = tmp_path / f"la{suffix}"
    gpd.read_file(LA).to_crs(3857).to_file(converted)
    mapping = BoundaryMapping.load("la_neighbourhoods")
    import_boundaries(LA, mapping, tmp_path / "a", valid_from=DAY)
    import_boundaries(converted, mapping, tmp_path / "b", valid_from=DAY)
    a = {f["properties"]["grid_id"]: f for f in landing_grid_versions(tmp_path / "a")}
    b = {f["properties"]["grid_id"]: f for f in landing_grid_versions(tmp_path / "b")}
    assert a.keys() == b.keys() and len(a) == 115
    for grid_id, feature in a.items():
        if feature["geometry"] is None:
            continue
        one, other = shapely.geometry.shape(feature["geometry"]), shapely.geometry.shape(b[grid_id]["geometry"])
        assert one.symmetric_difference(other).area < one.area * 1e-6, grid_id
        assert feature["properties"]["centroid_lat"] == pytest.approx(b[grid_id]["properties"]["centroid_lat"],
                                                                       abs=1e-6)


def test_a_bow_tie_is_repaired_and_unusable_geometries_are_quarantined_at_ingest(tmp_path):
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    point = {"type": "Point", "coordinates": [1, 1]}
    path = _write(tmp_path, [("Bow tie", bow_tie), ("Empty", None), ("A point", point),
                             ("Far away", _square(500, 10)), ("Fine", _square(2, 2))])
    result = import_boundaries(path, _mapping(tmp_path), tmp_path / "landing", valid_from=DAY)
    assert result.repaired == ("T-BOW_TIE",)
    assert set(result.problems) == {"T-EMPTY", "T-A_POINT", "T-FAR_AWAY"}
    assert "out of range" in result.problems["T-FAR_AWAY"] and "Point" in result.problems["T-A_POINT"]
    checked = _ingest_check(tmp_path / "landing")
    quarantined = {json.loads(o)["grid_id"]: rule
                   for o, rule in zip(checked.quarantined["original"], checked.quarantined["rule"], strict=True)}
    assert quarantined == dict.fromkeys(("T-EMPTY", "T-A_POINT", "T-FAR_AWAY"), "bad_geometry")
    assert set(checked.loaded["grid_id"]) == {"T", "T-BOW_TIE", "T-FINE"}
    bow = next(f for f in landing_grid_versions(tmp_path / "landing") if f["properties"]["grid_id"] == "T-BOW_TIE")
    repaired = shapely.geometry.shape(bow["geometry"])
    assert repaired.is_valid and repaired.area == pytest.approx(0.5)   # two triangles of the bow tie


@pytest.mark.parametrize(("features", "mapping", "message"), [
    ([("Same", _square(0, 0)), ("Same", _square(1, 1))], "", "'T-SAME' is given to 2 features"),
    ([("A", _square(0, 0))], "columns: {name_en: nmae}\n", "lacks columns ['nmae']; did you mean 'name'?"),
    ([("A", _square(0, 0))], "levle: grid\n", "unknown key 'levle'; did you mean 'level'?"),
    ([("A", _square(0, 0))], "level: gird\n", "did you mean 'grid'?"),
    ([("A", _square(0, 0))], "columns: {name_en: name, households: name}\n", "'A' is not a count"),
    ([("A", _square(0, 0))], "parent: NOWHERE\n", "parent ids ['NOWHERE'] are neither in this file"),
    ([("A", _square(0, 0))], "valid_from: last year\n", "is not a day"),
])
def test_a_mapping_that_does_not_fit_stops_the_import_with_one_line(tmp_path, features, mapping, message):
    path = _write(tmp_path, features)
    spec = "name: test\ncolumns: {name_en: name}\nid_prefix: T\n"
    if "district" not in mapping and "parent" not in mapping:
        spec += "district: {id: T}\n"
    if "level" not in mapping:
        spec += "level: grid\n"
    if "columns" in mapping:
        spec = spec.replace("columns: {name_en: name}\n", "")
    (tmp_path / "m.yaml").write_text(spec + mapping)
    with pytest.raises(MappingError) as refused:
        import_boundaries(path, BoundaryMapping.load(tmp_path / "m.yaml"), tmp_path / "landing", valid_from=DAY)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert not (tmp_path / "landing").exists()


def test_huge_counts_and_files_that_are_no_boundary_files_are_refused(tmp_path):
    huge = _write(tmp_path, [("A", _square(0, 0))], name="huge.geojson", households="1e30")
    mapping = dataclasses.replace(_mapping(tmp_path), columns={"name_en": "name", "households": "households"})
    with pytest.raises(MappingError, match="is not a count"):
        import_boundaries(huge, mapping, tmp_path / "landing", valid_from=DAY)
    not_geo = tmp_path / "export.geojson"
    not_geo.write_text("srnumber,latitude\n1,34.1\n")
    with pytest.raises(MappingError, match="not a readable GeoJSON, Shapefile or GeoPackage"):
        import_boundaries(not_geo, mapping, tmp_path / "landing", valid_from=DAY)
    with pytest.raises(MappingError, match="a boundary file is GeoJSON"):
        import_boundaries(tmp_path / "m.yaml", mapping, tmp_path / "landing", valid_from=DAY)
    with pytest.raises(MappingError, match="no such file"):
        import_boundaries(tmp_path / "nowhere" / ".." / "missing.gpkg", mapping, tmp_path / "landing", valid_from=DAY)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(MappingError, match="no features"):
        import_boundaries(empty, mapping, tmp_path / "landing", valid_from=DAY)
    assert not (tmp_path / "landing").exists()


def test_a_redrawn_grid_opens_a_new_version_and_keeps_the_old_one(tmp_path):
    landing, mapping = tmp_path / "landing", _mapping(tmp_path)
    first = _write(tmp_path, [("West", _square(0, 0)), ("East", _square(0.01, 0))], name="v1.geojson")
    import_boundaries(first, mapping, landing, valid_from=DAY)
    # West grows east by half a cell; East shrinks
    (tmp_path / "v2").mkdir()
    second = _write(tmp_path / "v2", [("West", {"type": "Polygon", "coordinates": [[[0, 0], [0.015, 0], [0.015, 0.01],
                                                                                    [0, 0.01], [0, 0]]]}),
                                      ("East", {"type": "Polygon", "coordinates": [[[0.015, 0], [0.02, 0], [0.02, 0.01],
                                                                                    [0.015, 0.01], [0.015, 0]]]})],
                    name="v2.geojson")
    redraw = dt.date(2021, 1, 1)
    result = import_boundaries(second, mapping, landing, valid_from=redraw)
    assert sorted(result.versions.redrawn) == ["T-EAST", "T-WEST"] and result.versions.unchanged == ["T"]
    versions = sorted((f["properties"]["grid_id"], f["properties"]["valid_from"], f["properties"]["valid_to"])
                      for f in landing_grid_versions(landing))
    assert versions == [("T", "2020-01-01", None), ("T-EAST", "2020-01-01", "2021-01-01"),
                        ("T-EAST", "2021-01-01", None), ("T-WEST", "2020-01-01", "2021-01-01"),
                        ("T-WEST", "2021-01-01", None)]
    assert _ingest_check(landing, redraw).quarantined.empty
    # a point in the redrawn strip: East before the redraw, West after; without a time, the current West
    placer = GridPlacer.from_landing(landing)
    grid, reason = placer.place([0.005, 0.005, 0.005], [0.0125] * 3, at=["2020-06-01", "2021-06-01", None])
    assert list(grid) == ["T-EAST", "T-WEST", "T-WEST"] and list(reason) == ["", "", ""]
    # history before the first delivery is placed by the first boundaries
    assert list(placer.place([0.005], [0.0125], at=["2015-03-01"])[0]) == ["T-EAST"]
    # the same file again: replaces its import, the versions stay as they are (re-running is safe)
    again = import_boundaries(second, mapping, landing, valid_from=redraw)
    assert again.replaces == (result.import_id,)
    assert sorted((f["properties"]["grid_id"], f["properties"]["valid_from"], f["properties"]["valid_to"])
                  for f in landing_grid_versions(landing)) == versions
    # a version cannot be slipped in before the current one
    with pytest.raises(MappingError, match="versions are added in time order"):
        import_boundaries(first, mapping, landing, valid_from=dt.date(2020, 6, 1))


def test_gaps_and_overlaps_between_siblings_are_measured(tmp_path):
    # three cells in a row, the middle one missing (a gap only if enclosed), two overlapping by a quarter
    path = _write(tmp_path, [("A", _square(0, 0)), ("B", _square(0.005, 0)), ("C", _square(0.02, 0))])
    result = import_boundaries(path, _mapping(tmp_path), tmp_path / "landing", valid_from=DAY)
    (overlap,) = result.siblings["overlaps"]
    assert (overlap["a"], overlap["b"]) == ("T-A", "T-B")
    # half a 0.01° cell at the equator: 0.005° × 0.01° ≈ 556 m × 1,106 m
    assert overlap["area_m2"] == pytest.approx(556 * 1106, rel=0.01)
    assert result.siblings["gaps"] == []      # nothing is enclosed; there is no parent polygon
    ring = [("N", _square(0, 0.01, 0.03)), ("S", _square(0, -0.03, 0.03))]
    holed = _write(tmp_path, [*ring, ("W", _square(-0.03, -0.01, 0.03)), ("E", _square(0.01, -0.01, 0.03))],
                   name="ring.geojson")
    report = import_boundaries(holed, _mapping(tmp_path), tmp_path / "landing2", valid_from=DAY).siblings
    assert len(report["gaps"]) == 1 and report["gaps"][0]["count"] == 1
    assert report["gap_m2"] == pytest.approx(0.01 * 0.01 * 111_320 ** 2, rel=0.02)   # the enclosed hole


def test_the_report_measures_a_childs_gap_inside_its_parent():
    import pandas as pd

    parent = shapely.box(0, 0, 0.02, 0.01)
    areas = pd.DataFrame({"grid_id": ["C1"], "parent_id": ["P"], "geometry": [shapely.box(0, 0, 0.01, 0.01)],
                          "problem": [""]})
    report = sibling_report(areas, {"P": parent})
    assert report["gaps"][0]["area_m2"] == pytest.approx(0.01 * 0.01 * 111_320 ** 2, rel=0.02)


def test_the_command_line_imports_a_boundary_file_or_says_in_one_line_why_not(tmp_path, capsys, monkeypatch):
    from orchestration.cli import main

    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    path = _write(tmp_path, [("West", _square(0, 0)), ("East", _square(0.01, 0))])
    data = tmp_path / "data"
    (tmp_path / "m.yaml").write_text("name: t\ncolumns: {name_en: name}\nlevel: grid\nid_prefix: T\n"
                                     "district: {id: T, name_en: Test}\n")
    main(["--data-dir", str(data), "import", "grids", str(path), "--mapping", str(tmp_path / "m.yaml"),
          "--valid-from", "2020-01-01"])
    out = capsys.readouterr().out
    assert "2 features read → 3 areas valid from 2020-01-01" in out and "--start 2020-01-01 --end 2020-01-01" in out
    assert (data / "landing" / "grids" / "dt=2020-01-01" / "grids.geojson").exists()
    with pytest.raises(SystemExit, match=r"nothing imported — --valid-from: 'soon' is not a day"):
        main(["--data-dir", str(data), "import", "grids", str(path), "--mapping", str(tmp_path / "m.yaml"),
              "--valid-from", "soon"])
    with pytest.raises(SystemExit) as refused:
        main(["--data-dir", str(data), "import", "grids", str(path)])
    assert refused.value.code == 2 and "import grids needs --mapping" in capsys.readouterr().err


def test_a_two_level_file_with_its_own_ids_parents_and_chinese_names(tmp_path):
    path = tmp_path / "shequ.geojson"
    rows = [("SQ1", "", "community", "福田社区", shapely.box(0, 0, 0.02, 0.01)),
            ("W1", "SQ1", "grid", "第一网格", shapely.box(0, 0, 0.01, 0.01)),
            ("W2", "SQ1", "grid", "第二网格", shapely.box(0.01, 0, 0.019, 0.01))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g),
         "properties": {"code": c, "up": p, "kind": k, "mc": n, "hu": 120}} for c, p, k, n, g in rows]},
        ensure_ascii=False), encoding="utf-8")
    (tmp_path / "m.yaml").write_text("name: futian\ncolumns: {grid_id: code, parent_id: up, level: kind, name_zh: mc, "
                                     "households: hu}\ndistrict: {id: FT, name_zh: 福田区}\n", encoding="utf-8")
    result = import_boundaries(path, BoundaryMapping.load(tmp_path / "m.yaml"), tmp_path / "landing", valid_from=DAY)
    props = {f["properties"]["grid_id"]: f["properties"] for f in landing_grid_versions(tmp_path / "landing")}
    assert {k: (p["parent_id"], p["level"], p["name_en"], p["households"]) for k, p in props.items()} == {
        "FT": (None, "district", "福田区", 0), "SQ1": ("FT", "community", "福田社区", 120),
        "W1": ("SQ1", "grid", "第一网格", 120), "W2": ("SQ1", "grid", "第二网格", 120)}
    # the strip of the community its two grids leave uncovered is a gap under SQ1
    (gap,) = result.siblings["gaps"]
    assert gap["parent_id"] == "SQ1" and gap["area_m2"] == pytest.approx(0.001 * 0.01 * 111_320 ** 2, rel=0.02)
    # points go to the grids, the uncovered strip of the community is outside every grid
    grid, reason = GridPlacer.from_landing(tmp_path / "landing").place([0.005] * 3, [0.005, 0.015, 0.0195])
    assert list(grid) == ["W1", "W2", ""] and list(reason) == ["", "", "outside_grids"]
    # without an id column, Chinese names are slugged as they are
    (tmp_path / "m2.yaml").write_text("name: futian\ncolumns: {name_zh: mc}\nid_prefix: FT\nlevel: grid\n"
                                      "district: {id: FT}\n", encoding="utf-8")
    import_boundaries(path, BoundaryMapping.load(tmp_path / "m2.yaml"), tmp_path / "landing2", valid_from=DAY)
    assert {f["properties"]["grid_id"] for f in landing_grid_versions(tmp_path / "landing2")} == {
        "FT", "FT-福田社区", "FT-第一网格", "FT-第二网格"}


def test_a_shapefile_without_its_prj_and_a_geopackage_with_several_layers_need_the_mapping_to_say(tmp_path):
    import geopandas as gpd

    squares = gpd.GeoDataFrame({"name": ["West", "East"]}, geometry=[shapely.box(0, 0, 0.01, 0.01),
                                                                     shapely.box(0.01, 0, 0.02, 0.01)], crs=4326)
    shp = tmp_path / "cells.shp"
    squares.to_crs(3857).to_file(shp)
    shp.with_suffix(".prj").unlink()
    mapping = _mapping(tmp_path)
    with pytest.raises(MappingError, match="names no coordinate reference system"):
        import_boundaries(shp, mapping, tmp_path / "landing", valid_from=DAY)
    result = import_boundaries(shp, dataclasses.replace(mapping, crs="EPSG:3857"), tmp_path / "landing",
                               valid_from=DAY)
    assert result.areas_written == 3 and not result.problems
    west = next(f for f in landing_grid_versions(tmp_path / "landing") if f["properties"]["grid_id"] == "T-WEST")
    drawn = shapely.geometry.shape(west["geometry"])
    assert drawn.symmetric_difference(shapely.box(0, 0, 0.01, 0.01)).area < 1e-12
    assert drawn.exterior.is_ccw   # RFC 7946
    gpkg = tmp_path / "two.gpkg"
    squares.to_file(gpkg, layer="grids")
    squares.to_file(gpkg, layer="communities", mode="a")
    with pytest.raises(MappingError, match=r"2 layers \(.*grids.*\): name one with layer:"):
        import_boundaries(gpkg, mapping, tmp_path / "landing2", valid_from=DAY)
    chosen = import_boundaries(gpkg, dataclasses.replace(mapping, layer="grids"), tmp_path / "landing2",
                               valid_from=DAY)
    assert chosen.areas_written == 3


def test_points_with_impossible_coordinates_have_no_location():
    square = shapely.geometry.mapping(shapely.box(0, 0, 1, 1))
    placer = GridPlacer.from_features([{"type": "Feature", "geometry": square,
                                        "properties": {"grid_id": "G", "level": "grid", "valid_from": "2020-01-01"}}])
    grid, reason = placer.place(["0.5", "1e308", "inf", "nan", "north", "0.5"],
                                ["0.5", "0.5", "0.5", "0.5", "0.5", "-1e400"], at=["garbage"] * 6)
    assert list(grid) == ["G", "", "", "", "", ""]
    assert list(reason) == ["", "no_location", "no_location", "no_location", "no_location", "no_location"]


def test_mapping_paths_that_are_no_mapping_are_refused_in_one_line(tmp_path):
    binary = tmp_path / "m.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    for path, message in ((tmp_path, "cannot read the mapping"), (binary, "cannot read the mapping"),
                          (tmp_path / ".." / "nowhere.yaml", "cannot read the mapping"),
                          (REALDATA / "PROVENANCE.md", "mapping values are not allowed here .line 10"),
                          (REALDATA / "SHA256SUMS", "is a YAML dictionary")):
        with pytest.raises(MappingError, match=message) as refused:
            BoundaryMapping.load(path)
        assert "\n" not in str(refused.value)
    (tmp_path / "cells.shp").mkdir()
    with pytest.raises(MappingError, match="not a file"):
        import_boundaries(tmp_path / "cells.shp", _mapping(tmp_path), tmp_path / "landing", valid_from=DAY)


def test_an_area_without_a_name_or_id_is_quarantined_not_dropped(tmp_path):
    path = _write(tmp_path, [("", _square(0, 0)), ("Named", _square(1, 1))])
    result = import_boundaries(path, _mapping(tmp_path), tmp_path / "landing", valid_from=DAY)
    assert result.areas_written == 3
    checked = _ingest_check(tmp_path / "landing")
    assert list(checked.quarantined["rule"] + ":" + checked.quarantined["column_name"]) == ["required:grid_id"]
    assert sorted(checked.loaded["grid_id"]) == ["T", "T-NAMED"]
    # a level column with a value off the ladder is refused with the ladder
    (tmp_path / "k.yaml").write_text("name: k\ncolumns: {name_en: name, level: kind}\ndistrict: {id: T}\n")
    kinds = _write(tmp_path, [("A", _square(0, 0))], name="kinds.geojson", kind="Community")
    with pytest.raises(MappingError, match="level 'Community' is not a ladder level .*did you mean 'community'"):
        import_boundaries(kinds, BoundaryMapping.load(tmp_path / "k.yaml"), tmp_path / "landing3", valid_from=DAY)


def test_a_broken_earlier_delivery_is_named_not_crashed_on(tmp_path):
    landing = tmp_path / "landing"
    folder = landing / "grids" / "dt=2019-01-01"
    folder.mkdir(parents=True)
    (folder / "grids.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        "junk", {"type": "Feature", "geometry": None,
                 "properties": {"grid_id": "T-WEST", "valid_from": "someday", "valid_to": None}}]}))
    path = _write(tmp_path, [("West", _square(0, 0))])
    with pytest.raises(MappingError, match="'T-WEST': its delivered version has no readable valid_from"):
        import_boundaries(path, _mapping(tmp_path), landing, valid_from=DAY)
    assert sorted(p.name for p in (landing / "grids").iterdir()) == ["dt=2019-01-01"]


def test_one_level_per_file_a_community_then_its_grids_under_a_constant_parent(tmp_path):
    landing = tmp_path / "landing"
    (tmp_path / "c").mkdir()
    community = _write(tmp_path / "c", [("Harbour", shapely.geometry.mapping(shapely.box(0, 0, 0.02, 0.01)))])
    (tmp_path / "c.yaml").write_text("name: c\ncolumns: {name_en: name}\nlevel: community\nid_prefix: C\n"
                                     "district: {id: D, name_en: District}\n")
    import_boundaries(community, BoundaryMapping.load(tmp_path / "c.yaml"), landing, valid_from=DAY)
    grids = _write(tmp_path, [("North", _square(0, 0)), ("South", _square(0.01, 0))])
    (tmp_path / "g.yaml").write_text("name: g\ncolumns: {name_en: name}\nlevel: grid\nparent: C-HARBOUR\n"
                                     "id_prefix: G\n")
    result = import_boundaries(grids, BoundaryMapping.load(tmp_path / "g.yaml"), landing, valid_from=DAY)
    props = {f["properties"]["grid_id"]: f["properties"] for f in landing_grid_versions(landing)}
    assert {k: (p["parent_id"], p["level"]) for k, p in props.items()} == {
        "D": (None, "district"), "C-HARBOUR": ("D", "community"), "G-NORTH": ("C-HARBOUR", "grid"),
        "G-SOUTH": ("C-HARBOUR", "grid")}
    # the two grids cover the community: no gap under its polygon
    assert result.siblings["gaps"] == [] and result.siblings["overlaps"] == []
    grid, _ = GridPlacer.from_landing(landing).place([0.005, 0.005], [0.005, 0.015])
    assert list(grid) == ["G-NORTH", "G-SOUTH"]      # the community has grids: points go to them

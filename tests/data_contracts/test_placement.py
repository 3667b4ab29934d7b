"""Points into areas: the real Chicago assaults into the Chicago neighbourhoods, the real LA 311 sample into the
LA Times neighbourhoods (by point, and by the neighbourhood council's name where a row has no coordinates), and
the placer's rules on small hand-made grids."""

import datetime as dt
import json

import pandas as pd
import pytest
import shapely
import yaml

from data_contracts.importers.boundaries import BoundaryMapping, import_boundaries, slug
from data_contracts.importers.landing import import_frame, read_csv
from data_contracts.importers.mapping import MAPPINGS, Mapping, MappingError
from data_contracts.importers.placement import GridPlacer, normalise_name
from data_contracts.specs import contracts_for
from data_contracts.validate import check, read_landing_file
from tests.conftest import PSEUDONYM_KEY, REALDATA

DAY = dt.date(2010, 1, 1)
CHICAGO_POINTS = REALDATA / "chicago_aggravated_assaults_2010_2015.csv"
CHICAGO = REALDATA / "chicago_neighborhoods_cityofchicago.geojson"
LA = REALDATA / "los_angeles_neighborhoods_latimes.geojson"
LA311 = REALDATA / "la311_2020-01_seed_hackforla.csv"


def _needs(*paths):
    for path in paths:
        if not path.exists():
            pytest.skip(f"real sample not found at {path}")


def _feature(grid_id, parent, level, geometry, name=None, valid_from="2020-01-01", valid_to=None):
    return {"type": "Feature", "geometry": None if geometry is None else shapely.geometry.mapping(geometry),
            "properties": {"grid_id": grid_id, "parent_id": parent, "level": level, "name_en": name or grid_id,
                           "name_zh": name or grid_id, "valid_from": valid_from, "valid_to": valid_to}}


def test_chicago_assaults_fall_into_the_neighbourhoods_as_a_spatial_join_says(tmp_path):
    _needs(CHICAGO_POINTS, CHICAGO)
    import geopandas as gpd

    import_boundaries(CHICAGO, BoundaryMapping.load("chicago_neighbourhoods"), tmp_path / "landing", valid_from=DAY)
    points = pd.read_csv(CHICAGO_POINTS)
    grid, reason = GridPlacer.from_landing(tmp_path / "landing").place(points["latitude"], points["longitude"],
                                                                       at=points["date"])
    assert len(points) == 87_524 == (reason == "").sum() + (reason == "outside_grids").sum()
    assert (reason == "outside_grids").sum() == 59 and (grid == "").sum() == 59
    counts = grid[reason == ""].value_counts()
    assert len(counts) == 98 and counts["CHI-N-AUSTIN"] == 6_114
    # the same counts from geopandas' own spatial join on the repaired polygons
    areas = gpd.read_file(CHICAGO)
    areas["geometry"] = areas.geometry.make_valid()
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=gpd.points_from_xy(points["longitude"], points["latitude"]),
                                        crs=4326), areas[["name", "geometry"]], predicate="intersects")
    joined = joined[~joined.index.duplicated()]
    assert len(joined) == counts.sum()
    expected = joined["name"].map(lambda n: f"CHI-N-{slug(n)}").value_counts()
    assert (counts.sort_index().to_dict()) == expected.sort_index().to_dict()


def _la_mapping(tmp_path, **areas):
    spec = yaml.safe_load((MAPPINGS / "la311.yaml").read_text())
    spec["areas"] = {"grids": "landing", **areas}
    path = tmp_path / "la311_neighbourhoods.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    return Mapping.load(path)


def _contract_rules(landing, result):
    (cases,) = [c for c in contracts_for("incidents") if c.filename == "cases.csv"]
    frames = [read_landing_file(p, cases) for p in sorted((landing / "incidents").glob("dt=*/cases.csv"))]
    checked = check(pd.concat(frames, ignore_index=True), cases, PSEUDONYM_KEY.encode())
    return checked, (checked.quarantined["rule"] + ":" + checked.quarantined["column_name"]).value_counts().to_dict()


def test_la311_cases_are_placed_in_neighbourhoods_or_quarantined_as_outside(tmp_path):
    _needs(LA, LA311)
    landing = tmp_path / "landing"
    import_boundaries(LA, BoundaryMapping.load("la_neighbourhoods"), landing, valid_from=dt.date(2020, 1, 1))
    frame = read_csv(LA311)
    result = import_frame(frame, _la_mapping(tmp_path, name_column="community", drop_words=["NC"]), landing,
                          source=LA311)
    p = result.placement
    assert p == {"read": 10_000, "placed_by_point": 9_977, "placed_by_name": 0, "outside_grids": 12,
                 "no_location": 11, "unknown_area_name": 0, "ambiguous_area_name": 0}
    coordinates = (frame["latitude"].str.strip() != "") & (frame["longitude"].str.strip() != "")
    assert p["placed_by_point"] + p["outside_grids"] == coordinates.sum()
    assert "9,977 placed by their point" in result.summary() and "12 outside every grid" in result.summary()
    # ingest quarantines exactly those: outside_grids with its own rule, the rest as having no grid at all
    checked, rules = _contract_rules(landing, result)
    assert rules == {"outside_grids:grid_id": 12, "required:grid_id": 11}
    neighbourhoods = {f"LA-N-{slug(f['properties']['name'])}" for f in json.loads(LA.read_text())["features"]}
    assert len(checked.loaded) == 9_977 and set(checked.loaded["grid_id"]) <= neighbourhoods
    manifest = json.loads((tmp_path / "imports" / f"{result.import_id}.json").read_text())
    assert manifest["placement"] == p


def test_rows_without_coordinates_are_placed_by_their_councils_name(tmp_path):
    """The 2017 LA export's defect: Graffiti Removal rows come without coordinates but with a neighbourhood
    council name that can place them."""
    _needs(LA, LA311)
    landing = tmp_path / "landing"
    import_boundaries(LA, BoundaryMapping.load("la_neighbourhoods"), landing, valid_from=dt.date(2020, 1, 1))
    frame = read_csv(LA311)
    graffiti = frame["requesttype"] == "Graffiti Removal"
    frame.loc[graffiti, ["latitude", "longitude"]] = ""
    source = tmp_path / "la311_no_coordinates.csv"
    frame.to_csv(source, index=False)
    mapping = _la_mapping(tmp_path, name_column="community", drop_words=["NC"],
                          aliases={"DOWNTOWN LOS ANGELES": "Downtown", "NOHO NC": "North Hollywood"})
    result = import_frame(read_csv(source), mapping, landing, source=source)
    p = result.placement
    assert p["read"] == 10_000 == sum(v for k, v in p.items() if k != "read")
    named = frame.loc[graffiti, "ncname"].str.strip() != ""
    assert p["placed_by_name"] + p["unknown_area_name"] + p["ambiguous_area_name"] == named.sum()
    assert p["placed_by_name"] > 0.3 * named.sum()
    cases = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False)
                       for f in sorted((landing / "incidents").glob("dt=*/cases.csv"))]).set_index("case_id")
    by_name = frame[graffiti].set_index("srnumber")["ncname"]
    placed = cases.loc[by_name.index, "grid_id"]
    assert set(placed[by_name == "LAKE BALBOA NC"]) == {"LA-N-LAKE_BALBOA"}
    assert set(placed[by_name == "DOWNTOWN LOS ANGELES"]) == {"LA-N-DOWNTOWN"}      # through the alias
    assert set(placed[by_name == "NOHO NC"]) == {"LA-N-NORTH_HOLLYWOOD"}
    _, rules = _contract_rules(landing, result)
    assert rules.get("outside_grids:grid_id") == p["outside_grids"]
    assert rules.get("required:grid_id") == p["no_location"] + p["unknown_area_name"] + p["ambiguous_area_name"]


def test_a_point_takes_the_deepest_leaf_and_a_gap_between_children_is_outside():
    community = shapely.box(0, 0, 2, 1)
    features = [_feature("D", None, "district", None), _feature("C", "D", "community", community),
                _feature("G1", "C", "grid", shapely.box(0, 0, 1, 1)),
                _feature("M1", "G1", "micro_grid", shapely.box(0, 0, 0.5, 0.5)),
                _feature("M2", "G1", "micro_grid", shapely.box(0.5, 0, 1, 1))]
    placer = GridPlacer.from_features(features)
    grid, reason = placer.place([0.25, 0.75, 0.5, 5, None, 0, 91], [0.25, 0.75, 1.5, 5, 1, 0, 1])
    # M1, M2; inside the community but in none of its grids; outside everything; no coordinates, null island,
    # latitude out of range
    assert list(grid) == ["M1", "M2", "", "", "", "", ""]
    assert list(reason) == ["", "", "outside_grids", "outside_grids", "no_location", "no_location", "no_location"]
    # a point on the shared edge of two leaves is placed once, the same way every time
    assert list(placer.place([0.25], [0.5])[0]) == ["M1"]


def test_area_names_match_after_normalising_and_ambiguous_names_are_not_guessed():
    assert normalise_name("LAKE BALBOA NC", ["nc"]) == normalise_name("Lake  Balboa") == "lake balboa"
    assert normalise_name("Harbor Gateway & Wilmington") == "harbor gateway and wilmington"
    assert normalise_name("ＷＥＳＴ　Adams") == "west adams"
    features = [_feature("D", None, "district", None), _feature("A", "D", "grid", shapely.box(0, 0, 1, 1), "Venice"),
                _feature("B", "D", "grid", shapely.box(1, 0, 2, 1), "Hollywood"),
                _feature("B2", "D", "grid", shapely.box(2, 0, 3, 1), "Hollywood")]
    placer = GridPlacer.from_features(features, aliases={"VENICE BEACH": "Venice"}, drop_words=["nc"])
    grid, reason = placer.place([None] * 5, [None] * 5, names=["VENICE NC", "venice beach", "HOLLYWOOD", "Nowhere", ""])
    assert list(grid) == ["A", "A", "", "", ""]
    assert list(reason) == ["", "", "ambiguous_area_name", "unknown_area_name", "no_location"]


def test_a_mapping_that_places_in_delivered_grids_is_checked_before_anything_is_written(tmp_path):
    spec = yaml.safe_load((MAPPINGS / "la311.yaml").read_text())

    def load(areas):
        path = tmp_path / "m.yaml"
        path.write_text(yaml.safe_dump({**spec, "areas": areas}))
        return Mapping.load(path)

    with pytest.raises(MappingError, match="did you mean 'landing'"):
        load({"grids": "landig"})
    with pytest.raises(MappingError, match="not both"):
        load({"grids": "landing", "cell_degrees": 0.02})
    with pytest.raises(MappingError, match="add areas.grids: landing"):
        load({"cell_degrees": 0.02, "name_column": "community"})
    with pytest.raises(MappingError, match="did you mean 'name_column'"):
        load({"grids": "landing", "name_colum": "community"})
    with pytest.raises(MappingError, match="not a positive number"):
        load({"cell_degrees": -1})
    frame = pd.DataFrame({c: ["1/1/20 0:05" if c.endswith("date") else "x"] for c in spec["columns"].values()})
    frame["status"] = "Open"
    with pytest.raises(MappingError, match=r"lacks columns \['council'\]"):
        load({"grids": "landing", "name_column": "council"}).check(frame)
    with pytest.raises(MappingError, match="no grids are delivered"):
        import_frame(frame, load({"grids": "landing"}), tmp_path / "landing")
    assert not (tmp_path / "landing").exists()


def test_an_area_the_grids_ingest_quarantines_takes_no_points_not_even_by_name():
    features = [_feature("D", None, "district", None), _feature("OK", "D", "grid", shapely.box(0, 0, 1, 1), "Fine"),
                _feature("BAD", "D", "grid", shapely.box(1, 0, 2, 1), "Broken"),
                _feature("NOGEOM", "D", "grid", None, "Listed")]
    features[2]["geometry"] = {"type": "Point", "coordinates": [1.5, 0.5]}
    grid, reason = GridPlacer.from_features(features).place([0.5, 0.5, None, None], [0.5, 1.5, None, None],
                                                             names=["", "", "Broken", "Listed"])
    assert list(grid) == ["OK", "", "", "NOGEOM"]
    assert list(reason) == ["", "outside_grids", "unknown_area_name", ""]


def test_times_in_any_form_pick_the_version_valid_then():
    old, new = shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)
    placer = GridPlacer.from_features([_feature("G", None, "grid", old, valid_to="2021-01-01"),
                                       _feature("G", None, "grid", new, valid_from="2021-01-01")])
    at = ["2020-06-01T00:00:00Z", "2021-06-01 08:00:00+08:00", pd.Timestamp("2020-05-01", tz="UTC"),
          dt.date(2020, 3, 1), None, float("nan"), "not a time", "2020-12-31 23:59:59"]
    # (lat 1.5, lon 0.5) lies only in the new polygon: placed when the time is 2021 or unknown (current version)
    grid, reason = placer.place([1.5] * len(at), [0.5] * len(at), at=at)
    assert list(grid) == ["", "G", "", "", "G", "G", "G", ""]
    assert list(reason).count("outside_grids") == 4


def test_a_grids_landing_file_with_junk_in_it_still_gives_a_placer(tmp_path):
    folder = tmp_path / "landing" / "grids" / "dt=2020-01-01"
    folder.mkdir(parents=True)
    good = _feature("G", None, "grid", shapely.box(0, 0, 1, 1))
    junk = ["text", None, [1, 2], {"properties": ["x"]}, {"properties": {"grid_id": ""}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "nonsense"},
             "properties": {"grid_id": "H", "level": "grid", "valid_from": "someday", "valid_to": "never"}}]
    (folder / "grids.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [good, *junk]}))
    (tmp_path / "landing" / "grids" / "dt=2020-01-02").mkdir()
    (tmp_path / "landing" / "grids" / "dt=2020-01-02" / "grids.geojson").write_text("{not json")
    grid, reason = GridPlacer.from_landing(tmp_path / "landing").place([0.5, 5], [0.5, 5])
    assert list(grid) == ["G", ""] and list(reason) == ["", "outside_grids"]

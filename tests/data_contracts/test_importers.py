"""Open311 GeoReport v2 (JSON and CSV) and CSV column mappings → canonical incidents landing files,
then ingest: every source row is a case row, loaded or quarantined with the rule it breaks."""

import json

import duckdb
import pandas as pd
import pytest

from data_contracts.importers import open311
from data_contracts.importers.landing import import_frame, read_csv
from data_contracts.importers.mapping import Mapping, MappingError
from orchestration.defs.resources import Warehouse
from orchestration.ingest import ingest_source

REQUESTS = [
    {"service_request_id": "638344", "status": "closed", "status_notes": "Duplicate request.",
     "service_name": "Sidewalk Repair", "service_code": "006", "description": "Call me at 415 555 0188 please",
     "agency_responsible": "Department of Public Works", "service_notice": "",
     "requested_datetime": "2010-04-14T06:37:38-08:00", "updated_datetime": "2010-04-15T09:10:00-08:00",
     "expected_datetime": "2010-04-15T06:37:38-08:00", "address": "8TH AVE and JUDAH ST", "address_id": "545483",
     "zipcode": "94122", "lat": 37.762221815, "long": -122.4651145, "media_url": None},
    {"service_request_id": "638349", "status": "open", "service_name": "Pothole", "service_code": "001",
     "description": "", "agency_responsible": "DPW", "requested_datetime": "2010-04-19T06:37:38-08:00",
     "updated_datetime": "2010-04-19T06:37:38-08:00", "address": "1 Market St", "lat": 37.7941, "long": -122.3950},
    {"service_request_id": "638350", "status": "open", "service_name": "Unicorn sighting", "service_code": "999",
     "requested_datetime": "2010-04-19T08:00:00-08:00", "lat": 37.7942, "long": -122.3951},
    {"service_request_id": "638351", "status": "open", "service_name": "Pothole",
     "requested_datetime": "2010-04-20T08:00:00-08:00", "lat": None, "long": None, "address": "somewhere"},
]


@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


def _load(tmp_path, landing):
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    first = min(p.name[3:] for p in (landing / "incidents").iterdir())
    last = max(p.name[3:] for p in (landing / "incidents").iterdir())
    for source in ("incidents", "grids"):
        ingest_source(warehouse, landing, source, pd.Timestamp(first).date(), pd.Timestamp(last).date(), b"k" * 32)
    return duckdb.connect(str(warehouse.file), read_only=True)


def _read_cases(landing) -> pd.DataFrame:
    return pd.concat(read_csv(p) for p in sorted((landing / "incidents").glob("*/cases.csv")))


def test_open311_json_maps_fields_states_and_scrubs_numbers(tmp_path, landing):
    path = tmp_path / "requests.json"
    path.write_text(json.dumps({"service_requests": REQUESTS}), encoding="utf-8")
    result = import_frame(open311.read(path), open311.mapping(), landing)
    assert result.rows_read == result.cases_written == 4
    cases = _read_cases(landing).set_index("case_id")
    assert cases.loc["638344", "reported_at"] == "2010-04-14 06:37:38"      # local clock time kept
    assert tuple(cases.loc["638344", ["category_l1", "category_l2"]]) == ("infrastructure", "road_damage")
    assert "555" not in cases.loc["638344", "description"]                  # no phone numbers in free text
    assert cases.loc["638344", "grid_id"].startswith("O311-")
    assert cases.loc["638351", "grid_id"] == ""                            # no coordinates: cannot be placed
    events = pd.concat(read_csv(p) for p in (landing / "incidents").glob("*/events.csv"))
    steps = events[events["case_id"] == "638344"].sort_values("seq")["event_type"].tolist()
    assert steps == ["reported", "resolved", "closed"]
    assert events[events["case_id"] == "638349"]["event_type"].tolist() == ["reported"]

    con = _load(tmp_path, landing)
    log = con.execute("select sum(rows_in), sum(rows_loaded), sum(rows_quarantined) from meta.ingest_log "
                      "where table_name = 'incident_cases'").fetchone()
    assert log == (4, 2, 2)
    rules = sorted(r for (r,) in con.execute(
        "select rule || ':' || column_name from quarantine.incident_cases").fetchall())
    assert rules == ["not_allowed:category_l1", "required:grid_id"]
    grids = con.execute("select level, count(*) from raw.grids group by 1 order by 1").fetchall()
    assert dict(grids)["grid"] >= 1 and dict(grids)["district"] == 1


def test_open311_csv_reads_like_json(tmp_path, landing):
    path = tmp_path / "requests.csv"
    pd.DataFrame(REQUESTS).to_csv(path, index=False)
    frame = open311.read(path)
    assert set(open311.FIELDS) <= set(frame.columns)
    result = import_frame(frame, open311.mapping(), landing)
    assert result.cases_written == 4
    again = import_frame(open311.read(path), open311.mapping(), landing)     # re-import rewrites the same files
    assert again == result
    assert len(_read_cases(landing)) == 4


def test_a_mapping_names_what_it_lacks(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncolumns: {case_id: id, reported_at: created}\n", encoding="utf-8")
    with pytest.raises(MappingError, match="columns.category is required"):
        Mapping.load(bad)
    with pytest.raises(MappingError, match="lacks columns"):
        import_frame(pd.DataFrame({"srnumber": ["1"]}), Mapping.load("la311"), tmp_path / "landing")
    with pytest.raises(MappingError, match="service_request_id"):
        path = tmp_path / "x.csv"
        path.write_text("a,b\n1,2\n", encoding="utf-8")
        open311.read(path)


def test_la311_mapping_on_a_slice_of_the_real_sample(tmp_path, landing):
    from tests.conftest import LA311

    if not LA311.exists():
        pytest.skip("real sample not available")
    frame = read_csv(LA311).head(300)
    result = import_frame(frame, Mapping.load("la311"), landing)
    cases = _read_cases(landing)
    assert len(cases) == result.rows_read == 300
    assert set(cases["channel"]) <= {"hotline_12345", "app", "wechat_mini", "grid_patrol", "walk_in"}
    statuses = dict(zip(frame["srnumber"], frame["status"], strict=True))
    events = pd.concat(read_csv(p) for p in (landing / "incidents").glob("*/events.csv"))
    closed = set(events.loc[events["event_type"] == "closed", "case_id"])
    assert closed == {k for k, s in statuses.items() if s in ("Closed", "Cancelled")}
    resolved = set(events.loc[events["event_type"] == "resolved", "case_id"])
    assert resolved == {k for k, s in statuses.items() if s == "Closed"}

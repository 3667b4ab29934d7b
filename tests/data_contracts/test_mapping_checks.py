"""A mapping is checked against the code lists and the export before anything is written (issue 15, item 4):
unknown keys are errors with a did-you-mean, target codes must be in the dbt seeds, timestamp formats are
tried on the first rows, and source values the mapping does not list are counted and either stop the import
or take the default the mapping names. Run on slices of the real LA 311 sample."""

import pandas as pd
import pytest

from data_contracts.importers.landing import import_frame, read_csv
from data_contracts.importers.mapping import MAPPINGS, Mapping, MappingError
from tests.conftest import LA311

pytestmark = pytest.mark.skipif(not LA311.exists(), reason=f"real sample not found at {LA311}")
LA_YAML = (MAPPINGS / "la311.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def la_slice() -> pd.DataFrame:
    return read_csv(LA311).head(400)


def _mapping(tmp_path, text: str) -> Mapping:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return Mapping.load(path)


def _landing_files(landing):
    return sorted(p for p in landing.rglob("*") if p.is_file()) if landing.exists() else []


def test_a_misspelt_key_is_an_error_that_suggests_the_right_one(tmp_path):
    with pytest.raises(MappingError, match=r"unknown key 'timestamp-format'.*did you mean 'timestamp_format'"):
        _mapping(tmp_path, LA_YAML.replace("timestamp_format:", "timestamp-format:"))
    with pytest.raises(MappingError, match=r"'cell_degree'.*did you mean 'cell_degrees'"):
        _mapping(tmp_path, LA_YAML.replace("cell_degrees:", "cell_degree:"))
    with pytest.raises(MappingError, match=r"'reported'.*did you mean 'reported_at'"):
        _mapping(tmp_path, LA_YAML.replace("reported_at: createddate", "reported: createddate"))


def test_target_codes_must_be_in_the_code_lists(tmp_path):
    # an impossible category pair: both levels exist, the pair does not (it would load without an SLA)
    with pytest.raises(MappingError, match=r"environment/street_light.*not a category"):
        _mapping(tmp_path, LA_YAML.replace("infrastructure/street_light", "environment/street_light"))
    with pytest.raises(MappingError, match=r"'hotline'.*did you mean 'hotline_12345'"):
        _mapping(tmp_path, LA_YAML.replace("Call: hotline_12345", "Call: hotline"))
    with pytest.raises(MappingError, match=r"'close'.*did you mean 'closed'"):
        _mapping(tmp_path, LA_YAML.replace("Closed: closed", "Closed: close"))
    with pytest.raises(MappingError, match=r"level 'city'"):
        _mapping(tmp_path, LA_YAML.replace("level: district", "level: city"))
    assert Mapping.load("la311").categories["Graffiti Removal"] == "environment/graffiti"   # the shipped ones pass


def test_a_wrong_timestamp_format_stops_the_import_before_anything_is_written(tmp_path, la_slice):
    mapping = _mapping(tmp_path, LA_YAML.replace('"%m/%d/%y %H:%M"', '"%Y-%m-%d %H:%M:%S"'))
    landing = tmp_path / "landing"
    with pytest.raises(MappingError) as error:
        import_frame(la_slice, mapping, landing)
    message = str(error.value)
    assert "\n" not in message
    assert "createddate" in message and "%Y-%m-%d %H:%M:%S" in message and "1/1/20 0:05" in message
    assert _landing_files(landing) == []


def test_each_timestamp_column_may_have_its_own_format(tmp_path, la_slice):
    frame = la_slice.copy()
    closed = pd.to_datetime(frame["closeddate"], format="%m/%d/%y %H:%M", errors="coerce")
    frame["closeddate"] = closed.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")     # another system's export
    per_column = LA_YAML.replace('timestamp_format: "%m/%d/%y %H:%M"',
                                 'timestamp_format:\n  reported_at: "%m/%d/%y %H:%M"\n'
                                 '  updated_at: "%m/%d/%y %H:%M"\n  closed_at: "%Y-%m-%dT%H:%M:%S"')
    with pytest.raises(MappingError, match="closeddate"):          # one format for all no longer reads it
        import_frame(frame, _mapping(tmp_path, LA_YAML), tmp_path / "wrong")
    landing = tmp_path / "landing"
    import_frame(frame, _mapping(tmp_path, per_column), landing)
    events = pd.concat(read_csv(p) for p in landing.glob("incidents/*/events.csv"))
    first = frame.iloc[0]
    closed_at = events.loc[(events["case_id"] == first["srnumber"]) & (events["event_type"] == "closed"), "at"]
    assert closed_at.tolist() == [f"{closed.iloc[0]:%Y-%m-%d %H:%M:%S}"]


def test_unmapped_statuses_are_listed_with_their_counts_and_stop_the_import(tmp_path, la_slice):
    without_pending = LA_YAML.replace("  Pending: accepted\n", "")
    pending = int((la_slice["status"] == "Pending").sum())
    frame = la_slice if pending else la_slice.assign(status=la_slice["status"].where(la_slice.index != 0, "Pending"))
    pending = max(pending, 1)
    landing = tmp_path / "landing"
    with pytest.raises(MappingError, match=rf"status.*'Pending' \({pending}\).*unmapped"):
        import_frame(frame, _mapping(tmp_path, without_pending), landing)
    assert _landing_files(landing) == []


def test_a_mapping_can_name_a_default_for_unmapped_values(tmp_path, la_slice):
    frame = la_slice.assign(status=la_slice["status"].where(la_slice.index != 0, "Awaiting Parts"))
    mapping = _mapping(tmp_path, LA_YAML + "unmapped:\n  status: accepted\n")
    result = import_frame(frame, mapping, tmp_path / "landing")
    assert result.unmapped == {"status": {"Awaiting Parts": 1}}
    assert "Awaiting Parts (1) → accepted" in result.summary()
    events = pd.concat(read_csv(p) for p in (tmp_path / "landing").glob("incidents/*/events.csv"))
    case = events[events["case_id"] == frame.iloc[0]["srnumber"]].astype({"seq": int}).sort_values("seq")
    steps = case["event_type"].tolist()
    assert steps == ["reported", "accepted"]
    with pytest.raises(MappingError, match=r"unmapped\.status.*'acepted'.*did you mean 'accepted'"):
        _mapping(tmp_path, LA_YAML + "unmapped:\n  status: acepted\n")


def test_unmapped_categories_keep_todays_quarantine_but_are_listed(tmp_path, la_slice):
    frame = la_slice.assign(requesttype=la_slice["requesttype"].where(la_slice.index != 0, "Unicorn Sighting"))
    result = import_frame(frame, Mapping.load("la311"), tmp_path / "landing")
    assert result.unmapped == {"category": {"Unicorn Sighting": 1}}
    assert "quarantined at ingest" in result.summary()
    with pytest.raises(MappingError, match=r"category.*'Unicorn Sighting' \(1\)"):
        import_frame(frame, _mapping(tmp_path, LA_YAML + "unmapped:\n  category: fail\n"), tmp_path / "l2")

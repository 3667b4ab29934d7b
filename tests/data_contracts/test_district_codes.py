"""The district's own codes: categories (with SLA hours and zh/en labels) and channels added by a mapping's
`codes:` section or by the data folder's code lists, seen by the mapping check, the import, the ingest contract
and (tests/integration/test_district_codes_pipeline.py) dbt; a case's own due date or SLA column; accepted
and referred cases without an update time. Run on slices of the real LA 311 sample."""

import pandas as pd
import pytest
import yaml

from data_contracts.codes import CodeError, CodeLists
from data_contracts.importers.landing import import_frame, read_csv
from data_contracts.importers.mapping import MAPPINGS, Mapping, MappingError, to_canonical
from data_contracts.specs import contracts_for
from data_contracts.validate import check, read_landing_file
from tests.conftest import LA311, PSEUDONYM_KEY

pytestmark = pytest.mark.skipif(not LA311.exists(), reason=f"real sample not found at {LA311}")

LA_SPEC = yaml.safe_load((MAPPINGS / "la311.yaml").read_text(encoding="utf-8"))
BULKY = {"l1_name_en": "Sanitation", "l1_name_zh": "环卫", "l2_name_en": "Bulky item pickup",
         "l2_name_zh": "大件预约清运", "sla_accept_hours": 24, "sla_resolve_hours": 120}
COUNCIL = {"name_en": "Council office", "name_zh": "议员办公室"}


@pytest.fixture(scope="module")
def la_slice() -> pd.DataFrame:
    return read_csv(LA311).head(300)


def _write(tmp_path, spec: dict, name: str = "city.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def _district_spec(**extra) -> dict:
    spec = {**LA_SPEC, "categories": {**LA_SPEC["categories"], "Bulky Items": "sanitation/bulky_items"},
            "channels": {**LA_SPEC["channels"], "Council's Office": "council_office"},
            "codes": {"categories": {"sanitation/bulky_items": BULKY}, "channels": {"council_office": COUNCIL}}}
    spec.update(extra)
    return spec


def _ingest(landing, table: str, codes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every landing file of the incidents table through its contract (as ingest reads them)."""
    contract = next(c for c in contracts_for("incidents", codes) if c.table == table)
    frames = [read_landing_file(p, contract) for p in sorted((landing / "incidents").glob(f"dt=*/{contract.filename}"))]
    checked = check(pd.concat(frames, ignore_index=True), contract, PSEUDONYM_KEY.encode())
    return checked.loaded, checked.quarantined


def test_a_mappings_codes_become_district_codes_the_import_writes_and_ingest_accepts(tmp_path, la_slice):
    mapping = Mapping.load(_write(tmp_path, _district_spec()))
    data = tmp_path / "data"
    result = import_frame(la_slice, mapping, data / "landing", codes=data / "codes")
    bulky = int((la_slice["requesttype"] == "Bulky Items").sum())
    assert bulky > 50
    written = pd.read_csv(data / "codes" / "categories.csv", dtype=str)
    assert written.to_dict("records") == [{
        "category_l1": "sanitation", "category_l2": "bulky_items", "l1_name_zh": "环卫", "l1_name_en": "Sanitation",
        "l2_name_zh": "大件预约清运", "l2_name_en": "Bulky item pickup", "sla_accept_hours": "24",
        "sla_resolve_hours": "120", "is_dispute": "false", "is_preventable": "false"}]
    assert pd.read_csv(data / "codes" / "channels.csv", dtype=str)["channel"].tolist() == ["council_office"]
    assert result.unmapped.get("category", {}) == {}
    # ingest's contract with the folder's codes loads them; the product's lists alone quarantine them
    codes = CodeLists.load(data / "codes")
    loaded, quarantined = _ingest(data / "landing", "incident_cases", codes)
    assert (loaded["category_l2"] == "bulky_items").sum() == bulky
    assert "not_allowed" not in set(quarantined["rule"])
    _, product_only = _ingest(data / "landing", "incident_cases", CodeLists.load(None))
    assert ((product_only["rule"] == "not_allowed") & (product_only["column_name"] == "category_l1")).sum() == bulky
    # a later mapping may name the folder's codes without defining them again
    plain = {**LA_SPEC, "categories": {**LA_SPEC["categories"], "Bulky Items": "sanitation/bulky_items"}}
    with pytest.raises(MappingError, match="sanitation/bulky_items"):
        Mapping.load(_write(tmp_path, plain, "plain.yaml"))
    assert Mapping.load(_write(tmp_path, plain, "plain.yaml"), data / "codes").categories["Bulky Items"] == \
        "sanitation/bulky_items"


def test_a_user_code_list_in_the_data_folder_extends_the_mapping_check(tmp_path):
    codes = tmp_path / "codes"
    codes.mkdir()
    (codes / "categories.csv").write_text(
        "category_l1,category_l2,l1_name_zh,l1_name_en,l2_name_zh,l2_name_en,sla_accept_hours,sla_resolve_hours,"
        "is_dispute,is_preventable\n"
        "environment,encampment,环境卫生,Environment,流浪者营地,Encampment,,336,false,false\n", encoding="utf-8")
    spec = {**LA_SPEC, "categories": {**LA_SPEC["categories"], "Homeless Encampment": "environment/encampment"}}
    mapping = Mapping.load(_write(tmp_path, spec), codes)
    assert mapping.categories["Homeless Encampment"] == "environment/encampment"
    assert CodeLists.load(codes).rows("categories")["environment/encampment"]["sla_resolve_hours"] == "336"


@pytest.mark.parametrize(("codes", "message"), [
    ({"categories": {"environment/graffiti": {**BULKY, "l1_name_en": "Environment", "l1_name_zh": "环境卫生"}}},
     r"'environment/graffiti' is a product code and cannot be redefined"),
    ({"channels": {"hotline_12345": {"name_en": "Hotline"}}}, r"'hotline_12345' is a product code"),
    ({"categories": {"environment/dumping": {**BULKY, "l1_name_en": "Dirt"}}}, r"renames the product's level"),
    ({"categories": {"sanitation/garbage": BULKY}}, r"category_l2 'garbage' is already 'environment/garbage'"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "sla_resolve_hours": 1e12}}}, r"at most 87,600 hours"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "sla_resolve_hours": "soon"}}}, r"not a number"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "sla_resolve_hours": float("nan")}}}, r"more than 0"),
    ({"categories": {"../etc/passwd": BULKY}}, r"must be lower-case letters"),
    ({"categories": {"sanitation/Bulky Items": BULKY}}, r"must be lower-case letters"),
    ({"categories": {"bulky_items": BULKY}}, r"not an l1/l2 pair"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "colour": "red"}}}, r"unknown field 'colour'"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "l2_name_en": "x\ny"}}}, r"one line"),
    ({"categories": {"sanitation/bulky_items": {**BULKY, "is_dispute": "maybe"}}}, r"neither true nor false"),
    ({"statuses": {}}, r"unknown list 'statuses'"),
    ({"channels": ["a", "b"]}, r"give one entry per code"),
])
def test_bad_district_codes_are_refused_in_one_line(tmp_path, codes, message):
    spec = {**LA_SPEC, "codes": codes}
    with pytest.raises(MappingError, match=message) as error:
        Mapping.load(_write(tmp_path, spec))
    assert "\n" not in str(error.value)


def test_repeating_a_product_code_identically_is_no_redefinition(tmp_path):
    garbage = {"l1_name_zh": "环境卫生", "l1_name_en": "Environment", "l2_name_zh": "垃圾堆放",
               "l2_name_en": "Garbage piled up", "sla_accept_hours": 12, "sla_resolve_hours": 48}
    mapping = Mapping.load(_write(tmp_path, {**LA_SPEC, "codes": {"categories": {"environment/garbage": garbage}}}))
    assert mapping.code_lists.district["categories"] == {}


def test_a_broken_user_code_file_is_a_one_line_error(tmp_path):
    codes = tmp_path / "codes"
    codes.mkdir()
    (codes / "channels.csv").write_text("code,label\nx,y\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"channels.csv: columns must be channel, name_zh, name_en"):
        Mapping.load("la311", codes)
    (codes / "channels.csv").write_bytes("channel,name_zh,name_en\nhotline_12345,热线,Hotline\n".encode())
    with pytest.raises(MappingError, match=r"channels.csv:2.*'hotline_12345' is a product code"):
        Mapping.load("la311", codes)
    (codes / "channels.csv").write_bytes(b"channel,name_zh,name_en\nsms,\xc4\xe3,SMS\n")
    with pytest.raises(MappingError, match=r"not UTF-8"):
        Mapping.load("la311", codes)


def test_an_import_refused_for_its_codes_writes_nothing(tmp_path, la_slice):
    data = tmp_path / "data"
    (data / "codes").mkdir(parents=True)
    (data / "codes" / "categories.csv").write_text(
        "category_l1,category_l2,l1_name_zh,l1_name_en,l2_name_zh,l2_name_en,sla_accept_hours,sla_resolve_hours,"
        "is_dispute,is_preventable\n"
        "waste,bulky_items,废弃物,Waste,大件,Bulky,,48,false,false\n", encoding="utf-8")
    mapping = Mapping.load(_write(tmp_path, _district_spec()))   # checked without the folder's list
    before = (data / "codes" / "categories.csv").read_bytes()
    with pytest.raises(MappingError, match=r"category_l2 'bulky_items' is already 'waste/bulky_items'"):
        import_frame(la_slice, mapping, data / "landing", codes=data / "codes")
    assert not (data / "landing").exists() and not any((data / "imports").glob("*.json"))
    assert (data / "codes" / "categories.csv").read_bytes() == before


def test_a_due_date_or_sla_column_is_carried_into_the_cases_and_checked_at_ingest(tmp_path, la_slice):
    frame = la_slice.head(6).copy()
    frame["due"] = ["1/5/20 12:00", "", "12/1/19 08:00", "1/5/20 12:00", "", "not a date"]
    frame["sla"] = ["", "36", "", "1e308", "-4", ""]
    spec = {**LA_SPEC, "columns": {**LA_SPEC["columns"], "due_at": "due", "sla_hours": "sla"}}
    cases, _ = to_canonical(frame, Mapping.load(_write(tmp_path, spec)))
    assert cases["due_at"].tolist() == ["2020-01-05 12:00:00", "", "2019-12-01 08:00:00", "2020-01-05 12:00:00", "",
                                        "not a date"]
    assert cases["sla_hours"].tolist() == ["", "36", "", "1e308", "-4", ""]
    contract = next(c for c in contracts_for("incidents") if c.table == "incident_cases")
    checked = check(cases.drop(columns="dt").assign(grid_id="LA1"), contract, PSEUDONYM_KEY.encode())
    rules = dict(zip(checked.quarantined["_row"] if "_row" in checked.quarantined else
                     checked.quarantined.index, checked.quarantined["rule"], strict=True))
    assert sorted(checked.quarantined["column_name"] + ":" + checked.quarantined["rule"]) == [
        "due_at:impossible_order", "due_at:invalid_timestamp", "sla_hours:out_of_range", "sla_hours:out_of_range"]
    assert len(rules) == 4 and len(checked.loaded) == 2
    assert checked.loaded["sla_hours"].tolist()[1] == 36.0


def test_older_landing_files_without_the_new_columns_still_read(tmp_path):
    contract = next(c for c in contracts_for("incidents") if c.table == "incident_cases")
    path = tmp_path / "cases.csv"
    old = [c for c in contract.names if c not in ("due_at", "sla_hours")]
    pd.DataFrame([dict.fromkeys(old, "")]).to_csv(path, index=False)
    frame = read_landing_file(path, contract)
    assert list(frame.columns) == contract.names and frame.loc[0, "due_at"] == ""


def test_accepted_and_referred_cases_without_an_update_time_take_the_next_known_time(tmp_path, la_slice):
    frame = la_slice.head(8).copy()   # the last four keep their times, so the format check passes
    frame.loc[:3, "status"] = ["Pending", "Pending", "Referred Out", "Pending"]
    frame.loc[:3, "updateddate"] = ["", "", "", "garbage"]
    frame.loc[:3, "closeddate"] = ["1/3/20 9:30", "", "", ""]
    cases, events = to_canonical(frame, Mapping.load("la311"))
    cases, events = cases.head(4), events[events["case_id"].isin(cases["case_id"].head(4))]
    steps = events[events["event_type"] != "reported"].set_index("case_id")["at"]
    reported = cases.set_index("case_id")["reported_at"]
    ids = cases["case_id"].tolist()
    assert steps[ids[0]] == "2020-01-03 09:30:00"     # no update time: its close time
    assert steps[ids[1]] == reported[ids[1]]         # neither: its report time
    assert steps[ids[2]] == reported[ids[2]]         # referred the same way
    assert steps[ids[3]] == "garbage"                # a time given but unreadable stays, and is quarantined
    contract = next(c for c in contracts_for("incidents") if c.table == "incident_events")
    checked = check(events.drop(columns="dt").astype(str), contract, PSEUDONYM_KEY.encode())
    assert checked.quarantined["rule"].tolist() == ["invalid_timestamp"]


def test_code_lists_written_twice_keep_the_earlier_district_codes(tmp_path, la_slice):
    data = tmp_path / "data"
    import_frame(la_slice.head(50), Mapping.load(_write(tmp_path, _district_spec())), data / "landing",
                 codes=data / "codes")
    other = {**LA_SPEC, "codes": {"categories": {"sanitation/e_waste": {**BULKY, "l2_name_en": "E-waste",
                                                                       "l2_name_zh": "电子垃圾"}}},
             "categories": {**LA_SPEC["categories"], "Electronic Waste": "sanitation/e_waste"}}
    import_frame(la_slice.tail(50), Mapping.load(_write(tmp_path, other, "other.yaml")), data / "landing",
                 codes=data / "codes")
    assert set(CodeLists.load(data / "codes").district["categories"]) == {"sanitation/bulky_items",
                                                                         "sanitation/e_waste"}
    with pytest.raises(CodeError):
        CodeLists.load(None).extended("channels", {"app": {"channel": "app", "name_zh": "x", "name_en": "y"}}, "t")


def test_code_list_rows_that_would_reach_sql_or_flood_a_page_are_refused(tmp_path):
    codes = tmp_path / "codes"
    codes.mkdir()
    header = "channel,name_zh,name_en\n"
    for row, message in (("sms'); drop table x; --,短信,SMS\n", r"must be lower-case letters"),
                         (f"sms,短信,{'S' * 10_000}\n", r"one line of at most 80"),
                         ("sms,短信,\n", r"name_en is required")):
        (codes / "channels.csv").write_text(header + row, encoding="utf-8")
        with pytest.raises(MappingError, match=message) as error:
            Mapping.load("la311", codes)
        assert len(str(error.value)) < 400


def test_a_broken_code_list_stops_the_ingest_in_one_line(tmp_path):
    from data_contracts.validate import ContractError
    from orchestration.ingest import district_codes

    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "categories.csv").write_text("category_l1\nx\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"categories.csv: columns must be") as error:
        district_codes(tmp_path / "landing")
    assert "\n" not in str(error.value)
    (tmp_path / "codes" / "categories.csv").unlink()
    assert district_codes(tmp_path / "landing").district == {"categories": {}, "channels": {}}


def test_a_later_mapping_may_change_a_district_code_and_name_it_as_the_unmapped_default(tmp_path, la_slice):
    data = tmp_path / "data"
    import_frame(la_slice.head(50), Mapping.load(_write(tmp_path, _district_spec())), data / "landing",
                 codes=data / "codes")
    slower = _district_spec(unmapped={"category": "sanitation/bulky_items"})
    slower["codes"] = {"categories": {"sanitation/bulky_items": {**BULKY, "sla_resolve_hours": 240}}}
    slower["categories"] = {"Graffiti Removal": "environment/graffiti"}   # the rest take the default
    mapping = Mapping.load(_write(tmp_path, slower, "slower.yaml"), data / "codes")
    result = import_frame(la_slice.head(50), mapping, data / "landing", codes=data / "codes")
    assert result.replaces   # the same rows again: the earlier import is replaced
    rows = CodeLists.load(data / "codes").rows("categories")
    assert rows["sanitation/bulky_items"]["sla_resolve_hours"] == "240"
    cases, _ = to_canonical(la_slice.head(50), mapping)
    assert set(cases["category_l2"]) == {"graffiti", "bulky_items"}

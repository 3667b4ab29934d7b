"""Rows that break a contract are quarantined with their rule; files that break it as a whole fail clearly."""

import json

import pandas as pd
import pytest

from data_contracts.specs import contracts_for
from data_contracts.validate import ContractError, check, read_landing_file

COUNTS = contracts_for("foot_traffic")[1]
CASES = contracts_for("incidents")[0]


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_bad_rows_are_quarantined_with_their_rule(tmp_path):
    path = _write(tmp_path / "counts.csv", "counter_id,zone_id,ts,count_in,count_out\n"
                  "P1,Z1,2026-01-01 10:00:00,12,9\n"
                  "P1,Z1,not-a-time,12,9\n"
                  "P1,Z1,2026-01-01 11:00:00,,9\n"
                  "P1,Z1,2026-01-01 12:00:00,3.5,9\n")
    checked = check(read_landing_file(path, COUNTS), COUNTS, b"k")
    assert checked.rows_in == 4
    assert len(checked.loaded) == 1 and len(checked.quarantined) == 3
    assert list(checked.quarantined["rule"] + ":" + checked.quarantined["column_name"]) == [
        "invalid_timestamp:ts", "required:count_in", "invalid_integer:count_in"]
    assert checked.loaded.loc[0, "count_in"] == 12


def test_personal_data_never_leaves_check_in_clear(tmp_path):
    header = ",".join(CASES.names)
    row = "C1,2026-01-01 08:00:00,hotline_12345,dispute,neighbour,G1,30.5,117.0,addr,desc,段小明,13812341234,normal"
    bad = "C2,2026-01-01 08:00:00,hotline_12345,dispute,neighbour,G1,30.5,117.0,addr,desc,段小明,13812341234,whenever"
    checked = check(read_landing_file(_write(tmp_path / "cases.csv", f"{header}\n{row}\n{bad}\n"), CASES), CASES, b"k")
    text = checked.loaded.to_csv() + checked.quarantined.to_csv()
    assert "段小明" not in text and "13812341234" not in text
    assert checked.loaded.loc[0, "reporter_name_mask"] == "段**"
    assert checked.loaded.loc[0, "reporter_phone_mask"] == "138****1234"
    original = json.loads(checked.quarantined.loc[0, "original"])
    assert original["priority"] == "whenever" and original["reporter_phone_mask"] == "138****1234"


# Phone and ID numbers as people type them into free text: plain, spaced, dashed, an ID ending in X.
TYPED_NUMBERS = ("13912345678", "139 1234 5678", "0551-6543 2109", "11010119900307451X", "110101199003074518")


def test_phone_and_id_numbers_typed_into_free_text_are_masked_at_ingest(tmp_path):
    """Hostile: a caller's numbers typed into the description and the address, in a row that loads and in
    one that is quarantined — neither output holds them, the rest of the text stays."""
    header = ",".join(CASES.names)
    description = f"楼上漏水，请回电{TYPED_NUMBERS[0]}或{TYPED_NUMBERS[1]}，身份证{TYPED_NUMBERS[3]}"
    address = f"华茂路3栋 tel {TYPED_NUMBERS[2]} ID {TYPED_NUMBERS[4]}"
    row = f"C1,2026-01-01 08:00:00,hotline_12345,dispute,neighbour,G1,30.5,117.0,{address},{description},,,normal"
    bad = f"C2,2026-01-01 08:00:00,hotline_12345,dispute,neighbour,G1,30.5,117.0,{address},{description},,,whenever"
    checked = check(read_landing_file(_write(tmp_path / "cases.csv", f"{header}\n{row}\n{bad}\n"), CASES), CASES, b"k")
    text = checked.loaded.to_csv() + checked.quarantined.to_csv()
    digits = text.replace(" ", "").replace("-", "")
    assert [n for n in TYPED_NUMBERS if n.replace(" ", "").replace("-", "") in digits] == []
    assert checked.loaded.loc[0, "description"] == "楼上漏水，请回电***或***，身份证***"
    assert checked.loaded.loc[0, "address"] == "华茂路3栋 tel *** ID ***"
    assert json.loads(checked.quarantined.loc[0, "original"])["description"] == "楼上漏水，请回电***或***，身份证***"


@pytest.mark.parametrize("content, encoding, message", [
    ("counter_id,zone_id,ts,count_in\nP1,Z1,2026-01-01 10:00:00,3\n", "utf-8", "missing: ['count_out']"),
    ("counter_id,zone_id,ts,count_in,count_out,extra\n", "utf-8", "unexpected: ['extra']"),
    ("", "utf-8", "empty file"),
    ("counter_id,zone_id,ts,count_in,count_out\n华茂,Z1,2026-01-01 10:00:00,3,2\n", "gbk", "not UTF-8"),
])
def test_broken_files_raise_a_clear_error(tmp_path, content, encoding, message):
    path = _write(tmp_path / "counts.csv", content, encoding)
    with pytest.raises(ContractError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_landing_file(path, COUNTS)


def test_every_row_is_accounted_for():
    frame = pd.DataFrame({"counter_id": ["P"] * 5, "zone_id": ["Z"] * 5,
                          "ts": ["2026-01-01 00:00:00", "x", "2026-01-01 02:00:00", "", "2026-01-01 04:00:00"],
                          "count_in": ["1", "2", "-", "4", "5"], "count_out": ["1"] * 5})
    checked = check(frame, COUNTS, b"k")
    assert len(checked.loaded) + len(checked.quarantined) == checked.rows_in == 5


REGISTER = contracts_for("population")[0]


def _register_rows():
    from data_contracts.privacy import id_check_character

    first17 = "34080319850317121"
    good = {c: "" for c in REGISTER.names} | {
        "name": "段小明", "id_number": first17 + id_check_character(first17), "phone": "13812341234", "sex": "M",
        "birth_date": "1985-03-17", "ethnicity": "汉族", "household_id": "H1", "relation_to_head": "head",
        "building": "1栋", "unit": "1单元", "room": "101", "grid_id": "G1", "residence_type": "registered",
        "is_renter": "false", "move_in_date": "2010-01-01", "registered_on": "2010-01-01", "occupation": "worker",
        "employer_type": "private", "education": "college", "marital_status": "married", "pets": "0",
        "household_tier": "green", "change_type": "snapshot", "changed_at": "2026-01-01"}
    for flag in ("elderly_alone", "disabled", "chronic_illness", "low_income", "veteran", "minor_left_behind",
                 "focus_person"):
        good[flag] = "false"
    wrong_check = good["id_number"][:-1] + ("0" if good["id_number"][-1] != "0" else "1")
    rows = [good,
            good | {"id_number": wrong_check},                                        # checksum
            good | {"birth_date": "2027-01-01"},                                      # after the landing day
            good | {"birth_date": "1985-03-18"},                                      # not the ID's birth date
            good | {"grid_id": "G404"},                                               # unknown grid
            dict(good),                                                               # the same person again
            good | {"change_type": "deregister", "deregistered_on": "2026-01-01"}]   # a change, not a duplicate
    return pd.DataFrame(rows).assign(dt="2026-01-01", _file="population/dt=2026-01-01/register.csv",
                                     _row=range(1, len(rows) + 1))


def test_register_rules_quarantine_checksums_birth_dates_unknown_grids_and_duplicates():
    checked = check(_register_rows(), REGISTER, b"k", {"grid": {"G1"}})
    reasons = dict(zip(checked.quarantined["_row"], checked.quarantined["rule"], strict=True))
    assert reasons == {2: "bad_checksum", 3: "impossible_date", 4: "impossible_date", 5: "unknown_grid",
                       6: "duplicate"}
    assert sorted(checked.loaded["_row"]) == [1, 7]
    assert len(checked.loaded) + len(checked.quarantined) == checked.rows_in == 7
    text = checked.loaded.to_csv() + checked.quarantined.to_csv()
    assert "段小明" not in text and "13812341234" not in text and _register_rows()["id_number"][0] not in text


HEADER = "counter_id,zone_id,ts,count_in,count_out\n"


@pytest.mark.parametrize("content, message", [
    (HEADER + "P1,Z1,2026-01-01 10:00:00,3,2,7\n", "line 2 has 6 fields, the header 5"),
    ("counter_id,zone_id,ts,count_in,count_in\nP1,Z1,2026-01-01 10:00:00,3,2\n", "missing: ['count_out']"),
    (HEADER + 'P1,Z1,"2026-01-01 10:00:00,3,2\n', "unreadable or truncated file: unexpected end of data"),
])
def test_ragged_binary_and_doubled_files_are_refused_whole(tmp_path, content, message):
    path = _write(tmp_path / "counts.csv", content)
    with pytest.raises(ContractError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_landing_file(path, COUNTS)


def test_landing_files_read_as_text_like_a_csv_reader_would(tmp_path):
    """Quoted commas and line breaks stay in their field, blank lines are skipped, short rows are padded with
    empty values, columns come in the contract's order whatever the file's, numbers stay text."""
    path = _write(tmp_path / "counts.csv", 'zone_id,counter_id,ts,count_out,count_in\n'
                  '"Z1, north",P1,2026-01-01 10:00:00,007,3\n\n'
                  '"Z2\nsouth",P2,2026-01-01 11:00:00\n')
    frame = read_landing_file(path, COUNTS)
    assert list(frame.columns) == list(COUNTS.names)
    assert frame.to_dict("records") == [
        {"counter_id": "P1", "zone_id": "Z1, north", "ts": "2026-01-01 10:00:00", "count_in": "3", "count_out": "007"},
        {"counter_id": "P2", "zone_id": "Z2\nsouth", "ts": "2026-01-01 11:00:00", "count_in": "", "count_out": ""}]
    expected = pd.read_csv(path, dtype=str, keep_default_na=False).fillna("")[list(COUNTS.names)]
    pd.testing.assert_frame_equal(frame, expected.astype(object))


def test_the_suite_judges_each_value_as_it_would_alone_in_a_batch():
    """failing_rows runs the suite on each column's distinct values: every row must get exactly the verdicts
    the suite gives it when it is validated as a batch of one row (nulls, NaN, NaT, -0.0, repeats, unknown
    values, bounds and formats mixed)."""
    from data_contracts.suites import failing_rows

    telemetry = [c for c in contracts_for("devices") if c.table == "device_telemetry"][0]
    typed = pd.DataFrame({
        "device_id": ["D1", None, "D1", "", "D2", "D3", None, "D1"],
        "ts": pd.to_datetime(["2026-03-10 08:00", None, "2026-03-10 08:00", "2026-03-10 09:00", None,
                              "2026-03-11 00:00", "2026-03-10 08:00", "2026-03-10 10:00"]),
        "event_type": ["heartbeat", "reading", "bogus", None, "bogus", "alarm", "clear", "heartbeat"],
        "value": [float("nan"), -0.0, 0.0, 5.5, float("nan"), 1e9, -1.0, 5.5],
        "code": [None, "ok-code", "not a code!", None, "SMOKE", "", None, "not a code!"]})
    typed = typed.astype({c: object for c in ("device_id", "event_type", "code")})

    def verdicts(frame):
        found = failing_rows(frame, telemetry)
        return {(int(p), r, c) for p, r, c in found[["position", "rule", "column_name"]].itertuples(index=False)}

    alone = set()
    for position in range(len(typed)):
        alone |= {(position, rule, column) for _, rule, column in verdicts(typed.iloc[[position]])}
    together = verdicts(typed)
    assert together == alone
    assert {rule for _, rule, _ in together} >= {"required", "not_allowed", "bad_format"}

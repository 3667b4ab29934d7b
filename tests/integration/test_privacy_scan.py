"""Nothing leaks: after the full pipeline ran on PII-bearing landing files (the session world, materialized
twice), no ID number, mobile number or clear name the generator produced is in the warehouse (every
schema — raw and staging included — dbt's stored test failures and the household snapshot), the serving
snapshots, the run logs, dbt's logs and run results, or the dashboards' audit log; nor are the phone and
ID numbers planted in one case's free text (conftest PLANTED_NUMBERS)."""

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import PLANTED_NUMBERS, REPO

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)

ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
                       r"(?![0-9])")
# Not after a decimal point: dbt's run results hold timings such as 0.17138671875.
MOBILE = re.compile(r"(?<![0-9.])1[3-9][0-9]{9}(?![0-9])")


@pytest.fixture(scope="module")
def clear_values(world) -> dict[str, set[str]]:
    """The clear identifiers as the landing files (the only place they exist) hold them."""
    names, ids, phones = set(), set(), set()
    for path in (world.data_dir / "landing").glob("*/dt=*/*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("name", "reporter_name"):
            if column in frame:
                names |= set(frame[column])
        if "id_number" in frame:
            ids |= set(frame["id_number"])
        for column in ("phone", "reporter_phone"):
            if column in frame:
                phones |= set(frame[column])
    return {"names": names - {""}, "ids": ids - {""}, "phones": phones - {""}}


CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
DIGIT_RUN = re.compile(r"[0-9Xx]{8,}")
# Machine ids (UUIDs such as dbt's invocation_id, hex digests): hex digits only, never personal data, but a
# random one can hold a run of 11 decimal digits that reads like a mobile number
MACHINE_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
                        r"|\b(?=[0-9a-f]*[a-f])[0-9a-f]{32,}\b")


def _leaks(text: str, names: set[str], values: set[str] = frozenset()) -> list[str]:
    """What in `text` looks like an ID or mobile number, is a name the generator produced, or is one of
    the clear ID or phone `values` (a pattern could miss a malformed one that still identifies someone)."""
    text = MACHINE_ID.sub(" ", text)
    found = [m.group(0) for m in ID_NUMBER.finditer(text)] + [m.group(0) for m in MOBILE.finditer(text)]
    for run in CJK_RUN.findall(text):
        found += [run[i:i + n] for n in (2, 3) for i in range(len(run) - n + 1) if run[i:i + n] in names]
    found += [token for token in DIGIT_RUN.findall(text) if token in values]
    return found


def _scan_values(values, names: set[str], where: str) -> list[str]:
    hits = []
    for value in values:
        if value is not None and (leaks := _leaks(str(value), names)):
            hits.append(f"{where}: {leaks[:3]}")
    return hits


def test_the_landing_files_do_hold_clear_identifiers(clear_values):
    """The scan is only meaningful if the input really carries personal data."""
    assert len(clear_values["names"]) > 1000 and len(clear_values["ids"]) > 5000 and len(clear_values["phones"]) > 3000
    assert all(ID_NUMBER.fullmatch(i) for i in list(clear_values["ids"])[:500] if len(i) == 18)
    assert sum(bool(_leaks(n, clear_values["names"])) for n in list(clear_values["names"])[:100]) == 100


def test_no_clear_identifier_in_any_warehouse_table(world, clear_values):
    with duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        assert {"raw", "quarantine", "staging", "intermediate", "marts", "snapshots", "audit"} <= schemas
        failure_tables = con.execute("select count(*) from information_schema.tables "
                                     "where table_schema = 'audit'").fetchone()[0]
        assert failure_tables >= 20   # dbt stores every data test's failing rows there
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where data_type = 'VARCHAR'").fetchall()
        scanned = {(schema, table) for schema, table, _ in columns}
        assert {("raw", "population_register"), ("raw", "incident_cases"),
                ("staging", "stg_incidents__cases")} <= scanned
        assert {"raw", "staging", "quarantine", "marts"} <= {schema for schema, _ in scanned}
        hits = []
        for schema, table, column in columns:
            values = [v for (v,) in con.execute(f'select distinct "{column}" from {schema}.{table}').fetchall()]
            hits += _scan_values(values, clear_values["names"], f"{schema}.{table}.{column}")
    assert hits == []


def test_no_clear_identifier_in_any_serving_snapshot(world, clear_values):
    hits, files = [], 0
    for parquet in (world.data_dir / "serving").glob("*/*.parquet"):
        files += 1
        frame = pd.read_parquet(parquet)
        for column in frame.select_dtypes(include=["object", "string"]).columns:
            hits += _scan_values(frame[column].dropna().unique(), clear_values["names"], f"{parquet.name}.{column}")
    assert files > 20 and hits == []


def _text_files(world) -> list[Path]:
    run_logs = sorted((world.data_dir / "logs").glob("*.log"))
    assert len(run_logs) >= 2, "each materialization writes its run log"
    dbt = [*(REPO / "dbt_project" / "logs").glob("*.log"), *(REPO / "dbt_project" / "target").glob("*/dbt.log"),
           *(REPO / "dbt_project" / "target").glob("*/run_results.json")]
    assert any(p.name == "dbt.log" for p in dbt)
    dagster = [p for p in (world.data_dir / "dagster_home").rglob("*") if p.is_file()] \
        if (world.data_dir / "dagster_home").exists() else []
    audit = sorted((world.data_dir / "audit").glob("*.jsonl"))   # the current file and rotated months
    return [*run_logs, *dbt, *dagster, *audit]


def test_no_clear_identifier_in_logs_run_results_or_audit_log(world, clear_values):
    files = _text_files(world)
    hits = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if leaks := _leaks(text, clear_values["names"], clear_values["ids"] | clear_values["phones"]):
            hits.append(f"{path}: {leaks[:3]}")
    run_log = (world.data_dir / "logs").glob("*.log")
    assert any("ingest population" in p.read_text(encoding="utf-8") for p in run_log)
    assert hits == []


PLANTED_FORMS = sorted({*PLANTED_NUMBERS, *(n.replace(" ", "").replace("-", "") for n in PLANTED_NUMBERS)})


def test_numbers_typed_into_free_text_are_masked_before_raw(world):
    """Hostile: the planted case arrives in raw and staging with its description and address masked."""
    with duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True) as con:
        for table in ("raw.incident_cases", "staging.stg_incidents__cases"):
            rows = con.execute(f"select description, address from {table} where case_id = ?",
                               [world.planted_case]).fetchall()
            assert rows, f"the planted case is not in {table}"
            for description, address in rows:
                assert description.endswith("，请回电***，身份证***") and address.endswith(" 电话 *** 证件***")


def test_numbers_typed_into_free_text_reach_no_table_snapshot_or_log(world):
    hits = []
    with duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True) as con:
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where data_type = 'VARCHAR'").fetchall()
        for schema, table, column in columns:
            found = con.execute(f'select count(*) from {schema}.{table} where '
                                + " or ".join(f'contains("{column}", ?)' for _ in PLANTED_FORMS),
                                PLANTED_FORMS).fetchone()[0]
            if found:
                hits.append(f"{schema}.{table}.{column}")
    for parquet in (world.data_dir / "serving").glob("*/*.parquet"):
        frame = pd.read_parquet(parquet)
        for column in frame.select_dtypes(include=["object", "string"]).columns:
            text = "\n".join(frame[column].dropna().astype(str))
            hits += [f"{parquet.name}.{column}" for form in PLANTED_FORMS if form in text]
    for path in _text_files(world):
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [str(path) for form in PLANTED_FORMS if form in text]
    assert hits == []


def test_the_scan_tells_machine_ids_from_numbers():
    """A dbt invocation id that happens to hold 11 decimal digits is no phone; the same digits as text are."""
    assert _leaks('"invocation_id": "55edb609-4ef7-4b50-a0e1-a16175468221"', set(), {"16175468221"}) == []
    assert _leaks(f"sha256 {'ab' * 10}16175468221{'cd' * 10}", set()) == []
    assert _leaks("回电16175468221", set()) == ["16175468221"]
    assert _leaks("caller 16175468221", set(), {"16175468221"}) == ["16175468221", "16175468221"]

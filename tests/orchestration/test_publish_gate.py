"""The one gate before CURRENT moves (orchestration/serving.py::publish_gate), on small hand-made warehouses:
a failed last run, data past the landed days, no data, no marts: each refused in one line, CURRENT untouched."""

import datetime as dt

import duckdb
import pytest

from orchestration.defs.resources import Warehouse
from orchestration.serving import NotPublished, publish_snapshot, record_run

TABLES = ["marts.mart_data_period"]


def _warehouse(tmp_path, first, last, landed) -> Warehouse:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema meta")
        con.execute("create table marts.mart_data_period as select ?::date as first_day, ?::date as last_day, "
                    "?::date as as_of_day", [first, last, last])
        con.execute("create table meta.ingest_log (dt date, rows_loaded bigint)")
        if landed:
            con.execute("insert into meta.ingest_log values (?, 10), ('2099-01-01', 0)", [landed])
    return Warehouse(path=str(path))


def _refused(warehouse, serving, match: str, full_run: bool = False) -> None:
    with pytest.raises(NotPublished, match=match) as refused:
        publish_snapshot(warehouse, serving, TABLES, full_run=full_run)
    assert "\n" not in str(refused.value)
    assert not (serving / "CURRENT").exists() and not any(serving.glob("*/manifest.json"))


def test_a_sane_warehouse_is_published(tmp_path):
    warehouse = _warehouse(tmp_path, dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    record_run(warehouse, "materialize_everything", True)
    manifest = publish_snapshot(warehouse, tmp_path / "serving", TABLES)
    assert (tmp_path / "serving" / "CURRENT").read_text() == manifest["version"]


def test_after_a_failed_run_only_a_full_run_publishes(tmp_path):
    warehouse = _warehouse(tmp_path, dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    record_run(warehouse, "materialize_everything", False, "gridsight_dbt: model mart_x failed")
    _refused(warehouse, tmp_path / "serving", r"last run \(materialize_everything.*failed: gridsight_dbt")
    # the pipeline's full run reaches publish only when every step of it succeeded
    assert publish_snapshot(warehouse, tmp_path / "serving", TABLES, full_run=True)["as_of"] == "2026-03-01"


@pytest.mark.parametrize(("first", "last", "landed", "match"), [
    (dt.date(2026, 1, 1), dt.date(2099, 1, 1), dt.date(2026, 3, 2), "2099-01-01 is not within the landed"),
    (None, None, dt.date(2026, 3, 2), "None … None"),
    (dt.date(2026, 1, 1), dt.date(2026, 3, 1), None, r"last: None"),
])
def test_a_data_period_past_the_landed_days_is_refused(tmp_path, first, last, landed, match):
    warehouse = _warehouse(tmp_path, first, last, landed)
    _refused(warehouse, tmp_path / "serving", match, full_run=True)


def test_a_warehouse_without_marts_is_refused(tmp_path):
    duckdb.connect(str(tmp_path / "warehouse.duckdb")).close()
    _refused(Warehouse(path=str(tmp_path / "warehouse.duckdb")), tmp_path / "serving", "no built marts")

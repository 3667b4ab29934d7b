"""The real LA 311 sample (../shared/realdata, see its PROVENANCE.md) through import → ingest → dbt →
serving → pages: every row loaded or quarantined with a reason, and the marts agree with counts taken
straight from the CSV."""

import csv

import duckdb
import pytest

from tests.conftest import LA_DEPLOYMENT, day_end
from tests.dashboards.conftest import open_app

pytestmark = pytest.mark.slow   # the real LA 311 sample through the CLI and dbt


@pytest.fixture(scope="module")
def source_rows(la311):
    with open(la311.source, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def warehouse(la311):
    con = duckdb.connect(str(la311.data_dir / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def _placed(row) -> bool:
    return row["latitude"].strip() != "" and row["longitude"].strip() != ""


def test_every_row_is_loaded_or_quarantined_with_a_reason(la311, source_rows, warehouse):
    rows_in, loaded, quarantined = warehouse.execute(
        "select sum(rows_in), sum(rows_loaded), sum(rows_quarantined) from meta.ingest_log "
        "where table_name = 'incident_cases'").fetchone()
    assert rows_in == len(source_rows) == loaded + quarantined
    assert warehouse.execute("select count(*) from raw.incident_cases").fetchone()[0] == loaded
    reasons = warehouse.execute("select rule, column_name, count(*) from quarantine.incident_cases "
                                "group by all").fetchall()
    assert all(rule and column for rule, column, _ in reasons)
    # the only rows that cannot be placed are the ones without coordinates
    assert quarantined == sum(not _placed(r) for r in source_rows)
    assert reasons == [("required", "grid_id", quarantined)]
    events_in, events_loaded, events_quarantined = warehouse.execute(
        "select sum(rows_in), sum(rows_loaded), sum(rows_quarantined) from meta.ingest_log "
        "where table_name = 'incident_events'").fetchone()
    assert events_in == events_loaded + events_quarantined
    assert f"{len(source_rows):,} rows read" in la311.import_output


def test_marts_agree_with_the_csv(source_rows, warehouse):
    placed = [r for r in source_rows if _placed(r)]
    cases, closed, resolved, grids = warehouse.execute("""
        select count(*), count(*) filter (where is_closed), count(*) filter (where is_resolved),
               count(distinct grid_id) from marts.fct_incidents""").fetchone()
    assert cases == len(placed)
    assert closed == sum(r["status"] in ("Closed", "Cancelled") for r in placed)
    # cancelled requests are closed but never count as resolved
    assert resolved == sum(r["status"] == "Closed" for r in placed)
    assert grids == warehouse.execute("select count(*) from marts.dim_grids where level = 'grid'").fetchone()[0]
    assert warehouse.execute("select count(distinct community_id) from marts.dim_grids "
                             "where level = 'grid'").fetchone()[0] > 50
    # every model was built and published
    snapshot = warehouse.execute("select count(*) from marts.mart_scorecard where kpi = 'overall'").fetchone()[0]
    assert snapshot > 0
    bulky = warehouse.execute("select count(*) from marts.fct_incidents where is_duplicate and "
                              "category_l2 = 'bulky_waste'").fetchone()[0]
    assert bulky == 0


def test_pages_run_on_the_real_sample(la311, monkeypatch, warehouse):
    for name, value in LA_DEPLOYMENT.items():   # the deployment the sample was materialized in (conftest)
        monkeypatch.setenv(name, value)
    app = open_app(monkeypatch, la311.data_dir, user="admin")   # the one role that opens every page
    app.switch_page("views/incidents.py").run()
    assert not app.exception, app.exception
    # the page's default period ends on the as-of day, the last report (closures run for months after it)
    as_of = warehouse.execute("select as_of_day from marts.mart_data_period").fetchone()[0]
    (backlog,) = day_end(warehouse, as_of, "backlog_end")
    assert {m.label: m.value for m in app.metric}["积压案件"] == f"{backlog:,}"
    # every other page runs on a world with incidents only (no register, counters or model outputs)
    for page in ("data_quality", "population", "household_visits", "audit_log", "foot_traffic", "hotspots"):
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, app.exception)

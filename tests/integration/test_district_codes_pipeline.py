"""The real LA 311 sample with the city's own request types as district categories (their SLAs and zh/en labels)
and a due-date and an SLA column of its own, through `gridsight import csv --materialize`: the codes reach
dim_categories and dim_channels, the cases carry them, a case's own due date or SLA wins over its category's in
the SLA, on-time and overdue logic, and the incidents page names the district's categories."""

import datetime as dt
import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import DUE_ROW, LA311, LA_CODES, PSEUDONYM_KEY, REPO, SLA_ROW, write_la_codes_export

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not LA311.exists(), reason=f"real sample not found at {LA311}")]


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    work = tmp_path_factory.mktemp("la311-district")
    mapping, export, rows = write_la_codes_export(work, "la311", LA_CODES)
    data = work / "data"
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data), "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "import", "csv", "--mapping", str(mapping),
                           str(export), "--materialize"], env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return data, rows


@pytest.fixture
def warehouse(district):
    con = duckdb.connect(str(district[0] / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_district_codes_reach_the_dimensions_with_their_labels_and_slas(district, warehouse):
    assert (district[0] / "codes" / "categories.csv").exists()
    found = warehouse.execute("""
        select category_l2, l1_name_zh, l1_name_en, l2_name_zh, l2_name_en, sla_resolve_hours, code_source
        from marts.dim_categories where code_source = 'district' order by category_l2""").fetchall()
    assert found == [("appliances", "环卫", "Sanitation", "Metal and appliances", "Metal and appliances", 96.0,
                      "district"),
                     ("bulky_items", "环卫", "Sanitation", "大件预约清运", "Bulky item pickup", 120.0, "district"),
                     ("e_waste", "环卫", "Sanitation", "电子垃圾", "Electronic waste", 96.0, "district")]
    # the product's categories are all still there, unchanged
    assert warehouse.execute("select count(*) from marts.dim_categories where code_source = 'product'").fetchone()[0] \
        == 29
    assert warehouse.execute("select name_zh from marts.dim_channels where channel = 'council_office'").fetchone() \
        == ("议员办公室",)


def test_cases_carry_the_district_categories_and_their_sla(district, warehouse):
    _, rows = district
    placed = [r for r in rows if r["latitude"].strip() and r["longitude"].strip()]
    expected = sum(r["requesttype"] == "Bulky Items" for r in placed)
    bulky, with_sla = warehouse.execute("""
        select count(*), count(*) filter (where sla_resolve_hours = 120 and sla_source = 'category')
        from marts.fct_incidents where category_l2 = 'bulky_items' and sla_source <> 'case_sla_hours'
            and sla_source <> 'case_due_at'""").fetchone()
    own = sum(r["requesttype"] == "Bulky Items" and i in (DUE_ROW, SLA_ROW) for i, r in enumerate(rows, start=1))
    assert bulky + own == expected and with_sla == bulky
    assert warehouse.execute("select count(*) from marts.fct_incidents where category_l2 = 'other' and "
                             "category_l1 = 'other'").fetchone()[0] == sum(r["requesttype"] == "Other" for r in placed)
    # every row still accounted for: loaded or quarantined, none for its district code
    assert warehouse.execute("select count(*) from quarantine.incident_cases where rule = 'not_allowed'"
                             ).fetchone()[0] == 0


def test_a_cases_own_due_date_and_sla_win_over_the_category(district, warehouse):
    _, rows = district
    due_case, sla_case = rows[DUE_ROW - 1]["srnumber"], rows[SLA_ROW - 1]["srnumber"]
    got = dict((r[0], r[1:]) for r in warehouse.execute("""
        select case_id, sla_source, sla_resolve_hours, resolve_due_at, is_resolved, is_resolved_on_time
        from marts.fct_incidents where case_id in (?, ?)""", [due_case, sla_case]).fetchall())
    source, hours, due_at, resolved, on_time = got[due_case]
    created = dt.datetime.strptime(rows[DUE_ROW - 1]["createddate"], "%m/%d/%y %H:%M")
    assert (source, hours, due_at) == ("case_due_at", 1.0, created + dt.timedelta(hours=1))
    closed = rows[DUE_ROW - 1]["closeddate"]
    if resolved and closed:
        took = dt.datetime.strptime(closed, "%m/%d/%y %H:%M") - created
        assert on_time == (took <= dt.timedelta(hours=1))
    source, hours, *_ = got[sla_case]
    assert (source, hours) == ("case_sla_hours", 10000.0)


def test_the_incidents_page_names_the_district_categories(district, monkeypatch):
    from tests.dashboards.conftest import open_app, plotted

    for lang, labels in (("en", {"Bulky item pickup", "Metal and appliances"}),
                         ("zh", {"大件预约清运", "Metal and appliances"})):   # no zh label given: the English one
        app = open_app(monkeypatch, district[0], user="admin", lang=lang)
        app.switch_page("views/incidents.py").run()
        app.session_state["inc_period"] = 365
        app.run()
        assert not app.exception, app.exception
        heat = next(json.loads(c.proto.spec)["data"][0] for c in app.get("plotly_chart")
                    if json.loads(c.proto.spec)["data"][0].get("type") == "heatmap")
        assert labels <= set(plotted(heat["y"])), (lang, plotted(heat["y"]))

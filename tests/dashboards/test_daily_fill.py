"""Pages fill the days of their period from the sparse daily marts: flows are 0 on a day without a row, stocks
(backlog, SLA tiers, residents) carry the area's latest earlier row, and the list of stocks is dbt's."""

import datetime as dt
import re

import pandas as pd
import yaml

from dashboards.data import FULL_ACCESS, Snapshot
from dashboards.queries.daily import STOCKS, area_days
from tests.conftest import REPO

D = dt.date


def _snapshot(tmp_path, rows: list[dict]) -> Snapshot:
    grids = pd.DataFrame({"grid_id": ["d1", "g1", "g2"], "level": ["district", "grid", "grid"]})
    area = pd.DataFrame(rows)
    for name, frame in (("marts__dim_grids", grids), ("marts__mart_area_daily", area)):
        frame.to_parquet(tmp_path / f"{name}.parquet")
    tables = ("marts__dim_grids", "marts__mart_area_daily")
    return Snapshot("v1", tmp_path, "2026-03-10", "2026-03-01", tables, tuple((t, "district") for t in tables))


def _row(level, area, day, cases=0, backlog=0):
    return {"area_level": level, "area_id": area, "date_day": day, "cases_reported": cases, "backlog_end": backlog}


def test_missing_days_have_no_flows_and_the_latest_stocks(tmp_path):
    snapshot = _snapshot(tmp_path, [
        _row("grid", "g1", D(2026, 3, 2), cases=3, backlog=3), _row("grid", "g1", D(2026, 3, 6), cases=1, backlog=1),
        _row("grid", "g2", D(2026, 3, 4), cases=2, backlog=2),
        _row("district", "d1", D(2026, 3, 2), cases=3, backlog=3)])
    out = area_days(snapshot, "grid", None, D(2026, 3, 3), D(2026, 3, 7),
                    {"new": "cases_reported", "backlog": "backlog_end"}, access=FULL_ACCESS)
    assert [d.date() for d in pd.to_datetime(out["date_day"])] == [D(2026, 3, d) for d in range(3, 8)]
    assert out["new"].tolist() == [0, 2, 0, 1, 0]
    # g1's 3 from the 2nd (before the period) until the 6th, g2's 2 from the 4th
    assert out["backlog"].tolist() == [3, 5, 5, 3, 3]
    one = area_days(snapshot, "grid", "g2", D(2026, 3, 1), D(2026, 3, 4), {"backlog": "backlog_end"},
                    access=FULL_ACCESS)
    assert one["backlog"].tolist() == [0, 0, 0, 2]


def test_the_period_is_cut_to_the_snapshots_days_and_an_idle_area_shows_zeros(tmp_path):
    snapshot = _snapshot(tmp_path, [_row("grid", "g1", D(2026, 3, 2), cases=3, backlog=3)])
    out = area_days(snapshot, "grid", "g2", D(2020, 1, 1), D(2030, 1, 1), {"new": "cases_reported"},
                    access=FULL_ACCESS)
    assert len(out) == 10 and out["new"].sum() == 0


def test_a_column_name_cannot_carry_sql(tmp_path):
    snapshot = _snapshot(tmp_path, [_row("grid", "g1", D(2026, 3, 2))])
    try:
        area_days(snapshot, "grid", None, D(2026, 3, 1), D(2026, 3, 2), {"x": "1; drop table x"}, access=FULL_ACCESS)
    except ValueError as error:
        assert "not a column" in str(error)
    else:
        raise AssertionError("an expression was accepted as a column")


def test_the_stocks_are_the_ones_dbt_carries_forward():
    project = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    tiers = project["vars"]["sla_alert_tiers"][:-1]
    macro = (REPO / "dbt_project" / "macros" / "daily_stocks.sql").read_text(encoding="utf-8")
    assert re.findall(r"'(\w+_end|residents)'", macro) == ["backlog_end", "overdue_end", "residents"]
    assert STOCKS == ("backlog_end", "overdue_end", *(f"sla_{int(t * 100)}_end" for t in tiers), "residents")

"""The data-quality page and the stale-data banner, against the materialized small world and against
doctored copies of its snapshot (the small world has no unknown sources, stray files or unbalanced partitions).

The page scripts live in `dashboards/views/`, not `pages/`: Streamlit's legacy multipage mode would
run a `pages/` script on its own, without app.py's sign-in, menu and banner (on a real server, a first
deep link). So every AppTest run, like every request, goes through app.py.
"""

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.i18n import LABELS
from dashboards.staleness import source_status
from gridsight.settings import today
from tests.conftest import WORLD_END
from tests.dashboards.conftest import doctored, frame_with, metrics, open_app, plotted, switch_page

LATE = dt.date(2026, 11, 23)
DAILY = ["人口房屋", "事件工单", "物联设备", "商圈客流"]


def run_app(data_dir, monkeypatch, on: dt.date, lang: str = "zh") -> AppTest:
    """First run of the app (the cockpit, under the banner) with `on` as today."""
    return open_app(monkeypatch, data_dir, today=on, lang=lang)


def open_page(app: AppTest) -> AppTest:
    return switch_page(app, "data_quality")


@pytest.fixture
def quality(world, monkeypatch) -> AppTest:
    return open_page(run_app(world.data_dir, monkeypatch, WORLD_END))


# --- against the small world ----------------------------------------------------------------------


@pytest.mark.slow
def test_every_partition_reconciles(quality, marts):
    assert metrics(quality)["未对平的分区"] == "0"
    start = WORLD_END - dt.timedelta(days=29)
    expected = marts.execute("""
        select table_name, landed_on, cast(rows_in as bigint), cast(rows_loaded as bigint),
               cast(rows_quarantined as bigint), is_reconciled
        from marts.mart_data_quality_daily where landed_on >= ?
        order by landed_on desc, table_name""", [start]).fetchall()
    unbalanced = marts.execute("select count(*) from marts.mart_data_quality_daily where not is_reconciled")
    assert unbalanced.fetchone()[0] == 0
    shown = [(r["数据表"], pd.Timestamp(r["落地日"]).date(), r["接收行数"], r["入库行数"], r["隔离行数"],
              r["已对平"] == "✓") for _, r in frame_with(quality, "已对平").iterrows()]
    assert shown == expected   # every partition of the last 30 days, latest first
    assert shown[0][1] == WORLD_END


@pytest.mark.slow
def test_freshness_table_lists_the_five_sources_all_fresh_on_the_last_day(quality, marts):
    sources = marts.execute("select name_zh, last_landed_on, files_landed from marts.mart_source_freshness "
                            "order by source_name").fetchall()
    assert len(sources) == 5
    table = frame_with(quality, "数据源").sort_values("数据源")
    shown = {r["数据源"]: (pd.Timestamp(r["最后落地日"]).date(), r["落地文件数"], r["状态"])
             for _, r in table.iterrows()}
    assert shown == {name: (landed, files, "正常") for name, landed, files in sources}
    assert set(table["交付频率"]) == {"每日", "参考数据"}
    assert not quality.warning


@pytest.mark.slow
def test_no_banner_while_the_data_is_fresh(world, monkeypatch):
    cockpit = run_app(world.data_dir, monkeypatch, WORLD_END + dt.timedelta(days=2))   # stale_after_days = 2
    assert not cockpit.warning


@pytest.mark.slow
def test_banner_on_the_cockpit_names_the_stale_daily_sources(world, monkeypatch):
    cockpit = run_app(world.data_dir, monkeypatch, LATE)
    assert len(cockpit.warning) == 1
    banner = cockpit.warning[0].value
    for name in DAILY:
        assert f"{name}:数据过期,最后落地 {WORLD_END}" in banner
    assert "网格划分" not in banner   # reference data is never stale
    assert cockpit.title[0].value == "网格化治理大数据分析决策平台"   # the page still renders under it

    page = open_page(cockpit)
    status = dict(frame_with(page, "数据源")[["数据源", "状态"]].itertuples(index=False))
    assert status == {**dict.fromkeys(DAILY, "数据过期"), "网格划分": "正常"}
    assert str(LATE) in page.caption[0].value


@pytest.mark.slow
def test_banner_in_english(world, monkeypatch):
    banner = run_app(world.data_dir, monkeypatch, LATE, lang="en").warning[0].value
    assert banner.startswith("These data sources need attention")
    assert f"Incidents: Stale, last landed {WORLD_END}" in banner and "Grids" not in banner


@pytest.mark.slow
def test_quarantine_by_rule_equals_the_warehouse(quality, marts):
    for days, label in ((30, "近30天"), (0, "全部")):
        quality.selectbox(key="quality_period__zh").set_value(days).run()
        period = quality.selectbox(key="quality_period__zh")
        assert period.value == days and period.options[period.index] == label
        start = WORLD_END - dt.timedelta(days=29) if days else dt.date.min
        expected = marts.execute("""
            select table_name, rule, column_name, sum(rows_quarantined)
            from marts.mart_quarantine_by_rule where landed_on between ? and ?
            group by all order by all""", [start, WORLD_END]).fetchall()
        total = sum(rows for *_, rows in expected)
        assert metrics(quality)["隔离行数合计"] == f"{total:,}", label
        if expected:
            shown = frame_with(quality, "规则")
            assert sorted(shown.itertuples(index=False, name=None)) == sorted(
                (table, LABELS.get(f"rule_{rule}", {}).get("zh", rule), column, rows)
                for table, rule, column, rows in expected)
        else:
            assert quality.success[0].value == "所选周期内没有被隔离的数据。"


@pytest.mark.slow
def test_table_selector_narrows_the_contract_chart(quality, marts):
    quality.selectbox(key="quality_table__zh").set_value("incident_cases").run()
    chart = json.loads(quality.get("plotly_chart")[0].proto.spec)
    loaded, quarantined = chart["data"]
    start = WORLD_END - dt.timedelta(days=29)
    expected = marts.execute("""
        select landed_on, cast(rows_loaded as bigint), cast(rows_quarantined as bigint)
        from marts.mart_data_quality_daily where table_name = 'incident_cases' and landed_on >= ?
        order by landed_on""", [start]).fetchall()
    assert [pd.Timestamp(x).date() for x in loaded["x"]] == [day for day, _, _ in expected]
    assert plotted(loaded["y"]) == [rows for _, rows, _ in expected]
    assert plotted(quarantined["y"]) == [rows for *_, rows in expected]
    assert set(frame_with(quality, "已对平")["数据表"]) == {"incident_cases"}


def test_without_a_snapshot_neither_banner_nor_page_break(tmp_path, monkeypatch):
    app = run_app(tmp_path, monkeypatch, LATE)
    assert not app.warning
    page = open_page(app)
    assert page.title[0].value == "数据质量" and "gridsight demo" in page.info[0].value


# --- against a doctored copy of the world's snapshot ----------------------------------------------


@pytest.mark.slow
def test_unknown_sources_stray_files_quarantine_and_unbalanced_partitions(world, tmp_path, monkeypatch, marts):
    freshness = marts.execute("select * from marts.mart_source_freshness").df()
    freshness.loc[freshness["source_name"] == "devices", "unexpected_files"] = 2
    stray = freshness.iloc[[0]].assign(source_name="parking", name_zh="parking", name_en="parking",
                                       delivery="unknown", stale_after_days=pd.NA, last_landed_on=pd.NaT,
                                       last_loaded_on=pd.NaT, last_ingested_at=pd.NaT, files_landed=0,
                                       unexpected_files=3, is_unknown_source=True)
    quarantine = pd.DataFrame({
        "table_name": ["incident_cases", "incident_cases", "population_register", "incident_cases"],
        "landed_on": [WORLD_END, WORLD_END - dt.timedelta(days=1), WORLD_END, WORLD_END - dt.timedelta(days=40)],
        "rule": ["required", "required", "brand_new_rule", "not_allowed"],
        "column_name": ["grid_id", "grid_id", "id_number", "channel"],
        "rows_quarantined": [3, 4, 5, 6]})
    daily = marts.execute("select * from marts.mart_data_quality_daily").df()
    unbalanced = (daily["table_name"] == "incident_cases") & (daily["landed_on"] == pd.Timestamp(WORLD_END))
    daily.loc[unbalanced, "is_reconciled"] = False
    data_dir = doctored(world, tmp_path, mart_source_freshness=pd.concat([freshness, stray], ignore_index=True),
                        mart_quarantine_by_rule=quarantine, mart_data_quality_daily=daily)

    cockpit = run_app(data_dir, monkeypatch, WORLD_END)
    banner = cockpit.warning[0].value
    assert "物联设备:有异常文件,最后落地" in banner and "parking:未登记的数据源,最后落地 从未落地" in banner
    assert "事件工单" not in banner and "网格划分" not in banner

    page = open_page(cockpit)
    assert metrics(page)["未对平的分区"] == "1"
    assert metrics(page)["隔离行数合计"] == "12"   # the 6 rows 40 days back are outside the last 30 days
    rules = frame_with(page, "规则")
    assert list(rules.itertuples(index=False, name=None)) == [
        ("incident_cases", "必填项缺失", "grid_id", 7), ("population_register", "brand_new_rule", "id_number", 5)]
    reconciled = frame_with(page, "已对平")
    assert list(reconciled.loc[reconciled["已对平"] == "✗", "数据表"]) == ["incident_cases"]
    status = dict(frame_with(page, "数据源")[["数据源", "状态"]].itertuples(index=False))
    assert status["parking"] == "未登记的数据源" and status["物联设备"] == "有异常文件"


# --- the staleness rule itself --------------------------------------------------------------------


def test_source_status_rule():
    on = dt.date(2026, 3, 10)
    frame = pd.DataFrame([
        # source_name, delivery, stale_after_days, last_landed_on, unexpected_files, is_unknown_source
        ("fresh", "daily", 2, dt.date(2026, 3, 10), 0, False),
        ("on_the_limit", "daily", 2, dt.date(2026, 3, 8), 0, False),
        ("late", "daily", 2, dt.date(2026, 3, 7), 0, False),
        ("never_landed", "daily", 2, None, 0, False),
        ("old_reference", "reference", None, dt.date(2025, 1, 1), 0, False),
        ("stray_files", "daily", 2, dt.date(2026, 3, 10), 1, False),
        ("late_with_stray_files", "daily", 2, dt.date(2026, 3, 1), 4, False),
        ("undeclared", "unknown", None, None, 2, True),
    ], columns=["source_name", "delivery", "stale_after_days", "last_landed_on", "unexpected_files",
                "is_unknown_source"])
    assert dict(zip(frame["source_name"], source_status(frame, on), strict=True)) == {
        "fresh": "ok", "on_the_limit": "ok", "late": "stale", "never_landed": "stale", "old_reference": "ok",
        "stray_files": "unexpected_files", "late_with_stray_files": "stale", "undeclared": "unknown_source"}


def test_every_status_and_listed_rule_has_a_label():
    from dashboards.staleness import STATUSES

    rules = ["required", "invalid_string", "invalid_integer", "invalid_double", "invalid_boolean",
             "invalid_timestamp", "invalid_date", "not_allowed", "out_of_range", "bad_format"]
    for key in [f"status_{s}" for s in STATUSES] + [f"rule_{r}" for r in rules]:
        assert set(LABELS[key]) == {"zh", "en"}, key


def test_today_is_pinned_by_the_environment_or_is_beijing_today(monkeypatch):
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("GRIDSIGHT_TODAY", "2026-11-23")
    assert today() == dt.date(2026, 11, 23)
    monkeypatch.delenv("GRIDSIGHT_TODAY")
    assert today() == dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()

"""The foot-traffic page against the materialized small world: forecast band, gaps, heat ranking,
crowding alerts and the model-vs-baseline table, in Chinese and English."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import WORLD_END
from tests.dashboards.conftest import frame_with, metrics, open_app, plotted, switch_page


def open_page(data_dir, monkeypatch, lang="zh") -> AppTest:
    return switch_page(open_app(monkeypatch, data_dir, today=WORLD_END, lang=lang), "foot_traffic")


@pytest.fixture
def page(world, monkeypatch) -> AppTest:
    return open_page(world.data_dir, monkeypatch)


def figures(app: AppTest) -> list[dict]:
    """The page's plotly figures in page order (the hourly chart first, then the heat ranking)."""
    return [json.loads(c.proto.spec) for c in app.get("plotly_chart")]


@pytest.mark.slow
def test_hourly_chart_shows_forecast_band_and_gaps(page, marts):
    hourly = figures(page)[0]
    names = [trace.get("name") for trace in hourly["data"]]
    assert {"80%预测区间", "预测", "实际"} <= set(names)
    zone = page.selectbox(key="ft_zone__zh").value
    forecast = marts.execute("select q50 from ml.flow_forecast where zone_id = ? order by ts", [zone]).df()
    shown = plotted(hourly["data"][names.index("预测")]["y"])
    assert shown == pytest.approx(forecast["q50"].tolist())
    actual = plotted(hourly["data"][names.index("实际")]["y"])
    expected = marts.execute("""select count(*) filter (where is_complete) from marts.fct_foot_traffic_hourly
                                where zone_id = ? and hour_start >= (select max(hour_start)
                                from marts.fct_foot_traffic_hourly) - interval 14 day""", [zone]).fetchone()[0]
    assert sum(1 for v in actual if v is not None and not (isinstance(v, float) and np.isnan(v))) == expected


@pytest.mark.slow
def test_heat_ranking_table_equals_the_mart(page, marts):
    holiday = page.selectbox(key="ft_holiday_zh")
    assert holiday.value[0] == "spring_festival"          # newest holiday first
    table = frame_with(page, "节日提升")
    expected = marts.execute("select heat_rank, district_name_zh, uplift from marts.mart_district_heat "
                             "where holiday = 'spring_festival' order by heat_rank").fetchall()
    shown = list(table[["排名", "商圈", "节日提升"]].itertuples(index=False, name=None))
    assert [r[:2] for r in shown] == [r[:2] for r in expected]
    assert [r[2] for r in shown] == pytest.approx([r[2] for r in expected])


@pytest.mark.slow
def test_crowding_alerts_and_backtest_metrics(page, marts):
    alerts = marts.execute("select count(*), count(distinct zone_id) from ml.flow_crowding_alerts").fetchone()
    shown = metrics(page)
    assert shown["预警时段(小时)"] == f"{alerts[0]:,}" and shown["涉及片区"] == str(alerts[1])
    overall = marts.execute("select method, mase from ml.flow_backtest where zone_id = 'ALL'").df().set_index("method")
    assert shown["MASE"] == f"{overall.loc['model', 'mase']:.3f}"
    table = frame_with(page, "评估小时数")
    assert set(table["方法"]) == {"预测模型", "季节朴素(上周同时段)"}
    assert len(table) == len(marts.execute("select * from ml.flow_backtest").df())


@pytest.mark.slow
def test_page_in_english(page):
    page.session_state["lang"] = "en"
    app = page.run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Foot traffic"
    assert "Holiday uplift" in frame_with(app, "Holiday uplift").columns
    assert {"Forecast model", "Seasonal naive (same hour last week)"} <= set(frame_with(app, "Hours scored")["Method"])


def test_page_without_a_snapshot(tmp_path, monkeypatch):
    app = open_page(tmp_path, monkeypatch)
    assert app.info and "gridsight demo" in app.info[0].value
    assert not app.get("plotly_chart")

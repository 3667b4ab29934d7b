"""The flow forecast's pure functions: calendar features, the seasonal-naive baseline, metrics against
hand-computed values, gaps, crowding alerts — and the backtest on the simulator's own foot traffic."""

import datetime as dt

import chinese_calendar
import holidays
import numpy as np
import pandas as pd
import pytest

from models_ml import flow_backtest, flow_forecast
from models_ml.flow_forecast import DAY_TYPES


def test_china_day_features_follow_chinese_calendar_and_fall_back_in_2027(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))   # no holiday file of the district's
    days = pd.date_range("2026-01-01", "2027-01-10", freq="D")
    feats = flow_forecast.china_day_features(days.to_numpy())
    for day, day_type in zip(days.date, feats["day_type"], strict=True):
        if day.year == 2027:   # chinese-calendar does not know 2027: the holidays package's China list
            expected = ("holiday" if day in holidays.China(years=2027) else "weekend" if day.weekday() >= 5
                        else "workday")
        else:
            workday, (on_holiday, name) = chinese_calendar.is_workday(day), chinese_calendar.get_holiday_detail(day)
            expected = ("holiday" if on_holiday and name and not workday else "adjusted_workday" if workday and
                        day.weekday() >= 5 else "workday" if workday else "weekend")
        assert day_type == DAY_TYPES[expected], day
    by_day = dict(zip(days.date, feats.to_dict("records"), strict=True))
    assert by_day[dt.date(2026, 9, 20)]["day_type"] == DAY_TYPES["adjusted_workday"]   # 调休 Sunday
    assert by_day[dt.date(2026, 10, 3)]["holiday_day"] == 3 and by_day[dt.date(2026, 10, 3)]["big_holiday"] == 1
    assert by_day[dt.date(2026, 9, 30)]["holiday_eve"] == 1


def _series(values: dict[str, np.ndarray], start="2026-01-05") -> pd.DataFrame:
    hours = pd.date_range(start, periods=len(next(iter(values.values()))), freq="h")
    return pd.concat([pd.DataFrame({"zone_id": z, "ts": hours, "count": v}) for z, v in values.items()],
                     ignore_index=True)


def test_seasonal_naive_is_last_week_falling_back_to_two_weeks_on_a_gap():
    values = np.arange(24 * 21, dtype=float)
    values[24 * 14 + 5] = np.nan           # a gap last week at hour 5 of the first forecast day
    series = _series({"Z": values})
    origin = pd.Timestamp("2026-01-05") + pd.Timedelta(days=21)
    out = flow_backtest.seasonal_naive(series, origin)
    assert len(out) == 168 and out["ts"].min() == origin
    assert out["q50"].iloc[0] == values[24 * 14]
    assert out["q50"].iloc[5] == values[24 * 7 + 5]        # two weeks back
    assert (out["q10"] <= out["q50"]).all() and (out["q50"] <= out["q90"]).all()


def test_metrics_match_hand_computed_values_and_skip_gaps():
    hours = pd.DataFrame({
        "method": "model", "zone_id": "Z", "origin": pd.Timestamp("2026-01-01"),
        "ts": pd.date_range("2026-01-01", periods=4, freq="h"),
        "count": [10.0, 20.0, 30.0, 40.0], "q50": [12.0, 18.0, 30.0, 50.0],
        "q10": [11.0, 15.0, 25.0, 45.0], "q90": [13.0, 25.0, 35.0, 55.0], "naive_mae": 4.0})
    m = flow_backtest.metrics(hours).set_index("zone_id")
    errors = np.array([2.0, 2.0, 0.0, 10.0])
    assert m.loc["Z", "mase"] == pytest.approx(errors.mean() / 4.0)
    assert m.loc["Z", "wape"] == pytest.approx(errors.sum() / 100.0)
    assert m.loc["Z", "coverage_80"] == pytest.approx(2 / 4)     # 20 in [15, 25], 30 in [25, 35]
    assert m.loc["ALL", "hours_scored"] == 4


def test_naive_scale_ignores_gaps():
    values = np.tile(np.arange(168, dtype=float), 3)
    values[200] = np.nan
    values[168 + 10] += 7.0
    scale = flow_backtest.naive_scale(_series({"Z": values}))["Z"]
    diffs = np.abs(values[168:] - values[:-168])
    assert scale == pytest.approx(np.nanmean(diffs))


def test_crowding_alerts_flag_upper_bounds_above_capacity():
    forecast = pd.DataFrame({"zone_id": ["A", "A", "B"], "ts": pd.date_range("2026-12-01", periods=3, freq="h"),
                             "q10": [50, 80, 10], "q50": [90, 120, 20], "q90": [110, 150, 30]})
    alerts = flow_forecast.crowding_alerts(forecast, pd.Series({"A": 100, "B": 100}))
    assert list(alerts["q90"]) == [110, 150]
    assert list(alerts["likely"]) == [False, True]
    assert alerts["excess_share"].tolist() == pytest.approx([0.1, 0.5])


@pytest.fixture(scope="module")
def simulated_flow():
    """Two zones of the demo world's foot-traffic generator, 14 months; partial hours are gaps."""
    from simulator import foot_traffic
    from simulator.world import build_world

    _grids, zones = build_world(np.random.default_rng(1958), 1, 3, 2, 4)
    flow = foot_traffic.generate(np.random.default_rng([1958, 4]), zones[:2], dt.date(2025, 9, 1),
                                 dt.date(2026, 11, 22))
    hourly = flow.groupby(["zone_id", "ts"]).agg(count=("count_in", "sum"), n=("counter_id", "nunique")).reset_index()
    hourly["count"] = hourly["count"].where(hourly["n"] == foot_traffic.COUNTERS_PER_ZONE)
    return hourly[["zone_id", "ts", "count"]], zones[:2]


def test_forecast_covers_168_hours_per_zone_with_ordered_bands(simulated_flow):
    series, zones = simulated_flow
    train = series[series["ts"] < "2026-11-16"]
    model = flow_forecast.fit(train)
    out = model.predict(train, "2026-11-16")
    assert len(out) == 168 * len(zones) and out[["q10", "q50", "q90"]].notna().all().all()
    assert (out["q10"] <= out["q50"]).all() and (out["q50"] <= out["q90"]).all()
    assert model.train_end == "2026-11-15"
    assert dt.date.fromisoformat(model.train_start) == dt.date(2026, 11, 15) - dt.timedelta(days=370)


def test_backtest_on_the_demo_world_beats_seasonal_naive(simulated_flow):
    series, _zones = simulated_flow
    metrics, hours = flow_backtest.backtest(series, calendar="china", n_origins=2)
    overall = metrics[metrics["zone_id"] == "ALL"].set_index("method")
    print("\ndemo-world backtest (2 zones, 2 origins):\n", metrics.to_string())
    assert hours["count"].notna().all()             # gaps are never scored
    assert (overall["hours_scored"] == overall["hours_scored"].iloc[0]).all()
    # Two origins are a small sample (one rainy week moves MASE by 0.05): the targets (MASE
    # clearly below the baseline, 75–85 % coverage) are measured on the full demo world and reported;
    # here the model must beat the baseline on both error measures and keep a sane band.
    assert overall.loc["model", "mase"] < overall.loc["seasonal_naive", "mase"]
    assert overall.loc["model", "wape"] < overall.loc["seasonal_naive", "wape"]
    assert 0.6 <= overall.loc["model", "coverage_80"] <= 0.95

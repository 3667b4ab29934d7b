"""KPI arithmetic of dashboards/kpis.py for every aggregation of the catalogue, on hand-made days."""

import pandas as pd
import pytest

from dashboards.kpis import _value


def _row(numerator, aggregation, denominator=None):
    return pd.Series({"numerator": numerator, "denominator": denominator, "aggregation": aggregation})


DAYS = pd.DataFrame({"cases_reported": [10, 20, 30], "cases_closed_of_reported": [9, 18, 27],
                     "backlog_end": [5, 7, 4], "preventable_reported": [6, 4, 2]})


def test_sum_ratio_and_last():
    assert _value(DAYS, _row("cases_closed_of_reported", "sum", "cases_reported")) == pytest.approx(0.9)
    assert _value(DAYS, _row("cases_reported", "sum")) == 60
    assert _value(DAYS, _row("backlog_end", "last")) == 4
    assert _value(DAYS.iloc[:0], _row("cases_reported", "sum")) is None
    empty_denominator = DAYS.assign(cases_reported=0)
    assert _value(empty_denominator, _row("cases_closed_of_reported", "sum", "cases_reported")) is None


def test_median_and_p90_interpolate_like_quantile_cont():
    cases = pd.DataFrame({"hours_to_accept": [1.0, 2.0, 3.0, 4.0, None]})
    assert _value(DAYS, _row("hours_to_accept", "median"), cases) == pytest.approx(2.5)
    assert _value(DAYS, _row("hours_to_accept", "p90"), cases) == pytest.approx(3.7)
    assert _value(DAYS, _row("hours_to_accept", "median"), cases.iloc[:0]) is None


def test_year_on_year_against_the_same_weeks_a_year_earlier():
    year_before = pd.DataFrame({"preventable_reported": [10, 5, 5]})
    assert _value(DAYS, _row("preventable_reported", "yoy"), None, year_before) == pytest.approx(12 / 20 - 1)
    assert _value(DAYS, _row("preventable_reported", "yoy"), None, year_before.iloc[:0]) is None

"""The period control (dashboards/components/period.py): presets end on the as-of day (the last report), all
days reach back to the first day, and a date range of one's own covers any part of 14 years of history,
never beyond the data, and survives a language switch."""

import datetime as dt

from streamlit.testing.v1 import AppTest


def control_page():
    from pathlib import Path

    import streamlit as st

    from dashboards.components.period import period_control
    from dashboards.data import Snapshot

    # an export of 14 years whose last report was two years before its last closure
    snapshot = Snapshot("v1", Path("."), as_of="2022-06-30", first_day="2010-07-01", tables=(),
                        last_day="2024-06-30")
    start, end = period_control(st, snapshot, [7, 30, 90, 365], "demo_period")
    st.text(f"{start:%Y-%m-%d}…{end:%Y-%m-%d}")


def shown(app: AppTest) -> str:
    assert not app.exception, app.exception
    return app.text[-1].value


def open_control(lang: str = "en") -> AppTest:
    app = AppTest.from_function(control_page, default_timeout=30)
    app.session_state["lang"] = lang
    app.run()
    return app


def test_presets_end_on_the_last_report_and_all_days_reach_the_first():
    app = open_control()
    assert shown(app) == "2022-06-01…2022-06-30"          # the default: the 30 days up to the last report
    period = app.selectbox(key="demo_period__en")
    assert period.options == ["Last 7 days", "Last 30 days", "Last 90 days", "Last 365 days", "All", "Date range"]
    period.set_value(0).run()
    assert shown(app) == "2010-07-01…2024-06-30"


def test_a_range_of_ones_own_covers_14_years_and_never_beyond_the_data():
    app = open_control()
    app.selectbox(key="demo_period__en").set_value("custom").run()
    assert shown(app) == "2022-06-01…2022-06-30"          # starts from the default period
    picker = app.date_input(key="demo_period_range__en")
    assert (picker.proto.min, picker.proto.max) == ("2010-07-01", "2024-06-30")
    picker.set_value((dt.date(2010, 7, 1), dt.date(2024, 6, 30))).run()
    assert shown(app) == "2010-07-01…2024-06-30"
    app.date_input(key="demo_period_range__en").set_value((dt.date(2013, 2, 1), dt.date(2013, 2, 28))).run()
    assert shown(app) == "2013-02-01…2013-02-28"
    app.date_input(key="demo_period_range__en").set_value((dt.date(2015, 5, 4),)).run()   # one day picked so far
    assert shown(app) == "2015-05-04…2015-05-04"
    app.date_input(key="demo_period_range__en").set_value((dt.date(2016, 3, 1), dt.date(2016, 1, 1))).run()
    assert shown(app) == "2016-01-01…2016-03-01"          # a range given backwards is put in order


def test_the_range_survives_a_language_switch_and_is_clamped_to_the_data():
    app = open_control()
    app.selectbox(key="demo_period__en").set_value("custom").run()
    app.date_input(key="demo_period_range__en").set_value((dt.date(2012, 1, 1), dt.date(2012, 3, 31))).run()
    app.session_state["lang"] = "zh"
    app.run()
    assert shown(app) == "2012-01-01…2012-03-31"
    assert app.selectbox(key="demo_period__zh").value == "custom"
    app.session_state["demo_period_range"] = (dt.date(1999, 1, 1), dt.date(2031, 1, 1))   # from another world
    app.session_state["lang"] = "en"
    app.run()
    assert shown(app) == "2010-07-01…2024-06-30"


def test_a_snapshot_published_before_the_last_day_was_recorded_ends_ranges_on_its_as_of_day(tmp_path, monkeypatch):
    import json

    from dashboards.data import current_snapshot

    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    folder = tmp_path / "serving" / "v0"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"as_of": "2026-03-01", "first_day": "2025-01-01",
                                                      "tables": {}}))
    (tmp_path / "serving" / "CURRENT").write_text("v0")
    snapshot = current_snapshot()
    assert snapshot.bounds() == (dt.date(2025, 1, 1), dt.date(2026, 3, 1))
    assert snapshot.period(7) == (dt.date(2026, 2, 23), dt.date(2026, 3, 1))
    assert snapshot.period(0) == snapshot.bounds()

"""The deployment's calendar by region (models_ml/calendar.py): chinese-calendar for China with the `holidays`
package's list for years it does not know and the district's holiday file; the `holidays` package elsewhere;
the flow forecast's day features follow it; a holiday file with a bad row is refused with one line."""

import datetime as dt

import chinese_calendar
import holidays
import pandas as pd
import pytest

from models_ml import calendar
from models_ml.calendar import CalendarError, calendar_frame, day_flags
from models_ml.flow_forecast import DAY_TYPES, region_day_features


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """A data folder of its own (no holiday file unless a test writes one), China unless a test says."""
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GRIDSIGHT_REGION", raising=False)
    return tmp_path


def holiday_file(data_dir, text: str):
    path = data_dir / "calendar" / "holidays.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("region", "country", "subdivision"), [("US-CA", "US", "CA"), ("GB-SCT", "GB", "SCT"),
                                                               ("AU-VIC", "AU", "VIC")])
def test_a_region_gets_the_holidays_of_its_country_and_subdivision(monkeypatch, region, country, subdivision):
    monkeypatch.setenv("GRIDSIGHT_REGION", region.lower())   # case does not matter
    frame = calendar_frame(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    listed = holidays.country_holidays(country, subdiv=subdivision, years=2026)
    assert set(frame.loc[frame["is_holiday"], "date"]) == set(listed)
    assert not frame["is_adjusted_workday"].any() and set(frame["source"]) == {"holidays"}
    ordinary = frame[~frame["is_holiday"]]
    assert (ordinary["is_workday"] == ordinary["date"].map(lambda d: d.weekday() < 5)).all()
    assert "spring_festival" not in set(frame["holiday"].dropna())


def test_us_and_scottish_days_are_their_own():
    us, scotland = (lambda d: day_flags(d, "US-CA")), (lambda d: day_flags(d, "GB-SCT"))
    assert us(dt.date(2026, 11, 26)) | {"source": None} == {"is_workday": False, "is_holiday": True,
                                                            "is_adjusted_workday": False,
                                                            "holiday": "thanksgiving_day", "source": None}
    assert us(dt.date(2026, 2, 17))["is_workday"]            # Spring Festival is a working day in California
    assert scotland(dt.date(2026, 11, 30))["holiday"] == "saint_andrews_day"   # an apostrophe is no word break
    assert us(dt.date(2026, 1, 1))["holiday"] == "new_years_day"
    assert scotland(dt.date(2026, 8, 31))["is_workday"]      # England's summer bank holiday, not Scotland's
    assert not scotland(dt.date(2026, 8, 3))["is_workday"]


def test_china_follows_chinese_calendar_where_it_knows_the_year():
    frame = calendar_frame(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert set(frame["source"]) == {"chinese_calendar"}
    for row in frame.itertuples():
        assert row.is_workday == chinese_calendar.is_workday(row.date), row.date
    assert day_flags(dt.date(2026, 9, 20))["is_adjusted_workday"]   # a 调休 Sunday


def test_china_2027_comes_from_the_holidays_package_until_the_holiday_file_says_more(data_dir):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2027, 10, 1))          # why the fallback exists
    frame = calendar_frame(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert set(frame["source"]) == {"holidays"}
    assert set(frame.loc[frame["is_holiday"], "date"]) == set(holidays.China(years=2027))
    assert day_flags(dt.date(2027, 10, 1))["holiday"] == "national_day"
    assert day_flags(dt.date(2027, 2, 6))["holiday"] == "spring_festival"
    assert day_flags(dt.date(2027, 9, 26))["is_workday"] is False      # a Sunday: nobody has said otherwise

    holiday_file(data_dir, "date,name,is_workday\n2027-09-26,调休,true\n2027-10-06,国庆节,false\n"
                           "2026-06-01,Children's Day (district),false\n")
    assert day_flags(dt.date(2027, 9, 26)) == {"is_workday": True, "is_holiday": False, "is_adjusted_workday": True,
                                               "holiday": None, "source": "user_file"}
    assert day_flags(dt.date(2027, 10, 6)) | {"source": None} == {
        "is_workday": False, "is_holiday": True, "is_adjusted_workday": False, "holiday": "national_day",
        "source": None}
    # the file also wins over chinese-calendar, for a local holiday
    assert day_flags(dt.date(2026, 6, 1))["holiday"] == "childrens_day_district"


def test_flow_features_follow_the_deployments_region(monkeypatch):
    days = pd.date_range("2026-11-23", "2026-11-29", freq="D").to_numpy()
    china = dict(zip(pd.DatetimeIndex(days).date, region_day_features(days)["day_type"], strict=True))
    monkeypatch.setenv("GRIDSIGHT_REGION", "US-CA")
    us = dict(zip(pd.DatetimeIndex(days).date, region_day_features(days)["day_type"], strict=True))
    thanksgiving = dt.date(2026, 11, 26)
    assert china[thanksgiving] == DAY_TYPES["workday"] and us[thanksgiving] == DAY_TYPES["holiday"]
    assert us[dt.date(2026, 11, 25)] == DAY_TYPES["workday"] and us[dt.date(2026, 11, 28)] == DAY_TYPES["weekend"]
    eve = region_day_features(days)["holiday_eve"].to_numpy()
    assert list(eve) == [0, 0, 1, 0, 0, 0, 0]   # the day before Thanksgiving


@pytest.mark.parametrize(("text", "said"), [
    ("date,name,is_workday\n2027-10-01,National Day,false\n2027-13-01,Bad,false\n", "line 3: date '2027-13-01'"),
    ("date,name,is_workday\n2027-10-01,National Day,maybe\n", "line 2: is_workday 'maybe' is not true or false"),
    ("date,name,is_workday\n2027-10-01,,false\n", "line 2: a name is needed"),
    ("date,name,is_workday\n2027-10-01,A,false\n2027-10-01,B,false\n", "line 3: 2027-10-01 is listed twice"),
    ("date,name,is_workday\n2027-10-01,National Day\n", "line 2: expected 3 values"),
    ("date,name,is_workday\n2027-10-01,National Day,false,extra\n", "line 2: expected 3 values"),
    ("date,name,is_workday\n20271001,National Day,false\n", "line 2: date '20271001'"),
    ("date,name,is_workday\n2027-W40-5,National Day,false\n", "line 2: date '2027-W40-5'"),
    ("day,holiday\n2027-10-01,National Day\n", "the header must be date,name,is_workday (found day,holiday)"),
    ("", "the header must be date,name,is_workday (found none)"),
    ('date,name,is_workday\n2027-10-01,"National\nDay",false\n2027-10-02,x,nope\n', "line 4: is_workday 'nope'"),
])
def test_a_holiday_file_with_a_bad_row_is_refused_in_one_line_naming_the_row(data_dir, text, said):
    path = holiday_file(data_dir, text)
    with pytest.raises(CalendarError) as refused:
        day_flags(dt.date(2027, 10, 1))
    message = str(refused.value)
    assert said in message and str(path) in message and "\n" not in message


def test_a_holiday_file_that_is_not_a_small_text_csv_is_refused(data_dir):
    path = data_dir / "calendar" / "holidays.csv"
    path.mkdir(parents=True)                                   # a folder where the file should be
    with pytest.raises(CalendarError, match="not a file"):
        day_flags(dt.date(2027, 10, 1))
    path.rmdir()
    path.write_bytes(b"date,name,is_workday\n2027-10-01,\xff\xfe,false\n")
    with pytest.raises(CalendarError, match="not UTF-8"):
        day_flags(dt.date(2027, 10, 1))
    path.write_text("date,name,is_workday\n" + "2027-10-01,x,false\n" * 60_000, encoding="utf-8")
    with pytest.raises(CalendarError, match="more than a holiday file can be"):
        day_flags(dt.date(2027, 10, 1))


def test_a_corrected_holiday_file_is_read_again(data_dir):
    holiday_file(data_dir, "date,name,is_workday\n2027-10-08,x,perhaps\n")
    with pytest.raises(CalendarError):
        day_flags(dt.date(2027, 10, 8))
    path = holiday_file(data_dir, "date,name,is_workday\n2027-10-08,National Day,false\n")
    path.touch()
    assert day_flags(dt.date(2027, 10, 8))["source"] == "user_file"


@pytest.mark.parametrize(("region", "said"), [("XX", "unknown country code 'XX'"),
                                              ("US-ZZ", "US has no subdivision 'ZZ'"),
                                              ("../../etc", "unknown country code")])
def test_an_unknown_region_is_refused_in_one_line(monkeypatch, region, said):
    monkeypatch.setenv("GRIDSIGHT_REGION", region)
    with pytest.raises(CalendarError, match=said) as refused:
        day_flags(dt.date(2026, 1, 1))
    assert "GRIDSIGHT_REGION" in str(refused.value) and "\n" not in str(refused.value)


def test_the_deployment_calendar_spans_the_settings_years(monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_REGION", "GB-SCT")
    monkeypatch.setenv("GRIDSIGHT_TODAY", "2026-12-01")
    frame = calendar.deployment_calendar()
    assert frame["date"].min() == dt.date(2000, 1, 1) and frame["date"].max() == dt.date(2028, 12, 31)
    assert frame["date"].is_unique and set(frame["region"]) == {"GB-SCT"}


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "Asia/Shanghai\nX"])
def test_an_unknown_time_zone_is_refused_in_one_line(monkeypatch, zone):
    from gridsight import settings

    monkeypatch.setenv("GRIDSIGHT_TIMEZONE", zone)
    with pytest.raises(ValueError, match="is not a time zone: give an IANA name") as refused:
        settings.timezone()
    assert "\n" not in str(refused.value).replace(repr(zone), "")
    monkeypatch.setenv("GRIDSIGHT_TIMEZONE", "America/Los_Angeles")
    assert settings.timezone() == "America/Los_Angeles"

"""Chinese working calendar: public holidays and adjusted working days (调休).

`chinese-calendar` knows the State Council schedule up to its last published year. Beyond it the
calendar falls back to plain weekends and says so in `source`, so a forecast reaching into the
next year still works; users extend `dbt_project/seeds/cn_calendar.csv` when a new schedule is out.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pandas as pd

HOLIDAY_NAMES = {
    "New Year's Day": "new_year",
    "Spring Festival": "spring_festival",
    "Tomb-sweeping Day": "qingming",
    "Labour Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat",
    "National Day": "national_day",
    "Mid-autumn Festival": "mid_autumn",
    "Anti-Fascist 70th Day": "memorial_day",
}


def day_flags(day: dt.date) -> dict:
    """Flags for one day: is_workday, is_holiday, is_adjusted_workday, holiday (code or None), source."""
    weekend = day.weekday() >= 5
    try:
        is_workday = chinese_calendar.is_workday(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        source = "chinese_calendar"
    except NotImplementedError:
        return {"is_workday": not weekend, "is_holiday": False, "is_adjusted_workday": False,
                "holiday": None, "source": "weekend_rule"}
    # A name is also returned on adjusted working days, so decide by is_workday, not by the name.
    is_holiday = bool(on_holiday) and name is not None and not is_workday
    return {
        "is_workday": bool(is_workday),
        "is_holiday": is_holiday,
        "is_adjusted_workday": bool(is_workday) and weekend,
        "holiday": HOLIDAY_NAMES.get(name, "other") if is_holiday else None,
        "source": source,
    }


def calendar_frame(start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per day from start to end inclusive with the flags of `day_flags`."""
    days = pd.date_range(start, end, freq="D").date
    frame = pd.DataFrame([{"date": d, **day_flags(d)} for d in days])
    return frame


def spring_festival_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First day of each Spring Festival holiday from start to end (one already running on `start`
    counts from `start`)."""
    firsts, previous, day = [], None, start
    while day <= end:
        holiday = day_flags(day)["holiday"]
        if holiday == "spring_festival" and previous != "spring_festival":
            firsts.append(day)
        previous = holiday
        day += dt.timedelta(days=1)
    return firsts

"""The district's working calendar: public holidays and adjusted working days (调休), by region.

The region is the setting GRIDSIGHT_REGION (gridsight/settings.py). Each day is decided by the first of:
1. the district's own holiday file, <data>/calendar/holidays.csv (date,name,is_workday): a day the
   authorities announced after the libraries were released, or a local holiday;
2. CN: `chinese-calendar` (holidays and 调休, the State Council schedule up to its last published year);
3. the `holidays` package (CN: its China list, for years chinese-calendar does not know yet: the published
   schedule's holidays where it has them (2027), else the statutory days; never the 调休 working days, which
   the file adds; other regions: the country or country-subdivision list);
4. the weekend rule.
`source` says which one decided (user_file, chinese_calendar, holidays, weekend_rule), so a forecast
reaching into a year nobody knows yet still works and says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
import holidays as holidays_lib
import pandas as pd

from gridsight import settings

# chinese-calendar's names → the holiday codes the marts and pages use (labels in dashboards/i18n.py).
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
# The `holidays` package's China names → the same codes (its other regions: the name as a code).
CHINA_HOLIDAY_NAMES = {
    "New Year's Day": "new_year",
    "Chinese New Year's Eve": "spring_festival",
    "Chinese New Year (Spring Festival)": "spring_festival",
    "Tomb-Sweeping Day": "qingming",
    "Labor Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat",
    "National Day": "national_day",
    "Mid-Autumn Festival": "mid_autumn",
}
# Chinese names a holiday file may use → the same codes.
CHINA_HOLIDAY_NAMES |= {name: code for code, names in {
    "new_year": ["元旦"], "spring_festival": ["春节", "除夕"], "qingming": ["清明", "清明节"],
    "labour_day": ["劳动节", "五一"], "dragon_boat": ["端午", "端午节"], "mid_autumn": ["中秋", "中秋节"],
    "national_day": ["国庆", "国庆节"]}.items() for name in names} | HOLIDAY_NAMES
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes", "y"}, {"false", "0", "no", "n"}
# A holiday file lists days, not years of them: anything larger is not one.
MAX_HOLIDAY_FILE_BYTES = 1_000_000
HOLIDAY_FILE_COLUMNS = ("date", "name", "is_workday")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class CalendarError(ValueError):
    """A region or holiday file the calendar cannot use; the message is one line naming the cause."""


@dataclass(frozen=True)
class UserDay:
    name: str
    is_workday: bool


def holiday_code(name: str, china: bool = False) -> str:
    """A holiday's name as a code: 'Christmas Day (observed)' → 'christmas_day' (China's: HOLIDAY_NAMES' codes)."""
    name = re.sub(r"\s*\((observed|estimated)\)", "", name, flags=re.IGNORECASE).strip()
    code = re.sub(r"['’]", "", name.lower())   # New Year's Day → new_years_day
    return (china and CHINA_HOLIDAY_NAMES.get(name)) or re.sub(r"[^0-9a-z]+", "_", code).strip("_") or "other"


def read_holiday_file(path: Path) -> dict[dt.date, UserDay]:
    """The district's holiday file: a header date,name,is_workday and one row per day. A row that cannot be
    read is refused with a CalendarError naming the file, the line and the reason; no file, no days."""
    if not path.exists():
        return {}
    if not path.is_file():
        raise CalendarError(f"{path}: not a file (give a CSV with the header date,name,is_workday)")
    if path.stat().st_size > MAX_HOLIDAY_FILE_BYTES:
        raise CalendarError(f"{path}: {path.stat().st_size:,} bytes, more than a holiday file can be "
                            f"({MAX_HOLIDAY_FILE_BYTES:,})")
    try:
        return _read_days(path)
    except UnicodeDecodeError as error:
        raise CalendarError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except csv.Error as error:
        raise CalendarError(f"{path}: not a readable CSV ({error})") from None


def _read_days(path: Path) -> dict[dt.date, UserDay]:
    days: dict[dt.date, UserDay] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [(c or "").strip().lower() for c in reader.fieldnames or []]
        if header != list(HOLIDAY_FILE_COLUMNS):
            raise CalendarError(f"{path}: the header must be date,name,is_workday (found {','.join(header) or 'none'})")
        reader.fieldnames = header
        for row in reader:
            def refuse(why: str, number=reader.line_num) -> CalendarError:
                return CalendarError(f"{path} line {number}: {why}")
            if None in row or None in row.values():
                raise refuse("expected 3 values: date,name,is_workday")
            values = {k: v.strip() for k, v in row.items()}
            try:
                if not ISO_DAY.fullmatch(values["date"]):
                    raise ValueError
                day = dt.date.fromisoformat(values["date"])
            except ValueError:
                raise refuse(f"date {values['date'][:40]!r} is not a YYYY-MM-DD day") from None
            flag = values["is_workday"].lower()
            if flag not in TRUE_WORDS | FALSE_WORDS:
                raise refuse(f"is_workday {values['is_workday'][:40]!r} is not true or false")
            if not values["name"]:
                raise refuse("a name is needed (e.g. Spring Festival, or 'adjusted workday')")
            if day in days:
                raise refuse(f"{day} is listed twice")
            days[day] = UserDay(" ".join(values["name"].split())[:80], flag in TRUE_WORDS)
    return days


def split_region(region: str) -> tuple[str, str | None]:
    """'US-CA' → ('US', 'CA'); refused with a one-line CalendarError unless the `holidays` package knows it."""
    country, _, subdivision = region.upper().partition("-")
    supported = holidays_lib.list_supported_countries()
    if country not in supported:
        raise CalendarError(f"{settings.REGION_ENV}={region!r}: unknown country code {country!r} (e.g. CN, US, GB, AU)")
    if subdivision and subdivision not in supported[country]:
        shown = ", ".join(supported[country][:12]) + (" …" if len(supported[country]) > 12 else "")
        raise CalendarError(f"{settings.REGION_ENV}={region!r}: {country} has no subdivision {subdivision!r} "
                            f"(known: {shown})")
    return country, subdivision or None


class RegionCalendar:
    """The flags of any day for one region and one holiday file."""

    def __init__(self, region: str, user_days: dict[dt.date, UserDay]):
        self.region = region.upper()
        self.country, self.subdivision = split_region(self.region)
        self.user_days = user_days
        self.listed = holidays_lib.country_holidays(self.country, subdiv=self.subdivision)

    def flags(self, day: dt.date) -> dict:
        """is_workday, is_holiday, is_adjusted_workday, holiday (code or None) and source for one day."""
        weekend = day.weekday() >= 5
        if day in self.user_days:
            user = self.user_days[day]
            return {"is_workday": user.is_workday, "is_holiday": not user.is_workday,
                    "is_adjusted_workday": user.is_workday and weekend,
                    "holiday": None if user.is_workday else holiday_code(user.name, self.country == "CN"),
                    "source": "user_file"}
        if self.country == "CN":
            try:
                return _chinese_calendar_flags(day)
            except NotImplementedError:
                pass
        if self.listed.get(day) is not None:
            # The package decides holidays; on every other day the weekend rule (it lists no 调休 days ahead).
            name = self.listed.get(day).split(";")[0]
            return {"is_workday": False, "is_holiday": True, "is_adjusted_workday": False,
                    "holiday": holiday_code(name, self.country == "CN"), "source": "holidays"}
        known = self.listed.start_year <= day.year <= self.listed.end_year
        return {"is_workday": not weekend, "is_holiday": False, "is_adjusted_workday": False, "holiday": None,
                "source": "holidays" if known else "weekend_rule"}


def _chinese_calendar_flags(day: dt.date) -> dict:
    weekend = day.weekday() >= 5
    is_workday = chinese_calendar.is_workday(day)
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    # A name is also returned on adjusted working days, so decide by is_workday, not by the name.
    is_holiday = bool(on_holiday) and name is not None and not is_workday
    return {"is_workday": bool(is_workday), "is_holiday": is_holiday,
            "is_adjusted_workday": bool(is_workday) and weekend,
            "holiday": HOLIDAY_NAMES.get(name, "other") if is_holiday else None, "source": "chinese_calendar"}


@functools.lru_cache(maxsize=16)
def _calendar(region: str, holiday_file: str, stamp: float) -> RegionCalendar:
    return RegionCalendar(region, read_holiday_file(Path(holiday_file)))


def region_calendar(region: str | None = None, holiday_file: Path | None = None) -> RegionCalendar:
    """The deployment's calendar (GRIDSIGHT_REGION and <data>/calendar/holidays.csv unless given); read
    again when the holiday file changes."""
    path = holiday_file if holiday_file is not None else settings.Paths.from_env().holiday_file
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _calendar(region or settings.region(), str(path), stamp)


def day_flags(day: dt.date, region: str | None = None) -> dict:
    """Flags for one day in the deployment's calendar (or `region`'s): see RegionCalendar.flags."""
    return region_calendar(region).flags(day)


def calendar_frame(start: dt.date, end: dt.date, region: str | None = None) -> pd.DataFrame:
    """One row per day from start to end inclusive with the flags of `day_flags`."""
    cal = region_calendar(region)
    days = pd.date_range(start, end, freq="D").date
    return pd.DataFrame([{"date": d, **cal.flags(d)} for d in days])


def deployment_calendar() -> pd.DataFrame:
    """The calendar dim_date reads (raw.calendar): every day of the settings' years, with its region."""
    last_year = settings.today().year + settings.CALENDAR_YEARS_AHEAD
    frame = calendar_frame(dt.date(settings.CALENDAR_FIRST_YEAR, 1, 1), dt.date(last_year, 12, 31))
    return frame.assign(region=settings.region())


def spring_festival_starts(start: dt.date, end: dt.date, region: str | None = None) -> list[dt.date]:
    """First day of each Spring Festival holiday from start to end (one already running on `start`
    counts from `start`)."""
    cal = region_calendar(region)
    firsts, previous, day = [], None, start
    while day <= end:
        holiday = cal.flags(day)["holiday"]
        if holiday == "spring_festival" and previous != "spring_festival":
            firsts.append(day)
        previous = holiday
        day += dt.timedelta(days=1)
    return firsts

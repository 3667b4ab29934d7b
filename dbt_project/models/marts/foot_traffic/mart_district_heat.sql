-- Holiday heat ranking: per commercial district and public holiday (国庆, 元旦, 春节 … of each year),
-- the mean daily visitors over the holiday, its rank among districts, and the uplift against comparable
-- ordinary days (weekends that are neither holidays nor 调休 working days, in the 8 weeks before the
-- holiday). Only zone-days with all 24 hours complete count, so gaps never read as empty streets.
with daily as (
    select * from {{ ref('mart_foot_traffic_daily') }}
),

dates as (
    select * from {{ ref('dim_date') }}
),

district_days as (
    select
        daily.district_code,
        daily.date_day,
        any_value(daily.district_name_zh) as district_name_zh,
        any_value(daily.district_name_en) as district_name_en,
        sum(daily.visitors_in) as visitors_in,
        count(*) as zones_complete
    from daily
    where daily.hours_complete = 24
    group by daily.district_code, daily.date_day
),

zones_per_district as (
    select district_code, count(distinct zone_id) as zones from daily group by district_code
),

full_days as (
    select district_days.*
    from district_days
    join zones_per_district using (district_code)
    where district_days.zones_complete = zones_per_district.zones
),

holidays as (
    select
        holiday,
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as holiday_days
    from dates
    where is_holiday
    group by holiday, date_trunc('year', date_day + interval 40 day)   -- one 春节/元旦 per season
),

holiday_visits as (
    select
        holidays.holiday,
        holidays.first_day,
        holidays.last_day,
        holidays.holiday_days,
        full_days.district_code,
        any_value(full_days.district_name_zh) as district_name_zh,
        any_value(full_days.district_name_en) as district_name_en,
        count(*) as days_observed,
        avg(full_days.visitors_in) as visitors_per_day
    from holidays
    join full_days on full_days.date_day between holidays.first_day and holidays.last_day
    group by all
),

ordinary as (
    select
        holidays.holiday,
        holidays.first_day,
        full_days.district_code,
        avg(full_days.visitors_in) as ordinary_per_day,
        count(*) as ordinary_days
    from holidays
    join full_days
        on full_days.date_day between holidays.first_day - interval 56 day and holidays.first_day - interval 1 day
    join dates on full_days.date_day = dates.date_day
    where dates.iso_weekday >= 6 and not dates.is_holiday and not dates.is_adjusted_workday
    group by all
)

select
    holiday_visits.holiday,
    extract(year from holiday_visits.first_day) as holiday_year,
    holiday_visits.first_day,
    holiday_visits.last_day,
    holiday_visits.holiday_days,
    holiday_visits.district_code,
    holiday_visits.district_name_zh,
    holiday_visits.district_name_en,
    holiday_visits.days_observed,
    holiday_visits.visitors_per_day,
    ordinary.ordinary_per_day,
    ordinary.ordinary_days,
    holiday_visits.visitors_per_day / nullif(ordinary.ordinary_per_day, 0) - 1 as uplift,
    rank() over (
        partition by holiday_visits.holiday, holiday_visits.first_day order by holiday_visits.visitors_per_day desc
    ) as heat_rank
from holiday_visits
left join ordinary using (holiday, first_day, district_code)

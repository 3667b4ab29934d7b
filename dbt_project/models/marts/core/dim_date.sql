-- Calendar days covering the data, with the deployment's public holidays and adjusted working days (调休)
-- from stg_calendar__days (GRIDSIGHT_REGION and the district's holiday file); days outside it fall back to
-- the weekend rule.
with bounds as (
    select first_day, last_day + interval 400 day as last_day from {{ ref('int_data_period') }}
),

days as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date_day
    from bounds
)

select
    d.date_day,
    extract(year from d.date_day) as year,
    extract(month from d.date_day) as month,
    extract(isodow from d.date_day) as iso_weekday,
    cast(date_trunc('week', d.date_day) as date) as week_start,
    coalesce(c.is_workday, extract(isodow from d.date_day) < 6) as is_workday,
    coalesce(c.is_holiday, false) as is_holiday,
    coalesce(c.is_adjusted_workday, false) as is_adjusted_workday,
    c.holiday,
    coalesce(c.calendar_source, 'weekend_rule') != 'weekend_rule' as in_official_calendar,
    coalesce(c.calendar_source, 'weekend_rule') as calendar_source
from days as d
left join {{ ref('stg_calendar__days') }} as c on d.date_day = c.date_day

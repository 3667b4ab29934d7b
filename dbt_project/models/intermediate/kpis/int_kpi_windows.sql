-- The day windows the KPI marts are computed over, all ending on or before the data's as-of day (the last
-- report, int_data_period): for
-- each period the cockpit offers (7/30/90/365 days) the period itself ('current'), the one before it
-- ('previous') and the same days a year earlier ('year_ago'); and the up to 52 whole weeks before the
-- last week ('trailing_week') that trailing targets average over. The one home of "a year earlier":
-- 52 weeks back (the same weekdays) for windows up to 364 days, else 365 days; each window but a
-- year_ago one carries its year-earlier days and whether the data covers them.
with period as (
    select first_day, as_of_day from {{ ref('int_data_period') }}
),

periods_shown as (
    -- the period itself and the one just before it
    select
        p.period_days,
        w.window_kind,
        0 as weeks_back,
        case w.window_kind when 'current' then 0 else p.period_days end as days_back
    from (values (7), (30), (90), (365)) as p (period_days)
    cross join (values ('current'), ('previous')) as w (window_kind)
),

trailing_weeks as (
    select
        7 as period_days,
        'trailing_week' as window_kind,
        cast(w.range as integer) as weeks_back,
        cast(7 * w.range as integer) as days_back
    from range(1, 53) as w
),

window_days_back as (
    select * from periods_shown
    union all
    select * from trailing_weeks
),

spans as (
    select
        b.period_days,
        b.window_kind,
        b.weeks_back,
        period.as_of_day - cast(b.days_back + b.period_days - 1 as integer) as window_start,
        period.as_of_day - cast(b.days_back as integer) as window_end,
        case when b.period_days <= 364 then 364 else 365 end as year_days
    from period
    cross join window_days_back as b
),

with_year_ago as (
    select
        period_days,
        window_kind,
        weeks_back,
        window_start,
        window_end,
        window_start - year_days as year_ago_start,
        window_end - year_days as year_ago_end
    from spans
),

windows as (
    select * from with_year_ago
    union all
    select
        period_days,
        'year_ago' as window_kind,
        0 as weeks_back,
        year_ago_start as window_start,
        year_ago_end as window_end,
        cast(null as date) as year_ago_start,
        cast(null as date) as year_ago_end
    from with_year_ago
    where window_kind = 'current'
)

select
    windows.period_days,
    windows.window_kind,
    windows.weeks_back,
    windows.window_start,
    windows.window_end,
    windows.window_start >= period.first_day as is_covered,
    windows.year_ago_start,
    windows.year_ago_end,
    windows.year_ago_start >= period.first_day as is_year_ago_covered
from windows
cross join period
where windows.window_kind <> 'trailing_week' or windows.window_start >= period.first_day

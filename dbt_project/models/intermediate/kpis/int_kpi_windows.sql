-- The day windows the KPI marts are computed over, all ending on or before the data's last day: for
-- each period the cockpit offers (7/30/90/365 days) the period itself ('current'), the one before it
-- ('previous') and the same days a year earlier ('year_ago': 52 weeks back, the same weekdays, for
-- periods up to 364 days, else 365 days); and the up to 52 whole weeks before the last week
-- ('trailing_week') that trailing targets average over.
with period as (
    select first_day, last_day from {{ ref('int_data_period') }}
),

periods as (
    select p.period_days, case when p.period_days <= 364 then 364 else 365 end as year_days
    from (values (7), (30), (90), (365)) as p (period_days)
),

windows_back as (
    -- how many days before the last day each shown window ends
    select
        p.period_days,
        w.window_kind,
        case w.window_kind when 'current' then 0 when 'previous' then p.period_days else p.year_days end
            as days_back
    from periods as p
    cross join (values ('current'), ('previous'), ('year_ago')) as w (window_kind)
),

shown as (
    select
        b.period_days,
        b.window_kind,
        0 as weeks_back,
        period.last_day - cast(b.days_back + b.period_days - 1 as integer) as window_start,
        period.last_day - cast(b.days_back as integer) as window_end,
        period.first_day
    from period
    cross join windows_back as b
),

trailing_weeks as (
    select
        7 as period_days,
        'trailing_week' as window_kind,
        cast(w.range as integer) as weeks_back,
        period.last_day - cast(7 * w.range + 6 as integer) as window_start,
        period.last_day - cast(7 * w.range as integer) as window_end,
        period.first_day
    from period
    cross join range(1, 53) as w
    where period.last_day - cast(7 * w.range + 6 as integer) >= period.first_day
),

windows as (
    select * from shown
    union all
    select * from trailing_weeks
)

select
    period_days,
    window_kind,
    weeks_back,
    window_start,
    window_end,
    window_start >= first_day as is_covered
from windows

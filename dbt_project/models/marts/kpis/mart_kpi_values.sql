-- Every KPI of the catalogue (dim_kpis) for every area a page may show (district, street, community,
-- L3 grid) and every period the cockpit offers (the last 7/30/90/365 days of data): its value (with
-- numerator and denominator), the value over the period just before and over the same days a year
-- earlier (only when the data covers all of them), and, for the KPIs of the scorecard, its target —
-- the seed's, else the mean of the KPI over the up to 52 weeks before the last week — and score.
-- score = value / target (target / value when lower is better), capped at 2 (also a lower-is-better
-- KPI at zero), so one KPI far ahead of its target cannot hide others behind it in the overall score.
-- A KPI whose input the data lacks (dim_kpis.is_available false: no verification step, no ladder, no
-- ratings …) has no value, target or score and the status not_available, whatever its arithmetic gives.
with period as (
    select as_of_day from {{ ref('int_data_period') }}
),

catalogue as (
    select * from {{ ref('dim_kpis') }}
),

window_values as (
    select * from {{ ref('int_kpi_window_values') }}
),

trailing_targets as (
    -- ordered aggregates: a sum of doubles depends on its order, and reruns must give identical marts
    select area_level, area_id, kpi, avg(value order by weeks_back) as trailing_mean
    from window_values
    where window_kind = 'trailing_week'
    group by all
),

compared as (
    select
        c.area_level,
        c.area_id,
        c.period_days,
        c.kpi,
        k.is_available,
        case when k.is_available then c.value end as value,
        case when k.is_available then c.numerator end as numerator,
        case when k.is_available then c.denominator end as denominator,
        case when k.is_available then p.value end as previous_value,
        case when k.is_available and y.is_covered then y.value end as year_ago_value,
        case when k.is_available then coalesce(k.target, case when k.in_scorecard then t.trailing_mean end)
        end as target,
        case
            when not k.is_available then null
            when k.target is not null then 'seed'
            when k.in_scorecard and t.trailing_mean is not null then 'trailing_52_weeks'
        end as target_source,
        k.in_scorecard,
        k.higher_is_better
    from window_values as c
    join catalogue as k using (kpi)
    left join window_values as p
        on p.window_kind = 'previous' and c.period_days = p.period_days and c.area_level = p.area_level
        and c.area_id = p.area_id and c.kpi = p.kpi
    left join window_values as y
        on y.window_kind = 'year_ago' and c.period_days = y.period_days and c.area_level = y.area_level
        and c.area_id = y.area_id and c.kpi = y.kpi
    left join trailing_targets as t
        on c.area_level = t.area_level and c.area_id = t.area_id and c.kpi = t.kpi
    where c.window_kind = 'current'
),

scored as (
    select
        *,
        case
            when not in_scorecard or value is null or target is null then null
            when higher_is_better then least(value / nullif(target, 0), 2.0)
            when value = 0 then 2.0
            else least(target / value, 2.0)
        end as score
    from compared
)

select
    period.as_of_day as as_of_date,
    scored.area_level,
    scored.area_id,
    scored.period_days,
    scored.kpi,
    scored.value,
    scored.numerator,
    scored.denominator,
    scored.previous_value,
    scored.year_ago_value,
    scored.target,
    scored.target_source,
    scored.score,
    case when scored.is_available then {{ kpi_status('scored.score') }} else 'not_available' end as status,
    scored.is_available
from scored
cross join period

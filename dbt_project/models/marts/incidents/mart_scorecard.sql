-- CityScore-style scorecard: each KPI of the catalogue (dim_kpis, in_scorecard) over the cockpit's
-- periods (last 7/30/90/365 days) for the district and each street, against its target: the seed's
-- target, else the mean of the KPI over the up to 52 weeks before the last week.
-- score = actual / target (target / actual when lower is better); green >= 1, yellow >= 0.9, red below;
-- scores are capped at 2 (also a lower-is-better KPI at zero), so one KPI far ahead of its target
-- cannot hide others behind it in the overall row, which is the mean of the scores.
with period as (
    select first_day, last_day from {{ ref('int_data_period') }}
),

catalogue as (
    select * from {{ ref('dim_kpis') }} where in_scorecard
),

grids as (
    select grid_id, district_id, street_id from {{ ref('dim_grids') }} where level = 'grid'
),

areas as (
    select grid_id, 'district' as area_level, district_id as area_id from grids
    union all
    select grid_id, 'street' as area_level, street_id as area_id from grids
),

windows as (
    -- weeks_back 0: the periods shown; 1..52: the weekly history the trailing targets average over
    select p.period_days, 0 as weeks_back, period.last_day - (p.period_days - 1) as window_start,
           period.last_day as window_end
    from period cross join (values (7), (30), (90), (365)) as p (period_days)
    union all
    select 7 as period_days, cast(w.range as integer) as weeks_back,
           period.last_day - cast(7 * w.range + 6 as integer) as window_start,
           period.last_day - cast(7 * w.range as integer) as window_end
    from period cross join range(1, 53) as w
    where period.last_day - cast(7 * w.range + 6 as integer) >= period.first_day
),

daily as (
    unpivot (
        select grid_id, date_day, columns(* exclude (grid_id, date_day))::double
        from {{ ref('mart_grid_daily') }}
    )
    on columns(* exclude (grid_id, date_day)) into name measure value value
),

area_daily as (
    select a.area_level, a.area_id, d.date_day, d.measure, sum(d.value) as value
    from daily as d
    join areas as a using (grid_id)
    where d.measure in (select numerator from catalogue union select denominator from catalogue)
    group by all
),

window_sums as (
    select w.period_days, w.weeks_back, ad.area_level, ad.area_id, ad.measure,
           sum(ad.value) as total,
           sum(ad.value) filter (where ad.date_day = w.window_end) as last_value
    from windows as w
    join area_daily as ad on ad.date_day between w.window_start and w.window_end
    group by all
),

case_durations as (
    -- Per-case measures for median / p90 KPIs, by report cohort, repeat reports left out.
    unpivot (
        select a.area_level, a.area_id, i.reported_on as date_day, i.hours_to_accept, i.hours_to_resolve
        from {{ ref('fct_incidents') }} as i
        join areas as a using (grid_id)
        where not i.is_duplicate
    )
    on hours_to_accept, hours_to_resolve into name measure value value
),

window_quantiles as (
    select w.period_days, w.weeks_back, c.area_level, c.area_id, c.measure,
           quantile_cont(c.value, 0.5) as median_value,
           quantile_cont(c.value, 0.9) as p90_value
    from windows as w
    join case_durations as c on c.date_day between w.window_start and w.window_end
    group by all
),

kpi_values as (
    select
        w.period_days, w.weeks_back, a.area_level, a.area_id, k.kpi,
        case k.aggregation
            when 'sum' then case when k.denominator is null then n.total else n.total / nullif(d.total, 0) end
            when 'last' then n.last_value
            when 'median' then q.median_value
            when 'p90' then q.p90_value
        end as actual
    from windows as w
    cross join (select distinct area_level, area_id from areas) as a
    cross join catalogue as k
    left join window_sums as n
        on n.period_days = w.period_days and n.weeks_back = w.weeks_back and n.area_level = a.area_level
        and n.area_id = a.area_id and n.measure = k.numerator
    left join window_sums as d
        on d.period_days = w.period_days and d.weeks_back = w.weeks_back and d.area_level = a.area_level
        and d.area_id = a.area_id and d.measure = k.denominator
    left join window_quantiles as q
        on q.period_days = w.period_days and q.weeks_back = w.weeks_back and q.area_level = a.area_level
        and q.area_id = a.area_id and q.measure = k.numerator
),

trailing_targets as (
    -- ordered aggregates: a sum of doubles depends on its order, and reruns must give identical marts
    select area_level, area_id, kpi, avg(actual order by weeks_back) as trailing_mean
    from kpi_values
    where weeks_back > 0
    group by all
),

scored as (
    select
        period.last_day as as_of_date,
        v.area_level,
        v.area_id,
        v.period_days,
        v.kpi,
        k.unit,
        k.higher_is_better,
        v.actual,
        coalesce(k.target, t.trailing_mean) as target,
        case when k.target is not null then 'seed' when t.trailing_mean is not null then 'trailing_52_weeks' end
            as target_source
    from kpi_values as v
    join catalogue as k using (kpi)
    left join trailing_targets as t using (area_level, area_id, kpi)
    cross join period
    where v.weeks_back = 0
),

with_scores as (
    select
        *,
        case
            when actual is null or target is null then null
            when higher_is_better then least(actual / nullif(target, 0), 2.0)
            when actual = 0 then 2.0
            else least(target / actual, 2.0)
        end as score
    from scored
),

overall as (
    select as_of_date, area_level, area_id, period_days, 'overall' as kpi, 'score' as unit,
           true as higher_is_better, cast(null as double) as actual, 1.0 as target, 'definition' as target_source,
           avg(score order by kpi) as score
    from with_scores
    group by all
)

select
    *,
    case when score >= 1 then 'green' when score >= 0.9 then 'yellow' when score is not null then 'red' end
        as status
from (select * from with_scores union all by name select * from overall)

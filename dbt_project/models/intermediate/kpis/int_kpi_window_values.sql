-- Every KPI of the catalogue (dim_kpis) for every area (int_area_grids) over every window of
-- int_kpi_windows: the one home of the KPI arithmetic, read by mart_kpi_values (and so mart_scorecard).
--   sum:          the numerator summed over the window's days / the denominator summed (null when 0)
--   last:         the numerator (/ denominator) on the window's last day
--   median, p90:  of the per-case numerator (fct_incidents, repeat reports left out) over the cases
--                 reported in the window, interpolated like quantile_cont
--   yoy:          the numerator summed / summed over the same days a year earlier (52 weeks back for
--                 windows up to 364 days, else 365) − 1, only when the data covers all of those days
-- Sums run over the days the data holds, so a window reaching before the data's first day counts
-- the part it covers; a window with no day of data has no value.
with period as (
    select first_day from {{ ref('int_data_period') }}
),

catalogue as (
    select * from {{ ref('dim_kpis') }}
),

areas as (
    select * from {{ ref('int_area_grids') }}
),

area_ids as (
    select distinct area_level, area_id from areas
),

measures as (
    -- the day measures some KPI sums: its numerator or its denominator
    select numerator as measure from catalogue
    union
    select denominator from catalogue
),

windows as (
    select distinct
        window_start,
        window_end,
        window_start - case when window_end - window_start + 1 <= 364 then 364 else 365 end as year_ago_start,
        window_end - case when window_end - window_start + 1 <= 364 then 364 else 365 end as year_ago_end
    from {{ ref('int_kpi_windows') }}
),

daily as (
    unpivot (
        select area_level, area_id, date_day, columns(* exclude (area_level, area_id, date_day))::double
        from {{ ref('mart_area_daily') }}
    )
    on columns(* exclude (area_level, area_id, date_day)) into name measure value value
),

window_sums as (
    select
        w.window_start,
        w.window_end,
        d.area_level,
        d.area_id,
        d.measure,
        sum(d.value) as total,
        sum(d.value) filter (where d.date_day = w.window_end) as last_value
    from windows as w
    join daily as d on d.date_day between w.window_start and w.window_end
    where d.measure in (select measure from measures)
    group by all
),

year_ago_sums as (
    select w.window_start, w.window_end, d.area_level, d.area_id, d.measure, sum(d.value) as total
    from windows as w
    cross join period
    join daily as d on d.date_day between w.year_ago_start and w.year_ago_end
    where w.year_ago_start >= period.first_day
        and d.measure in (select numerator from catalogue where aggregation = 'yoy')
    group by all
),

case_durations as (
    -- Per-case measures of the median / p90 KPIs, by report cohort, repeat reports left out.
    unpivot (
        select a.area_level, a.area_id, i.reported_on as date_day, i.hours_to_accept, i.hours_to_resolve
        from {{ ref('fct_incidents') }} as i
        join areas as a using (grid_id)
        where not i.is_duplicate
    )
    on hours_to_accept, hours_to_resolve into name measure value value
),

window_quantiles as (
    select
        w.window_start,
        w.window_end,
        c.area_level,
        c.area_id,
        c.measure,
        quantile_cont(c.value, 0.5) as median_value,
        quantile_cont(c.value, 0.9) as p90_value
    from windows as w
    join case_durations as c on c.date_day between w.window_start and w.window_end
    group by all
),

parts as (
    select
        w.window_start,
        w.window_end,
        a.area_level,
        a.area_id,
        k.kpi,
        k.aggregation,
        k.denominator is not null as has_denominator,
        case k.aggregation
            when 'sum' then n.total when 'yoy' then n.total when 'last' then n.last_value
        end as numerator,
        case k.aggregation
            when 'sum' then d.total when 'yoy' then y.total when 'last' then d.last_value
        end as denominator,
        case k.aggregation when 'median' then q.median_value when 'p90' then q.p90_value end as quantile
    from windows as w
    cross join area_ids as a
    cross join catalogue as k
    left join window_sums as n
        on w.window_start = n.window_start and w.window_end = n.window_end and a.area_level = n.area_level
        and a.area_id = n.area_id and k.numerator = n.measure
    left join window_sums as d
        on w.window_start = d.window_start and w.window_end = d.window_end and a.area_level = d.area_level
        and a.area_id = d.area_id and k.denominator = d.measure
    left join year_ago_sums as y
        on w.window_start = y.window_start and w.window_end = y.window_end and a.area_level = y.area_level
        and a.area_id = y.area_id and k.numerator = y.measure and k.aggregation = 'yoy'
    left join window_quantiles as q
        on w.window_start = q.window_start and w.window_end = q.window_end and a.area_level = q.area_level
        and a.area_id = q.area_id and k.numerator = q.measure
)

select
    window_start,
    window_end,
    area_level,
    area_id,
    kpi,
    case
        when aggregation in ('median', 'p90') then quantile
        when aggregation = 'yoy' then numerator / nullif(denominator, 0) - 1
        when has_denominator then numerator / nullif(denominator, 0)
        else numerator
    end as value,
    numerator,
    denominator
from parts

-- The KPIs of the catalogue (dim_kpis) for every area (int_area_grids) over the windows of
-- int_kpi_windows, as far as mart_kpi_values reads them: every KPI over the periods shown (current,
-- previous, year_ago), only the scorecard's over the trailing weeks (their targets' means), and no
-- yoy KPI over a year_ago window (it has no year-earlier days). The one home of the KPI arithmetic:
--   sum:          the numerator summed over the window's days / the denominator summed (null when 0)
--   last:         the numerator (/ denominator) on the window's last day
--   median, p90:  of the per-case numerator (fct_incidents, repeat reports left out) over the cases
--                 reported in the window, interpolated like quantile_cont
--   yoy:          the numerator summed / summed over the window's year-earlier days (int_kpi_windows)
--                 − 1, only when the data covers all of those days
-- Sums run over the days the data holds, so a window reaching before the data's first day counts
-- the part it covers; a window with no day of data has no value. mart_area_daily is sparse: a day without a
-- row adds nothing to a sum, and a stock (macro daily_stocks) on a window's last day is the area's latest row
-- on or before it (0 when it has none yet).
{%- set stocks = daily_stocks() %}
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

window_kpis as (
    -- the KPIs read of each window
    select w.*, k.kpi, k.numerator, k.denominator, k.aggregation
    from {{ ref('int_kpi_windows') }} as w
    cross join catalogue as k
    where (w.window_kind <> 'trailing_week' or k.in_scorecard)
        and (k.aggregation <> 'yoy' or w.year_ago_start is not null)
),

daily as (
    unpivot (
        select area_level, area_id, date_day, columns(* exclude (area_level, area_id, date_day))::double
        from {{ ref('mart_area_daily') }}
    )
    on columns(* exclude (area_level, area_id, date_day)) into name measure value value
),

summed as (
    -- each day measure summed over a span of days, once per span however many windows share it
    select window_start, window_end, numerator as measure from window_kpis where aggregation in ('sum', 'last', 'yoy')
    union
    select window_start, window_end, denominator from window_kpis where denominator is not null
    union
    select year_ago_start, year_ago_end, numerator from window_kpis where aggregation = 'yoy' and is_year_ago_covered
),

span_sums as (
    select
        s.window_start,
        s.window_end,
        d.area_level,
        d.area_id,
        d.measure,
        sum(d.value) as total,
        sum(d.value) filter (where d.date_day = s.window_end) as last_value
    from summed as s
    join daily as d on s.measure = d.measure and d.date_day between s.window_start and s.window_end
    group by all
),

stock_ends as (
    -- each stock on each window end a "last" KPI reads: the area's latest row on or before it
    select e.window_end, e.measure, a.area_level, a.area_id
    from (
        select window_end, numerator as measure from window_kpis where aggregation = 'last'
        union
        select window_end, denominator from window_kpis where aggregation = 'last' and denominator is not null
    ) as e
    cross join area_ids as a
    where e.measure in ('{{ stocks | join("', '") }}')
),

stock_values as (
    select e.window_end, e.measure, e.area_level, e.area_id, d.value
    from stock_ends as e
    asof left join daily as d
        on e.area_level = d.area_level and e.area_id = d.area_id and e.measure = d.measure
        and e.window_end >= d.date_day
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

span_quantiles as (
    select
        s.window_start,
        s.window_end,
        c.area_level,
        c.area_id,
        c.measure,
        quantile_cont(c.value, 0.5) as median_value,
        quantile_cont(c.value, 0.9) as p90_value
    from (
        select distinct window_start, window_end, numerator as measure
        from window_kpis
        where aggregation in ('median', 'p90')
    ) as s
    join case_durations as c on s.measure = c.measure and c.date_day between s.window_start and s.window_end
    group by all
),

parts as (
    select
        w.period_days,
        w.window_kind,
        w.weeks_back,
        w.window_start,
        w.window_end,
        w.is_covered,
        a.area_level,
        a.area_id,
        w.kpi,
        w.aggregation,
        w.denominator is not null as has_denominator,
        -- a window with a day of data sums to 0 where the sparse mart has no row
        case when w.window_end >= period.first_day then
                case w.aggregation
                    when 'sum' then coalesce(n.total, 0)
                    when 'yoy' then coalesce(n.total, 0)
                    when 'last' then coalesce(case when ns.measure is not null then ns.value else n.last_value end, 0)
                end
        end as numerator,
        case
            when w.aggregation = 'yoy' then case when w.is_year_ago_covered then coalesce(y.total, 0) end
            when w.denominator is null or w.aggregation not in ('sum', 'last') then null
            when w.window_end >= period.first_day then
                coalesce(case when ds.measure is not null then ds.value
                    when w.aggregation = 'last' then d.last_value else d.total
                end, 0)
        end as denominator,
        case w.aggregation when 'median' then q.median_value when 'p90' then q.p90_value end as quantile
    from window_kpis as w
    cross join area_ids as a
    cross join period
    left join stock_values as ns
        on w.aggregation = 'last' and w.window_end = ns.window_end and a.area_level = ns.area_level
        and a.area_id = ns.area_id and w.numerator = ns.measure
    left join stock_values as ds
        on w.aggregation = 'last' and w.window_end = ds.window_end and a.area_level = ds.area_level
        and a.area_id = ds.area_id and w.denominator = ds.measure
    left join span_sums as n
        on w.window_start = n.window_start and w.window_end = n.window_end and a.area_level = n.area_level
        and a.area_id = n.area_id and w.numerator = n.measure
    left join span_sums as d
        on w.window_start = d.window_start and w.window_end = d.window_end and a.area_level = d.area_level
        and a.area_id = d.area_id and w.denominator = d.measure
    left join span_sums as y
        on w.year_ago_start = y.window_start and w.year_ago_end = y.window_end and a.area_level = y.area_level
        and a.area_id = y.area_id and w.numerator = y.measure and w.aggregation = 'yoy'
        and w.is_year_ago_covered
    left join span_quantiles as q
        on w.window_start = q.window_start and w.window_end = q.window_end and a.area_level = q.area_level
        and a.area_id = q.area_id and w.numerator = q.measure
)

select
    period_days,
    window_kind,
    weeks_back,
    window_start,
    window_end,
    is_covered,
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

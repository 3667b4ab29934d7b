-- The rated KPIs (seed rating_weights) per calendar month for every L3 grid and street: the catalogue's
-- own arithmetic of a sum KPI (dim_kpis: numerator summed over the month's days / denominator summed,
-- null when the denominator is 0). Only sum KPIs can be rated by month; a KPI the data lacks
-- (dim_kpis.is_available false) has no value. A month is one in which the area has a row of mart_area_daily.
with rated as (
    select k.kpi, k.numerator, k.denominator, k.is_available
    from {{ ref('rating_weights') }} as w
    join {{ ref('dim_kpis') }} as k using (kpi)
    where k.aggregation = 'sum'
),

daily as (
    unpivot (
        select area_level, area_id, date_day, columns(* exclude (area_level, area_id, date_day))::double
        from {{ ref('mart_area_daily') }}
        where area_level in ('grid', 'street')
    )
    on columns(* exclude (area_level, area_id, date_day)) into name measure value value
),

monthly as (
    select area_level, area_id, cast(date_trunc('month', date_day) as date) as month, measure,
        sum(value order by date_day) as total
    from daily
    group by all
),

months as (
    select distinct area_level, area_id, month from monthly
)

select
    m.area_level,
    m.area_id,
    m.month,
    r.kpi,
    case when r.is_available then n.total end as numerator,
    case when r.is_available then d.total end as denominator,
    case when r.is_available then n.total / nullif(d.total, 0) end as value
from months as m
cross join rated as r
left join monthly as n
    on n.area_level = m.area_level and n.area_id = m.area_id and n.month = m.month and n.measure = r.numerator
left join monthly as d
    on d.area_level = m.area_level and d.area_id = m.area_id and d.month = m.month and d.measure = r.denominator

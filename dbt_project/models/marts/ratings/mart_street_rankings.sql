-- Each street's monthly rank among the district's streets on each KPI of the street ranking (seed
-- rating_weights.street_ranking), as Beijing's 12345 ranks districts monthly: 1 = best (the highest
-- value, or the lowest where the catalogue says lower is better); a street without a value that month
-- is not ranked on it.
with ranked_kpis as (
    select w.kpi, k.higher_is_better
    from {{ ref('rating_weights') }} as w
    join {{ ref('dim_kpis') }} as k using (kpi)
    where w.street_ranking
),

kpi_values as (
    select v.area_level, v.area_id, v.month, v.kpi, v.value, r.higher_is_better
    from {{ ref('int_kpi_monthly_values') }} as v
    join ranked_kpis as r using (kpi)
    where v.area_level = 'street' and v.value is not null
)

select
    area_level,
    area_id,
    month,
    kpi,
    value,
    cast(rank() over (partition by month, kpi
        order by case when higher_is_better then -value else value end) as integer) as street_rank,
    cast(count(*) over (partition by month, kpi) as integer) as streets_ranked
from kpi_values

-- CityScore-style scorecard: each KPI of the catalogue marked in_scorecard (dim_kpis) for every area
-- (district, street, community, L3 grid) over the cockpit's periods against its target, as
-- mart_kpi_values scores it (the one home of values, targets and scores), and an overall row per area
-- and period: the mean of the scores of the KPIs the data can give (dim_kpis.is_available): a KPI whose
-- input the sources lack is listed as not_available and left out of the overall score.
with catalogue as (
    select * from {{ ref('dim_kpis') }} where in_scorecard
),

kpis as (
    select
        v.as_of_date,
        v.area_level,
        v.area_id,
        v.period_days,
        v.kpi,
        k.unit,
        k.higher_is_better,
        v.value as actual,
        v.target,
        v.target_source,
        v.score,
        v.status,
        v.is_available
    from {{ ref('mart_kpi_values') }} as v
    join catalogue as k using (kpi)
),

overall as (
    select
        as_of_date,
        area_level,
        area_id,
        period_days,
        'overall' as kpi,
        'score' as unit,
        true as higher_is_better,
        cast(null as double) as actual,
        1.0 as target,
        'definition' as target_source,
        avg(score order by kpi) filter (where is_available) as score,
        true as is_available
    from kpis
    group by all
)

select * from kpis
union all by name
select *, {{ kpi_status('score') }} as status
from overall

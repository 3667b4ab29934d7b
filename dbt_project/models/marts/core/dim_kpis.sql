-- The KPI catalogue: each KPI's numerator and denominator columns in the marts, unit, direction, target,
-- the input it needs and whether the warehouse's data holds that input (int_kpi_inputs), in the seed's order.
with catalogue as (
    select *, row_number() over () as position from {{ ref('kpi_definitions') }}
)

select
    k.* exclude (position),
    coalesce(i.is_available, true) as is_available
from catalogue as k
left join {{ ref('int_kpi_inputs') }} as i on k.requires = i.input
order by k.position

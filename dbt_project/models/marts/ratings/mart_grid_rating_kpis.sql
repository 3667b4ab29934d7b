-- Per L3 grid, month and rated KPI (seed rating_weights): the KPI's value, its points (0–100, linear
-- between the seed's zero_points_at and full_points_at, clamped) and the points it lost for the grid's
-- rating (weight × (100 − points) over the weights of the KPIs with a value that month). A KPI with
-- no value that month (no cases to rate it on) has no points and is left out of the rating.
with weights as (
    select * from {{ ref('rating_weights') }}
),

kpi_values as (
    select area_id as grid_id, month, kpi, value
    from {{ ref('int_kpi_monthly_values') }}
    where area_level = 'grid'
),

pointed as (
    select
        v.month,
        v.grid_id,
        v.kpi,
        v.value,
        w.weight,
        case when v.value is not null then
            100.0 * greatest(0.0, least(1.0, (v.value - w.zero_points_at) / (w.full_points_at - w.zero_points_at)))
        end as points
    from kpi_values as v
    join weights as w using (kpi)
)

select
    month,
    grid_id,
    kpi,
    value,
    weight,
    points,
    case when points is not null then
        weight * (100.0 - points) / sum(weight) filter (where points is not null) over (partition by month, grid_id)
    end as lost_points
from pointed

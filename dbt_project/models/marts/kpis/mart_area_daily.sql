-- Per area (district, street, community, L3 grid) and day: every measure of mart_grid_daily summed over
-- the area's grids (flows of the day, stocks at day end), for the daily trends the pages draw.
with areas as (
    select * from {{ ref('int_area_grids') }}
),

grid_daily as (
    select a.area_level, a.area_id, m.* exclude (grid_id)
    from {{ ref('mart_grid_daily') }} as m
    join areas as a using (grid_id)
)

select
    area_level,
    area_id,
    date_day,
    cast(sum(columns(* exclude (area_level, area_id, date_day))) as bigint)
from grid_daily
group by area_level, area_id, date_day

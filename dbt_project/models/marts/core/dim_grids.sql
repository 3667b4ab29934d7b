-- Every area (its current version) with its path up the hierarchy: district / street / community / grid (L3) /
-- micro-grid. Earlier versions of a redrawn area stay in stg_grids__grids.
with recursive grids as (
    select * from {{ ref('stg_grids__grids') }} where is_current
),

ancestry as (
    select grid_id as area_id, grid_id, parent_id, level
    from grids
    union all
    select ancestry.area_id, parent.grid_id, parent.parent_id, parent.level
    from ancestry
    join grids as parent on ancestry.parent_id = parent.grid_id
),

paths as (
    select
        area_id,
        max(case when level = 'district' then grid_id end) as district_id,
        max(case when level = 'street' then grid_id end) as street_id,
        max(case when level = 'community' then grid_id end) as community_id,
        max(case when level = 'grid' then grid_id end) as l3_grid_id,
        max(case when level = 'micro_grid' then grid_id end) as micro_grid_id
    from ancestry
    group by area_id
)

select
    g.grid_id,
    g.parent_id,
    g.level,
    g.grid_type,
    g.name_zh,
    g.name_en,
    g.households,
    g.shops,
    g.centroid_lat,
    g.centroid_lon,
    g.geometry_geojson,
    p.district_id,
    p.street_id,
    p.community_id,
    p.l3_grid_id,
    p.micro_grid_id,
    s.name_zh as street_name_zh,
    s.name_en as street_name_en,
    c.name_zh as community_name_zh,
    c.name_en as community_name_en
from grids as g
join paths as p on g.grid_id = p.area_id
left join grids as s on p.street_id = s.grid_id
left join grids as c on p.community_id = c.grid_id

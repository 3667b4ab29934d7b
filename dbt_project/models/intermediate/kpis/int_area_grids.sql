-- Every area a page may show (the district, each street, community and L3 grid) with the L3 grids it
-- holds: the one mapping the area marts sum grids over.
with grids as (
    select grid_id, district_id, street_id, community_id from {{ ref('dim_grids') }} where level = 'grid'
)

select 'district' as area_level, district_id as area_id, grid_id from grids
union all
select 'street' as area_level, street_id as area_id, grid_id from grids
union all
select 'community' as area_level, community_id as area_id, grid_id from grids where community_id is not null
union all
select 'grid' as area_level, grid_id as area_id, grid_id from grids

-- Every version of every area of the grid hierarchy (a redrawn area keeps its closed versions): the latest
-- delivery of each version (grid_id, valid_from) wins, so a later file that closes a version sets its valid_to.
with source as (
    select * from {{ source('grids', 'grids') }}
    {{ latest_delivery('grid_id, valid_from') }}
),

renamed as (
    select
        grid_id,
        parent_id,
        level,
        grid_type,
        name_zh,
        name_en,
        households,
        shops,
        centroid_lat,
        centroid_lon,
        geometry as geometry_geojson,
        valid_from,
        valid_to,
        row_number() over (partition by grid_id order by valid_from desc) = 1 as is_current
    from source
)

select * from renamed

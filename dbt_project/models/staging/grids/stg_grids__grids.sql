-- The latest delivered version of every area of the grid hierarchy.
with source as (
    select * from {{ source('grids', 'grids') }}
    {{ latest_delivery('grid_id') }}
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
        valid_to
    from source
)

select * from renamed

with source as (
    select * from {{ source('foot_traffic', 'foot_traffic_zones') }}
    {{ latest_delivery('zone_id') }}
),

renamed as (
    select
        zone_id,
        district_code,
        district_name_zh,
        district_name_en,
        name_zh,
        name_en,
        grid_id,
        safe_capacity
    from source
)

select * from renamed

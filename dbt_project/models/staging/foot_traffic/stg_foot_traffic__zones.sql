with source as (
    select * from {{ source('foot_traffic', 'foot_traffic_zones') }}
    qualify row_number() over (partition by zone_id order by dt desc, _row desc) = 1
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

with source as (
    select * from {{ source('devices', 'device_registry') }}
    qualify row_number() over (partition by device_id order by dt desc, _row desc) = 1
),

renamed as (
    select
        device_id,
        device_type,
        grid_id,
        lat,
        lon,
        installed_at as installed_on,
        vendor
    from source
)

select * from renamed

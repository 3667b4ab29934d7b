with source as (
    select * from {{ source('devices', 'device_registry') }}
    {{ latest_delivery('device_id') }}
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

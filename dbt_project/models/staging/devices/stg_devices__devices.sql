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
        vendor,
        heartbeat_minutes,
        offline_after_minutes,
        household_id,
        quiet_hours
    from source
)

select * from renamed

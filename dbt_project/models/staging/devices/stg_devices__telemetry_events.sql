with source as (
    select * from {{ source('devices', 'device_telemetry') }}
    {{ latest_delivery('device_id, ts, event_type, code, value') }}
),

renamed as (
    select
        device_id,
        ts as event_at,
        cast(ts as date) as event_date,
        dt as delivered_on,
        event_type,
        value,
        code
    from source
)

select * from renamed

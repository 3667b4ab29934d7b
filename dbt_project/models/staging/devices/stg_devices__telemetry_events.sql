with source as (
    -- Every column is in the key, so a repeat is the same message: it is kept once, as first delivered (the
    -- day it arrived; a file delivered again on a later day moves no message and so no device period).
    select * from {{ source('devices', 'device_telemetry') }}
    qualify row_number() over (partition by device_id, ts, event_type, code, value order by dt, _row) = 1
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

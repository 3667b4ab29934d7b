with source as (
    select * from {{ source('devices', 'device_alarm_actions') }}
    {{ latest_delivery('device_id, code, "at", action, actor') }}
)

select device_id, code, "at" as action_at, action, actor from source

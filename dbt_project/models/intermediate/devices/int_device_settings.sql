-- Each device with its timing and severity: the device's own values win over its type's (seed device_types).
select
    dev.device_id,
    dev.device_type,
    dev.grid_id,
    dev.lat,
    dev.lon,
    dev.installed_on,
    dev.household_id,
    coalesce(dev.heartbeat_minutes, types.heartbeat_minutes, 60) as heartbeat_minutes,
    coalesce(dev.offline_after_minutes, types.offline_after_minutes,
             3 * coalesce(dev.heartbeat_minutes, types.heartbeat_minutes, 60)) as offline_after_minutes,
    coalesce(dev.quiet_hours, {{ var('welfare_quiet_hours') }}) as quiet_hours,
    coalesce(types.severity, 'minor') as severity,
    types.alarm_threshold,
    coalesce(types.in_home, false) as in_home
from {{ ref('stg_devices__devices') }} as dev
left join {{ ref('device_types') }} as types using (device_type)

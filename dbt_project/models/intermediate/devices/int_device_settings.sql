-- Each device with its timing and severity: the device's own values win over its type's (seed device_types; an
-- unknown type is quarantined at ingest). A device that declares only its heartbeat times out after three of them.
select
    dev.device_id,
    dev.device_type,
    dev.grid_id,
    dev.lat,
    dev.lon,
    dev.installed_on,
    dev.household_id,
    coalesce(dev.offline_after_minutes, 3 * dev.heartbeat_minutes, types.offline_after_minutes)
        as offline_after_minutes,
    coalesce(dev.quiet_hours, {{ var('welfare_quiet_hours') }}) as quiet_hours,
    types.severity,
    types.alarm_threshold,
    coalesce(types.in_home, false) as in_home
from {{ ref('stg_devices__devices') }} as dev
left join {{ ref('device_types') }} as types using (device_type)

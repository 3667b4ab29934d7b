-- One row per installed device and day of the reporting period.
with period as (
    select * from {{ ref('int_data_period') }}
),

device_days as (
    select dev.device_id, dev.device_type, dev.grid_id, d.date_day
    from {{ ref('stg_devices__devices') }} as dev
    cross join period
    join {{ ref('dim_date') }} as d
        on d.date_day between greatest(dev.installed_on, period.first_day) and period.last_day
),

telemetry as (
    select
        device_id,
        event_date as date_day,
        count(*) filter (where event_type = 'heartbeat') as heartbeats,
        count(*) filter (where event_type = 'alarm') as alarms,
        count(*) filter (where event_type = 'alarm' and code = 'A_FALSE') as false_alarms,
        count(*) filter (where event_type = 'fault') as faults
    from {{ ref('stg_devices__telemetry_events') }}
    group by all
)

select
    device_days.*,
    coalesce(telemetry.heartbeats, 0) as heartbeats,
    coalesce(telemetry.heartbeats, 0) > 0 as is_online,
    coalesce(telemetry.alarms, 0) as alarms,
    coalesce(telemetry.false_alarms, 0) as false_alarms,
    coalesce(telemetry.faults, 0) as faults
from device_days
left join telemetry using (device_id, date_day)

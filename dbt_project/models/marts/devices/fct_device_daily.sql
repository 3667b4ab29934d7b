-- One row per installed device and day of the device period (the days telemetry covers): the share of the day it
-- was online (fct_device_state_intervals), its messages, its counted (unsuppressed) alarms and its faults.
with period as (
    select * from {{ ref('int_device_period') }}
),

device_days as (
    select dev.device_id, dev.device_type, dev.grid_id, d.date_day
    from {{ ref('int_device_settings') }} as dev
    cross join period
    join {{ ref('dim_date') }} as d
        on d.date_day between greatest(dev.installed_on, period.first_day) and period.last_day
),

online as (
    select
        device_days.device_id,
        device_days.date_day,
        sum(greatest(0, datediff('second',
            greatest(intervals.started_at, cast(device_days.date_day as timestamp)),
            least(coalesce(intervals.ended_at, period.ends_at), cast(device_days.date_day + interval 1 day as timestamp))
        ))) / 86400.0 as online_share
    from device_days
    cross join period
    join {{ ref('fct_device_state_intervals') }} as intervals
        on intervals.device_id = device_days.device_id
        and intervals.state = 'online'
        and intervals.started_at < cast(device_days.date_day + interval 1 day as timestamp)
        and coalesce(intervals.ended_at, period.ends_at) > cast(device_days.date_day as timestamp)
    group by all
),

telemetry as (
    select
        device_id,
        event_date as date_day,
        count(*) as messages,
        count(*) filter (where event_type = 'fault') as faults
    from {{ ref('stg_devices__telemetry_events') }}
    group by all
),

alarms as (
    select
        device_id,
        cast(raised_at as date) as date_day,
        count(*) as alarms,
        count(*) filter (where disposition = 'false_alarm') as false_alarms
    from {{ ref('int_device_alarms') }}
    where not is_suppressed
    group by all
)

select
    device_days.*,
    round(coalesce(online.online_share, 0), 6) as online_share,
    coalesce(online.online_share, 0) >= 0.5 as is_online,
    coalesce(telemetry.messages, 0) as messages,
    coalesce(alarms.alarms, 0) as alarms,
    coalesce(alarms.false_alarms, 0) as false_alarms,
    coalesce(telemetry.faults, 0) as faults
from device_days
left join online using (device_id, date_day)
left join telemetry using (device_id, date_day)
left join alarms using (device_id, date_day)

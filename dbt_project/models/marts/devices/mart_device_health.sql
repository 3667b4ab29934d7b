-- Fleet health per device type, grid and day: devices installed and their online time, alarms by how the duty room
-- judged them (suppressed flapping alarms apart), faults, and the median minutes to acknowledge.
with daily as (
    select
        device_type,
        grid_id,
        date_day,
        count(*) as devices_active,
        count(*) filter (where is_online) as devices_online,
        cast(sum(cast(online_share as decimal(18, 6))) as double) as device_days_online,   -- exact: any order
        cast(sum(faults) as bigint) as faults
    from {{ ref('fct_device_daily') }}
    group by all
),

alarms as (
    select
        device_type,
        grid_id,
        cast(raised_at as date) as date_day,
        count(*) filter (where not is_suppressed) as alarms,
        count(*) filter (where not is_suppressed and disposition = 'false_alarm') as false_alarms,
        count(*) filter (where not is_suppressed and disposition = 'confirmed') as confirmed_alarms,
        count(*) filter (where is_suppressed) as suppressed_alarms,
        quantile_cont(minutes_to_acknowledge, 0.5) filter (where not is_suppressed) as minutes_to_acknowledge_p50
    from {{ ref('fct_alarms') }}
    group by all
)

select
    daily.device_type,
    daily.grid_id,
    daily.date_day,
    daily.devices_active,
    daily.devices_online,
    daily.device_days_online,
    coalesce(alarms.alarms, 0) as alarms,
    coalesce(alarms.false_alarms, 0) as false_alarms,
    coalesce(alarms.confirmed_alarms, 0) as confirmed_alarms,
    coalesce(alarms.suppressed_alarms, 0) as suppressed_alarms,
    daily.faults,
    alarms.minutes_to_acknowledge_p50
from daily
left join alarms using (device_type, grid_id, date_day)

-- Online and offline intervals of every device over the device period. Any message is a sign of life; a device
-- is offline from its last message + offline_after_minutes until its next message. At the period's start a device
-- counts as just heard from (online for one timeout); ended_at is null while the state still holds at its end.
with period as (
    select * from {{ ref('int_device_period') }}
),

devices as (
    select settings.*, greatest(cast(settings.installed_on as timestamp), period.starts_at) as counted_from,
        period.ends_at
    from {{ ref('int_device_settings') }} as settings
    cross join period
    where settings.installed_on <= period.last_day
),

signs_of_life as (
    select device_id, event_at from {{ ref('stg_devices__telemetry_events') }}
    union all
    select device_id, counted_from from devices
),

ordered as (
    select
        devices.device_id, devices.offline_after_minutes, devices.counted_from, devices.ends_at, life.event_at,
        life.event_at - lag(life.event_at) over (partition by devices.device_id order by life.event_at)
            > to_minutes(cast(devices.offline_after_minutes as bigint)) as after_a_gap
    from signs_of_life as life
    join devices using (device_id)
    where life.event_at >= devices.counted_from and life.event_at < devices.ends_at
),

islands as (
    select *, sum(case when after_a_gap then 1 else 0 end) over (partition by device_id order by event_at
                                                                  rows unbounded preceding) as island
    from ordered
),

online as (
    select
        device_id,
        island,
        min(event_at) as started_at,
        max(event_at) + to_minutes(cast(any_value(offline_after_minutes) as bigint)) as silent_at,
        any_value(ends_at) as period_ends_at
    from islands
    group by device_id, island
),

online_then as (
    select *, lead(started_at) over (partition by device_id order by island) as next_heard_at
    from online
),

intervals as (
    select device_id, 'online' as state, started_at,
        case when silent_at < period_ends_at then silent_at end as ended_at, period_ends_at
    from online_then
    union all
    select device_id, 'offline' as state, silent_at as started_at, next_heard_at as ended_at, period_ends_at
    from online_then
    where silent_at < period_ends_at
)

select
    intervals.device_id,
    devices.device_type,
    devices.grid_id,
    intervals.state,
    intervals.started_at,
    intervals.ended_at,
    datediff('second', intervals.started_at, coalesce(intervals.ended_at, intervals.period_ends_at)) / 60.0
        as minutes
from intervals
join devices using (device_id)

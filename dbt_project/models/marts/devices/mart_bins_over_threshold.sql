-- Smart bins whose latest fill level is at or over their type's alarm threshold (seed device_types), with the
-- collections of their last 30 days (a fall of bin_collection_drop_points or more between two readings).
with readings as (
    select device_id, event_at, value as fill_level,
        lag(value) over (partition by device_id order by event_at) as previous_level
    from {{ ref('stg_devices__telemetry_events') }}
    where event_type = 'reading' and value is not null
),

bins as (
    select * from {{ ref('int_device_settings') }} where device_type = 'trash_bin'
),

latest as (
    select device_id, fill_level, event_at as read_at
    from readings
    where device_id in (select device_id from bins)
    qualify row_number() over (partition by device_id order by event_at desc) = 1
),

collections as (
    select readings.device_id, count(*) as collections_30d
    from readings
    join latest using (device_id)
    where readings.previous_level - readings.fill_level >= {{ var('bin_collection_drop_points') }}
        and readings.event_at > latest.read_at - interval 30 day
    group by readings.device_id
)

select
    bins.device_id,
    bins.grid_id,
    bins.lat,
    bins.lon,
    latest.fill_level,
    latest.read_at,
    bins.alarm_threshold as threshold,
    coalesce(collections.collections_30d, 0) as collections_30d
from bins
join latest using (device_id)
left join collections using (device_id)
where latest.fill_level >= bins.alarm_threshold

-- Devices offline at the end of the device period, or in a fault not yet restored: the duty room's repair list.
with period as (
    select * from {{ ref('int_device_period') }}
),

silent as (
    select device_id, started_at as offline_since
    from {{ ref('fct_device_state_intervals') }}
    where state = 'offline' and ended_at is null
),

faults as (
    select device_id, code as fault_code, event_at as fault_since
    from {{ ref('stg_devices__telemetry_events') }}
    where event_type in ('fault', 'restore')
    qualify row_number() over (partition by device_id order by event_at desc,
                                   case when event_type = 'restore' then 0 else 1 end) = 1
        and event_type = 'fault'
)

select
    settings.device_id,
    settings.device_type,
    settings.grid_id,
    case when not settings.in_home then settings.lat end as lat,   -- an in-home device's place is the home
    case when not settings.in_home then settings.lon end as lon,
    coalesce(silent.offline_since, faults.fault_since) as offline_since,
    datediff('second', coalesce(silent.offline_since, faults.fault_since), period.ends_at) / 3600.0 as hours_offline,
    faults.fault_code
from {{ ref('int_device_settings') }} as settings
cross join period
left join silent using (device_id)
left join faults using (device_id)
where silent.device_id is not null or faults.device_id is not null

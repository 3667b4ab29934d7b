-- The device period: the days telemetry covers (first … last telemetry day); it ends at midnight after the last.
select
    min(event_date) as first_day,
    max(event_date) as last_day,
    cast(min(event_date) as timestamp) as starts_at,
    cast(max(event_date) + interval 1 day as timestamp) as ends_at
from {{ ref('stg_devices__telemetry_events') }}
having count(*) > 0

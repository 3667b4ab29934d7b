-- The device period: the days telemetry covers (first … last telemetry day); it ends at midnight after the last.
-- A device clock a few minutes off dates a message a day before or after the days delivered: the period stays
-- within the delivery days, so such a message adds no day of a whole fleet "offline".
with bounds as (
    select
        greatest(min(event_date), min(delivered_on)) as first_day,
        least(max(event_date), max(delivered_on)) as last_day
    from {{ ref('stg_devices__telemetry_events') }}
    having count(*) > 0
)

select
    first_day,
    last_day,
    cast(first_day as timestamp) as starts_at,
    cast(last_day + interval 1 day as timestamp) as ends_at
from bounds

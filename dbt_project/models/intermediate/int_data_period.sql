-- The reporting period: from the first to the last day that has incident, device or foot-traffic data
-- (incident events included: an imported case can be closed after the last report).
select
    least(
        (select min(cast(reported_at as date)) from {{ ref('stg_incidents__cases') }}),
        (select min(event_date) from {{ ref('stg_devices__telemetry_events') }}),
        (select min(cast(hour_start as date)) from {{ ref('stg_foot_traffic__counts') }})
    ) as first_day,
    greatest(
        (select max(cast(reported_at as date)) from {{ ref('stg_incidents__cases') }}),
        (select max(cast(event_at as date)) from {{ ref('stg_incidents__events') }}),
        (select max(event_date) from {{ ref('stg_devices__telemetry_events') }}),
        (select max(cast(hour_start as date)) from {{ ref('stg_foot_traffic__counts') }})
    ) as last_day

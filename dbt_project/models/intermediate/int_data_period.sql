-- The reporting period: from the first to the last day that has incident, device or foot-traffic data
-- (incident events included: an imported case can be closed after the last report), and the day the figures
-- are as of: the last day a case was reported (an export's closures can run months past its last report),
-- else, without incidents, the last day with data. The cockpit's periods run back from it.
with bounds as (
    select
        least(
            (select min(cast(reported_at as date)) from {{ ref('stg_incidents__cases') }}),
            (select first_day from {{ ref('int_device_period') }}),
            (select min(cast(hour_start as date)) from {{ ref('stg_foot_traffic__counts') }})
        ) as first_day,
        greatest(
            (select max(cast(reported_at as date)) from {{ ref('stg_incidents__cases') }}),
            (select max(cast(event_at as date)) from {{ ref('stg_incidents__events') }}),
            (select last_day from {{ ref('int_device_period') }}),
            (select max(cast(hour_start as date)) from {{ ref('stg_foot_traffic__counts') }})
        ) as last_day,
        (select max(cast(reported_at as date)) from {{ ref('stg_incidents__cases') }}) as last_report_day
)

select
    first_day,
    last_day,
    coalesce(least(last_report_day, last_day), last_day) as as_of_day
from bounds

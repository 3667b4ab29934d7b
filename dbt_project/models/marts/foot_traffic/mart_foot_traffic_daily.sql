-- Per zone and day: visitors, the busiest hour against the zone's safe capacity, and completeness.
with hourly as (
    select * from {{ ref('fct_foot_traffic_hourly') }}
),

zones as (
    select * from {{ ref('stg_foot_traffic__zones') }}
)

select
    hourly.zone_id,
    hourly.date_day,
    any_value(zones.district_code) as district_code,
    any_value(zones.district_name_zh) as district_name_zh,
    any_value(zones.district_name_en) as district_name_en,
    any_value(zones.name_zh) as zone_name_zh,
    any_value(zones.name_en) as zone_name_en,
    sum(hourly.count_in) as visitors_in,
    sum(hourly.count_out) as visitors_out,
    max(hourly.count_in) as peak_hour_in,
    any_value(zones.safe_capacity) as safe_capacity,
    count(*) as hours_reported,
    count(*) filter (where hourly.counters_reporting = hourly.counters_installed) as hours_complete,
    max(hourly.count_in) / any_value(zones.safe_capacity) as peak_load,
    count(*) filter (where hourly.is_over_capacity) as hours_over_capacity
from hourly
join zones using (zone_id)
group by hourly.zone_id, hourly.date_day

-- Per zone and hour: people in/out summed over the counters that reported. Hours in which no counter
-- reported have no row; counters_reporting < counters_installed marks a partial hour (is_complete false).
-- A counter reset (a rebooting counter reports 0 in and 0 out while the zone's other counters see at
-- least 30 people) counts as not reported: a gap, not a zero.
with counts as (
    select * from {{ ref('stg_foot_traffic__counts') }}
),

zones as (
    select * from {{ ref('stg_foot_traffic__zones') }}
),

installed as (
    select zone_id, count(distinct counter_id) as counters_installed from counts group by all
),

checked as (
    select
        *,
        count_in = 0 and count_out = 0
        and sum(count_in) over (partition by zone_id, hour_start) >= 30 as is_reset
    from counts
)

select
    checked.zone_id,
    checked.hour_start,
    cast(checked.hour_start as date) as date_day,
    extract(hour from checked.hour_start) as hour_of_day,
    sum(checked.count_in) as count_in,
    sum(checked.count_out) as count_out,
    count(distinct checked.counter_id) as counters_reporting,
    any_value(installed.counters_installed) as counters_installed,
    count(distinct checked.counter_id) = any_value(installed.counters_installed) as is_complete,
    any_value(zones.safe_capacity) as safe_capacity,
    sum(checked.count_in) > any_value(zones.safe_capacity) as is_over_capacity
from checked
join installed using (zone_id)
left join zones using (zone_id)
where not checked.is_reset
group by checked.zone_id, checked.hour_start

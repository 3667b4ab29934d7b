-- Per zone and hour: people in/out summed over the counters that reported. Hours in which no counter
-- reported have no row; counters_reporting < counters_installed marks a partial hour.
with counts as (
    select * from {{ ref('stg_foot_traffic__counts') }}
),

installed as (
    select zone_id, count(distinct counter_id) as counters_installed from counts group by all
)

select
    counts.zone_id,
    counts.hour_start,
    cast(counts.hour_start as date) as date_day,
    extract(hour from counts.hour_start) as hour_of_day,
    sum(counts.count_in) as count_in,
    sum(counts.count_out) as count_out,
    count(distinct counts.counter_id) as counters_reporting,
    any_value(installed.counters_installed) as counters_installed
from counts
join installed using (zone_id)
group by counts.zone_id, counts.hour_start

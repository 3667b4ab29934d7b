-- Fleet health per device type and day: online rate, alarms and the share of false alarms.
select
    device_type,
    date_day,
    count(*) as devices_active,
    count(*) filter (where is_online) as devices_online,
    sum(alarms) as alarms,
    sum(false_alarms) as false_alarms,
    sum(faults) as faults
from {{ ref('fct_device_daily') }}
group by all

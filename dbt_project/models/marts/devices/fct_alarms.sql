-- Every alarm of the fleet with its duty-room handling and the case it became (docs/devices.md).
select
    alarms.*,
    links.case_id,
    incidents.resolved_at as case_resolved_at,
    datediff('second', alarms.raised_at, alarms.acknowledged_at) / 60.0 as minutes_to_acknowledge,
    -- to the case's resolution once the alarm became a case (null while it is open), else to the clear
    datediff('second', alarms.raised_at,
             case when links.case_id is null then alarms.cleared_at else incidents.resolved_at end) / 3600.0
        as hours_to_resolve
from {{ ref('int_device_alarms') }} as alarms
left join {{ ref('int_alarm_cases') }} as links using (alarm_id)
left join {{ ref('fct_incidents') }} as incidents on incidents.case_id = links.case_id

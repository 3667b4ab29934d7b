-- Every alarm of the fleet with its duty-room handling and the case it became (docs/devices.md).
select
    alarms.*,
    links.case_id,
    incidents.resolved_at as case_resolved_at,
    datediff('second', alarms.raised_at, alarms.acknowledged_at) / 60.0 as minutes_to_acknowledge,
    datediff('second', alarms.raised_at, coalesce(incidents.resolved_at, alarms.cleared_at)) / 3600.0
        as hours_to_resolve
from {{ ref('int_device_alarms') }} as alarms
left join (
    select alarm_id, arg_max(case_id, case_id) as case_id from {{ ref('int_alarm_cases') }} group by alarm_id
) as links using (alarm_id)
left join {{ ref('fct_incidents') }} as incidents on incidents.case_id = links.case_id

-- A smart_sensor case with a device_id belongs to that device's latest confirmed, unsuppressed alarm raised in the
-- alarm_case_window_hours before the case was reported, and an alarm to the first such case: one case per alarm,
-- the link both ways (fct_alarms.case_id, fct_incidents.alarm_id).
with candidates as (
    select
        cases.case_id,
        cases.reported_at,
        arg_max(alarms.alarm_id, alarms.raised_at) as alarm_id
    from {{ ref('stg_incidents__cases') }} as cases
    join {{ ref('int_device_alarms') }} as alarms
        on alarms.device_id = cases.device_id
        and alarms.disposition = 'confirmed'
        and not alarms.is_suppressed
        and alarms.raised_at <= cases.reported_at
        and alarms.raised_at > cases.reported_at - to_hours({{ var('alarm_case_window_hours') }})
    where cases.channel = 'smart_sensor' and cases.device_id is not null
    group by cases.case_id, cases.reported_at
)

select case_id, alarm_id
from candidates
qualify row_number() over (partition by alarm_id order by reported_at, case_id) = 1

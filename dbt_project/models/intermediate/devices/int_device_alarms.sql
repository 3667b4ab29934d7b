-- Alarms as ThingsBoard keeps them: one open alarm per device and code. An alarm message opens one when none
-- is open, else repeats it; a clear message or a cleared / false_alarm action clears it. Flapping (Nagios): the
-- share of state changes among the last device_flap_messages alarm messages and clears; above device_flap_high
-- the device and code flap (its new alarms are suppressed) until the share falls below device_flap_low.
{% set window = var('device_flap_messages') %}
with messages as (
    select device_id, code, event_at, event_type = 'alarm' as is_alarm
    from {{ ref('stg_devices__telemetry_events') }}
    where event_type in ('alarm', 'clear') and code is not null
),

flap_shares as (
    select *,
        (sum(case when changed then 1 else 0 end) over recent) / {{ window - 1 }}.0 as flap_share
    from (
        select *, coalesce(is_alarm <> lag(is_alarm) over by_code, false) as changed
        from messages
        window by_code as (partition by device_id, code order by event_at, is_alarm desc)
    )
    window recent as (partition by device_id, code order by event_at, is_alarm desc
                      rows between {{ window - 2 }} preceding and current row)
),

flapping as (
    select *,
        coalesce(last_value(case when flap_share > {{ var('device_flap_high') }} then true
                                 when flap_share < {{ var('device_flap_low') }} then false end ignore nulls)
            over (partition by device_id, code order by event_at, is_alarm desc rows unbounded preceding), false)
            as is_flapping
    from flap_shares
),

clearing_actions as (
    select device_id, code, action_at as event_at, false as is_alarm, action, actor
    from {{ ref('stg_devices__alarm_actions') }}
    where action in ('cleared', 'false_alarm')
),

stream as (
    select device_id, code, event_at, is_alarm, 'clear' as action, 'device' as actor, is_flapping, 0 as kind
    from flapping
    union all
    select device_id, code, event_at, is_alarm, action, actor, null as is_flapping, 1 as kind
    from clearing_actions
),

opened as (
    select *,
        is_alarm and not coalesce(lag(is_alarm) over by_code, false) as opens
    from stream
    window by_code as (partition by device_id, code order by event_at, is_alarm desc, kind)
),

numbered as (
    select *, sum(case when opens then 1 else 0 end) over (partition by device_id, code
        order by event_at, is_alarm desc, kind rows unbounded preceding) as alarm_number
    from opened
),

alarms as (
    select
        device_id,
        code,
        alarm_number,
        min(event_at) filter (where opens) as raised_at,
        max(event_at) filter (where is_alarm) as last_repeat_at,
        count(*) filter (where is_alarm) - 1 as repeats,
        min(event_at) filter (where not is_alarm) as cleared_at,
        arg_min(actor, event_at) filter (where not is_alarm) as cleared_by,
        bool_or(is_flapping) filter (where opens) as is_suppressed
    from numbered
    where alarm_number > 0
    group by device_id, code, alarm_number
),

judged as (   -- the duty room's actions from the alarm until the next one, also after the device cleared it
    select
        alarms.device_id, alarms.code, alarms.alarm_number,
        min(actions.action_at) as acknowledged_at,
        arg_min(actions.actor, actions.action_at) as acknowledged_by,
        arg_max(actions.action, actions.action_at)
            filter (where actions.action in ('confirmed', 'false_alarm')) as judgement
    from (
        select *, lead(raised_at) over (partition by device_id, code order by raised_at) as next_raised_at
        from alarms
    ) as alarms
    join {{ ref('stg_devices__alarm_actions') }} as actions
        on actions.device_id = alarms.device_id and actions.code = alarms.code
        and actions.action_at >= alarms.raised_at
        and (alarms.next_raised_at is null or actions.action_at < alarms.next_raised_at)
        and actions.action in ('acknowledged', 'confirmed', 'false_alarm')
    group by all
)

select
    alarms.device_id || ':' || alarms.code || ':' || strftime(alarms.raised_at, '%Y%m%dT%H%M%S') as alarm_id,
    alarms.device_id,
    settings.device_type,
    settings.grid_id,
    alarms.code,
    settings.severity,
    alarms.raised_at,
    alarms.last_repeat_at,
    alarms.repeats,
    judged.acknowledged_at,
    judged.acknowledged_by,
    coalesce(judged.judgement, 'unreviewed') as disposition,
    alarms.cleared_at,
    alarms.cleared_by,
    alarms.cleared_at is null as is_open,
    coalesce(alarms.is_suppressed, false) as is_suppressed
from alarms
join {{ ref('int_device_settings') }} as settings using (device_id)
left join judged using (device_id, code, alarm_number)

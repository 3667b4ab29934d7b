-- One row per workflow event, in time order per case, with who held the case from this event until
-- the next workflow step: the responsibility timeline (who held it when) of every case.
with events as (
    select * from {{ ref('stg_incidents__events') }}
),

levels as (
    select level, level_rank from {{ ref('escalation_levels') }}
),

cases as (
    select case_id, grid_id from {{ ref('stg_incidents__cases') }}
),

workflow as (
    select
        case_id,
        seq,
        lead(event_at) over (partition by case_id order by event_at, seq) as held_until
    from events
    where event_type <> 'rated'
)

select
    events.case_id,
    events.seq,
    row_number() over (partition by events.case_id order by events.event_at, events.seq) as event_order,
    events.event_type,
    events.event_at,
    cast(events.event_at as date) as event_on,
    events.level,
    levels.level_rank,
    events.actor,
    cases.grid_id,
    events.satisfaction,
    events.mediation_outcome,
    events.event_type <> 'rated' as is_workflow_step,
    workflow.held_until,
    {{ hours_between('events.event_at', 'workflow.held_until') }} as hours_held,
    events.event_type <> 'rated' and workflow.held_until is null as is_current
from events
left join levels using (level)
left join cases using (case_id)
left join workflow using (case_id, seq)

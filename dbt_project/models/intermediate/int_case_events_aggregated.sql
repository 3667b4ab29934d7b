-- One row per case: when each workflow step first/last happened and how far up the ladder it went.
-- Events are ordered by their time, not their sequence number (deliveries can contradict each other).
with events as (
    select
        e.*,
        l.level_rank
    from {{ ref('stg_incidents__events') }} as e
    left join {{ ref('escalation_levels') }} as l using (level)
),

last_state as (
    -- The case's current state is its latest workflow event (ratings do not change the state).
    select case_id, event_type as current_state, level as current_level, actor as current_actor
    from events
    where event_type <> 'rated'
    qualify row_number() over (partition by case_id order by event_at desc, seq desc) = 1
)

select
    events.case_id,
    min(case when event_type = 'accepted' then event_at end) as accepted_at,
    min(case when event_type = 'resolved' then event_at end) as first_resolved_at,
    max(case when event_type = 'resolved' then event_at end) as last_resolved_at,
    max(case when event_type = 'closed' then event_at end) as closed_at,
    bool_or(event_type = 'verified') as was_verified,
    bool_or(event_type = 'reopened') as was_reopened,
    count(*) filter (where event_type = 'escalated') as escalations,
    max(level_rank) as highest_level_rank,
    arg_max(satisfaction, event_at) filter (where event_type = 'rated') as satisfaction,
    arg_max(mediation_outcome, event_at) filter (where event_type = 'resolved') as mediation_outcome,
    any_value(last_state.current_state) as current_state,
    any_value(last_state.current_level) as current_level,
    any_value(last_state.current_actor) as current_actor
from events
left join last_state using (case_id)
group by events.case_id

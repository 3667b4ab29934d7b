-- One row per case with its SLA due times, durations and the flags every incident KPI is built from.
with cases as (
    select * from {{ ref('stg_incidents__cases') }}
),

steps as (
    select * from {{ ref('int_case_events_aggregated') }}
),

categories as (
    select * from {{ ref('categories') }}
)

select
    cases.case_id,
    cases.reported_at,
    cast(cases.reported_at as date) as reported_on,
    cases.channel,
    cases.category_l1,
    cases.category_l2,
    cases.grid_id,
    cases.lat,
    cases.lon,
    cases.priority,
    categories.is_dispute,
    categories.is_preventable,
    cases.reported_at + to_milliseconds(cast(categories.sla_accept_hours * 3600000 as bigint)) as accept_due_at,
    cases.reported_at + to_milliseconds(cast(categories.sla_resolve_hours * 3600000 as bigint)) as resolve_due_at,
    steps.accepted_at,
    steps.first_resolved_at as resolved_at,
    steps.closed_at,
    {{ hours_between('cases.reported_at', 'steps.accepted_at') }} as hours_to_accept,
    {{ hours_between('cases.reported_at', 'steps.first_resolved_at') }} as hours_to_resolve,
    coalesce(steps.current_state, 'reported') as current_state,
    steps.current_level,
    coalesce(steps.current_state = 'closed', false) as is_closed,
    coalesce(steps.current_state = 'closed' and steps.was_verified, false) as is_verified_closed,
    steps.first_resolved_at is not null as is_resolved,
    steps.first_resolved_at is not null
        and {{ hours_between('cases.reported_at', 'steps.first_resolved_at') }} <= categories.sla_resolve_hours
        as is_resolved_on_time,
    -- Solved within the grid: the case never went above grid level (levels 1–2 of the ladder).
    steps.first_resolved_at is not null and coalesce(steps.highest_level_rank, 1) <= 2 as is_resolved_in_grid,
    coalesce(steps.escalations, 0) as escalations,
    steps.highest_level_rank,
    coalesce(steps.was_reopened, false) as was_reopened,
    coalesce(steps.was_verified, false) as was_verified,
    steps.satisfaction,
    steps.mediation_outcome,
    case when categories.is_dispute then steps.mediation_outcome = 'success' end as is_mediated_ok
from cases
left join steps using (case_id)
left join categories using (category_l1, category_l2)

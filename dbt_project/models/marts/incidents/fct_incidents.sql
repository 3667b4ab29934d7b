-- One row per reported case with its SLA due times, durations, the flags every incident KPI is built
-- from (see seeds/kpi_definitions.csv), its duplicate link and its SLA alert tier as of the data's end.
-- A case is resolved while its latest workflow state is resolved, verified or closed; a reopened case
-- counts as resolved again only after its next resolution, and its time to resolve runs to that one.
-- The resolution SLA is the case's own when its source gives one (sla_hours, else due_at), else its
-- category's (product or district code list, stg_codes__categories). A case the case system opened from a
-- sensor alarm links to it (alarm_id, int_alarm_cases).
with cases as (
    select * from {{ ref('stg_incidents__cases') }}
),

steps as (
    select * from {{ ref('int_case_events_aggregated') }}
),

duplicates as (
    select * from {{ ref('int_incidents_deduplicated') }}
),

categories as (
    select * from {{ ref('stg_codes__categories') }}
),

alarm_links as (
    select * from {{ ref('int_alarm_cases') }}
),

period as (
    select cast(last_day + interval 1 day as timestamp) as as_of_at from {{ ref('int_data_period') }}
),

flags as (
    select
        cases.*,
        duplicates.master_case_id,
        duplicates.is_duplicate,
        categories.is_dispute,
        categories.is_preventable,
        categories.sla_accept_hours,
        coalesce(
            cases.sla_hours, {{ hours_between('cases.reported_at', 'cases.due_at') }}, categories.sla_resolve_hours
        ) as sla_resolve_hours,
        case
            when cases.sla_hours is not null then 'case_sla_hours'
            when cases.due_at is not null then 'case_due_at'
            when categories.sla_resolve_hours is not null then 'category'
        end as sla_source,
        steps.* exclude (case_id),
        -- closed without a resolution (a cancelled request) is closed, never resolved
        coalesce(
            steps.current_state in ('resolved', 'verified', 'closed') and steps.last_resolved_at is not null, false
        ) as is_resolved_now,
        coalesce(steps.current_state = 'closed', false) as is_closed_now,
        period.as_of_at,
        alarm_links.alarm_id
    from cases
    left join alarm_links using (case_id)
    left join steps using (case_id)
    left join duplicates using (case_id)
    left join categories using (category_l1, category_l2)
    cross join period
)

select
    case_id,
    master_case_id,
    coalesce(is_duplicate, false) as is_duplicate,
    reported_at,
    cast(reported_at as date) as reported_on,
    channel,
    category_l1,
    category_l2,
    grid_id,
    lat,
    lon,
    lat is not null and lon is not null as has_coordinates,
    priority,
    device_id,
    alarm_id,
    is_dispute,
    is_preventable,
    sla_resolve_hours,
    sla_resolve_hours is not null as has_sla,
    sla_source,
    reported_at + to_milliseconds(cast(sla_accept_hours * 3600000 as bigint)) as accept_due_at,
    case
        when sla_source = 'case_due_at' then due_at
        else reported_at + to_milliseconds(cast(sla_resolve_hours * 3600000 as bigint))
    end as resolve_due_at,
    accepted_at,
    first_resolved_at,
    case when is_resolved_now then last_resolved_at end as resolved_at,
    closed_at,
    {{ hours_between('reported_at', 'accepted_at') }} as hours_to_accept,
    case when is_resolved_now then {{ hours_between('reported_at', 'last_resolved_at') }} end as hours_to_resolve,
    coalesce(current_state, 'reported') as current_state,
    coalesce(current_level, 'micro_grid') as current_level,
    current_actor,
    coalesce(current_state = 'closed', false) as is_closed,
    coalesce(current_state = 'closed' and was_verified, false) as is_verified_closed,
    is_resolved_now as is_resolved,
    -- null when the category has no SLA: such cases are left out of the on-time rate
    case
        when is_resolved_now and sla_resolve_hours is not null
            then {{ hours_between('reported_at', 'last_resolved_at') }} <= sla_resolve_hours
    end as is_resolved_on_time,
    -- Solved within the grid: the case never went above grid level (levels 1–2 of the ladder).
    is_resolved_now and coalesce(highest_level_rank, 1) <= 2 as is_resolved_in_grid,
    coalesce(escalations, 0) as escalations,
    coalesce(highest_level_rank, 1) as highest_level_rank,
    coalesce(was_reopened, false) as was_reopened,
    coalesce(was_verified, false) as was_verified,
    satisfaction,
    satisfaction is not null as is_rated,
    satisfaction >= 4 as is_satisfied,
    mediation_outcome,
    case when is_dispute then mediation_outcome = 'success' end as is_mediated_ok,
    as_of_at,
    -- Share of the resolution SLA used up by a case that is not resolved at the data's end
    case
        when not is_resolved_now and not is_closed_now and sla_resolve_hours > 0
            then {{ hours_between('reported_at', 'as_of_at') }} / sla_resolve_hours
    end as sla_used_share,
    case
        when not is_resolved_now and not is_closed_now
            then {{ sla_alert_tier('reported_at', 'as_of_at', 'sla_resolve_hours') }}
    end as sla_alert_tier
from flags

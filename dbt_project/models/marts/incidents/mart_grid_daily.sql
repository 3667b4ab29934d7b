-- Per L3 grid and day of the reporting period: the numerators and denominators of every cockpit KPI
-- (see dim_kpis). Flows count what happened that day; stocks (backlog, residents) are at day end.
with spine as (
    select * from {{ ref('int_grid_days') }}
),

incidents as (
    -- Repeat reports are counted once: through their master case (see int_incidents_deduplicated).
    select * from {{ ref('fct_incidents') }} where not is_duplicate
),

received as (
    select
        grid_id,
        reported_on as date_day,
        count(*) as reports_received,
        count(*) filter (where is_duplicate) as duplicates_reported
    from {{ ref('fct_incidents') }}
    group by all
),

reported as (
    -- Report-cohort measures: the state now of the cases reported that day.
    select
        grid_id,
        reported_on as date_day,
        count(*) as cases_reported,
        count(*) filter (where is_closed) as cases_closed_of_reported,
        count(*) filter (where is_verified_closed) as cases_verified_closed_of_reported,
        count(*) filter (where was_reopened) as cases_reopened_of_reported,
        count(*) filter (where is_preventable) as preventable_reported,
        count(*) filter (where is_rated) as cases_rated,
        sum(satisfaction) as satisfaction_sum,
        count(*) filter (where is_satisfied) as cases_satisfied,
        count(*) filter (where is_dispute) as disputes_reported,
        count(*) filter (where is_dispute and mediation_outcome is not null) as disputes_mediated,
        count(*) filter (where is_mediated_ok) as disputes_mediated_ok
    from incidents
    group by all
),

resolved as (
    select
        grid_id,
        cast(resolved_at as date) as date_day,
        count(*) as cases_resolved,
        count(*) filter (where has_sla) as cases_resolved_with_sla,
        count(*) filter (where is_resolved_on_time) as cases_resolved_on_time,
        count(*) filter (where is_resolved_in_grid) as cases_resolved_in_grid
    from incidents
    where is_resolved
    group by all
),

states as (
    -- Each workflow state of a case and how long it lasted (the latest lasts until now).
    select
        e.case_id,
        e.event_type as state,
        e.event_at as state_from,
        coalesce(e.held_until, timestamp '9999-12-31') as state_until
    from {{ ref('fct_incident_events') }} as e
    where e.is_workflow_step
),

open_at_day_end as (
    -- A case is in the backlog at the end of each day on which its state is not closed; while it is not
    -- resolved it has the SLA alert tier (50 / 80 / 100 % used, 100 = overdue) of that moment.
    select
        i.grid_id,
        d.date_day,
        case
            when s.state not in ('resolved', 'verified', 'closed')
                then {{ sla_alert_tier('i.reported_at', '(d.date_day + interval 1 day)', 'i.sla_resolve_hours') }}
        end as sla_alert_tier
    from incidents as i
    join states as s using (case_id)
    join spine as d
        on i.grid_id = d.grid_id
        and s.state_from < d.date_day + interval 1 day
        and s.state_until >= d.date_day + interval 1 day
    where s.state <> 'closed'
),

open_days as (
    select
        grid_id,
        date_day,
        count(*) as backlog_end,
        {% for tier in var('sla_alert_tiers')[:-1] %}
            count(*) filter (where sla_alert_tier = {{ (tier * 100) | int }}) as sla_{{ (tier * 100) | int }}_end,
        {% endfor %}
        count(*) filter (where sla_alert_tier = 100) as overdue_end
    from open_at_day_end
    group by all
),

residents as (
    select * from {{ ref('int_residents_counted_daily') }}
),

devices as (
    select
        grid_id,
        date_day,
        count(*) as device_days_active,
        count(*) filter (where is_online) as device_days_online,
        sum(alarms) as device_alarms
    from {{ ref('fct_device_daily') }}
    group by all
),

visitors as (
    select z.grid_id, f.date_day, sum(f.visitors_in) as visitors_in
    from {{ ref('mart_foot_traffic_daily') }} as f
    join {{ ref('stg_foot_traffic__zones') }} as z using (zone_id)
    group by all
)

select
    spine.grid_id,
    spine.date_day,
    coalesce(received.reports_received, 0) as reports_received,
    coalesce(received.duplicates_reported, 0) as duplicates_reported,
    coalesce(reported.cases_reported, 0) as cases_reported,
    coalesce(reported.cases_closed_of_reported, 0) as cases_closed_of_reported,
    coalesce(reported.cases_verified_closed_of_reported, 0) as cases_verified_closed_of_reported,
    coalesce(reported.cases_reopened_of_reported, 0) as cases_reopened_of_reported,
    coalesce(reported.preventable_reported, 0) as preventable_reported,
    coalesce(reported.cases_rated, 0) as cases_rated,
    coalesce(reported.satisfaction_sum, 0) as satisfaction_sum,
    coalesce(reported.cases_satisfied, 0) as cases_satisfied,
    coalesce(reported.disputes_reported, 0) as disputes_reported,
    coalesce(reported.disputes_mediated, 0) as disputes_mediated,
    coalesce(reported.disputes_mediated_ok, 0) as disputes_mediated_ok,
    coalesce(resolved.cases_resolved, 0) as cases_resolved,
    coalesce(resolved.cases_resolved_with_sla, 0) as cases_resolved_with_sla,
    coalesce(resolved.cases_resolved_on_time, 0) as cases_resolved_on_time,
    coalesce(resolved.cases_resolved_in_grid, 0) as cases_resolved_in_grid,
    coalesce(open_days.backlog_end, 0) as backlog_end,
    coalesce(open_days.overdue_end, 0) as overdue_end,
    coalesce(open_days.sla_50_end, 0) as sla_50_end,
    coalesce(open_days.sla_80_end, 0) as sla_80_end,
    coalesce(residents.residents, 0) as residents,
    coalesce(devices.device_days_active, 0) as device_days_active,
    coalesce(devices.device_days_online, 0) as device_days_online,
    coalesce(devices.device_alarms, 0) as device_alarms,
    coalesce(visitors.visitors_in, 0) as visitors_in
from spine
left join received using (grid_id, date_day)
left join reported using (grid_id, date_day)
left join resolved using (grid_id, date_day)
left join open_days using (grid_id, date_day)
left join residents using (grid_id, date_day)
left join devices using (grid_id, date_day)
left join visitors using (grid_id, date_day)

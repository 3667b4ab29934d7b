-- Per L3 grid and day on which something happened there: the numerators and denominators of every cockpit
-- KPI (see dim_kpis). Flows count what happened that day; stocks (backlog, SLA tiers, residents: macro
-- daily_stocks) are at day end. Sparse: a grid has a row on a day when a case of it was reported, changed
-- state or crossed an SLA tier, or when its residents, devices or visitors changed or counted; a day without
-- a row has no flows and the stocks of the grid's latest earlier row (0 before its first). Cost follows
-- the data, not grids × calendar days; pages fill the days of the period they show (dashboards/queries/daily.py).
with period as (
    select * from {{ ref('int_data_period') }}
),

incidents as (
    -- Repeat reports are counted once: through their master case (see int_incidents_deduplicated).
    select * from {{ ref('fct_incidents') }} where not is_duplicate
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

residents_counted as (
    select
        grid_id,
        date_day,
        residents,
        coalesce(lag(residents) over (partition by grid_id order by date_day), 0) as residents_before
    from {{ ref('int_residents_counted_daily') }}
),

residents as (
    -- residents at day end, on the days they changed
    select grid_id, date_day, residents from residents_counted where residents <> residents_before
),

devices as (
    select
        grid_id,
        date_day,
        count(*) as device_days_active,
        cast(sum(cast(online_share as decimal(18, 6))) as double) as device_days_online,   -- exact: any order
        sum(alarms) as device_alarms
    from {{ ref('fct_device_daily') }}
    group by all
),

visitors as (
    select z.grid_id, f.date_day, sum(f.visitors_in) as visitors_in
    from {{ ref('mart_foot_traffic_daily') }} as f
    join {{ ref('stg_foot_traffic__zones') }} as z using (zone_id)
    group by all
),

tiers as (
    select unnest({{ var('sla_alert_tiers') }}) as tier
),

tier_crossings as (
    -- the day ends around the moment a case crosses each SLA alert tier if still unresolved (the day before
    -- and the day of it, so that the tier rule in open_at_day_end decides which day end it is)
    select
        i.grid_id,
        cast(i.reported_at + to_milliseconds(cast(t.tier * i.sla_resolve_hours * 3600000 as bigint)) as date)
        - shift.days as date_day
    from incidents as i
    cross join tiers as t
    cross join (values (0), (1)) as shift (days)
    where i.sla_resolve_hours > 0
),

active_days as (
    select grid_id, reported_on as date_day from {{ ref('fct_incidents') }}
    union
    select i.grid_id, cast(s.state_from as date) as date_day from incidents as i join states as s using (case_id)
    union
    select grid_id, cast(resolved_at as date) as date_day from incidents where is_resolved
    union
    select grid_id, date_day from tier_crossings
    union
    select grid_id, date_day from residents
    union
    select grid_id, date_day from devices
    union
    select grid_id, date_day from visitors
),

spine as (
    select a.grid_id, a.date_day
    from active_days as a
    join {{ ref('dim_grids') }} as g on a.grid_id = g.grid_id and g.level = 'grid'
    cross join period
    where a.date_day between period.first_day and period.last_day
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

residents_now as (
    -- residents at the end of each spine day: the latest change on or before it
    select spine.grid_id, spine.date_day, r.residents
    from spine
    asof left join residents as r on spine.grid_id = r.grid_id and spine.date_day >= r.date_day
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
    coalesce(residents_now.residents, 0) as residents,
    coalesce(devices.device_days_active, 0) as device_days_active,
    coalesce(devices.device_days_online, 0) as device_days_online,
    coalesce(devices.device_alarms, 0) as device_alarms,
    coalesce(visitors.visitors_in, 0) as visitors_in
from spine
left join received using (grid_id, date_day)
left join reported using (grid_id, date_day)
left join resolved using (grid_id, date_day)
left join open_days using (grid_id, date_day)
left join residents_now using (grid_id, date_day)
left join devices using (grid_id, date_day)
left join visitors using (grid_id, date_day)

-- Per L3 grid and day of the reporting period: the numerators and denominators of every cockpit KPI
-- (see dim_kpis). Flows count what happened that day; stocks (backlog, residents) are at day end.
with spine as (
    select * from {{ ref('int_grid_days') }}
),

incidents as (
    select * from {{ ref('fct_incidents') }}
),

reported as (
    select
        grid_id,
        reported_on as date_day,
        count(*) as cases_reported,
        count(*) filter (where is_closed) as cases_closed_of_reported,
        count(*) filter (where is_verified_closed) as cases_verified_closed_of_reported,
        count(*) filter (where is_dispute) as disputes_reported
    from incidents
    group by all
),

resolved as (
    select
        grid_id,
        cast(resolved_at as date) as date_day,
        count(*) as cases_resolved,
        count(*) filter (where is_resolved_on_time) as cases_resolved_on_time,
        count(*) filter (where is_resolved_in_grid) as cases_resolved_in_grid
    from incidents
    where is_resolved
    group by all
),

open_days as (
    -- A case is in the backlog at the end of each day from its report until the day it was closed.
    select
        i.grid_id,
        d.date_day,
        count(*) as backlog_end,
        count(*) filter (where i.resolve_due_at < d.date_day + interval 1 day
                           and (i.resolved_at is null or i.resolved_at >= d.date_day + interval 1 day)) as overdue_end
    from incidents as i
    join spine as d
        on d.grid_id = i.grid_id
        and d.date_day >= i.reported_on
        and (not i.is_closed or d.date_day < cast(i.closed_at as date))
    group by all
),

residents as (
    select * from {{ ref('int_residents_counted_daily') }}
),

devices as (
    select grid_id, date_day, count(*) as device_days_active,
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
    coalesce(reported.cases_reported, 0) as cases_reported,
    coalesce(reported.cases_closed_of_reported, 0) as cases_closed_of_reported,
    coalesce(reported.cases_verified_closed_of_reported, 0) as cases_verified_closed_of_reported,
    coalesce(reported.disputes_reported, 0) as disputes_reported,
    coalesce(resolved.cases_resolved, 0) as cases_resolved,
    coalesce(resolved.cases_resolved_on_time, 0) as cases_resolved_on_time,
    coalesce(resolved.cases_resolved_in_grid, 0) as cases_resolved_in_grid,
    coalesce(open_days.backlog_end, 0) as backlog_end,
    coalesce(open_days.overdue_end, 0) as overdue_end,
    coalesce(residents.residents, 0) as residents,
    coalesce(devices.device_days_active, 0) as device_days_active,
    coalesce(devices.device_days_online, 0) as device_days_online,
    coalesce(devices.device_alarms, 0) as device_alarms,
    coalesce(visitors.visitors_in, 0) as visitors_in
from spine
left join reported using (grid_id, date_day)
left join resolved using (grid_id, date_day)
left join open_days using (grid_id, date_day)
left join residents using (grid_id, date_day)
left join devices using (grid_id, date_day)
left join visitors using (grid_id, date_day)

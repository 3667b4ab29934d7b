-- Per L3 grid and cockpit period (the last 7/30/90/365 days): what the cockpit's map and top-backlog
-- table show — cases reported in the period, residents, backlog and overdue backlog at its end (the
-- grid's values of those KPIs in mart_kpi_values) and cases per 1,000 residents.
with grid_values as (
    select * from {{ ref('mart_kpi_values') }} where area_level = 'grid'
),

pivoted as (
    select
        as_of_date,
        area_id as grid_id,
        period_days,
        cast(any_value(value) filter (where kpi = 'cases_reported') as bigint) as cases,
        cast(any_value(value) filter (where kpi = 'residents') as bigint) as residents,
        cast(any_value(value) filter (where kpi = 'backlog') as bigint) as backlog,
        cast(any_value(value) filter (where kpi = 'overdue_backlog') as bigint) as overdue
    from grid_values
    group by all
)

select *, {{ per_1000_residents('cases', 'residents') }} as cases_per_1000_residents
from pivoted

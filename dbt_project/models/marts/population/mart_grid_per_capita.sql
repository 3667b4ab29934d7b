-- Per-capita rates per L3 grid and month of the reporting period: incidents and disputes per 1,000 residents
-- (macro per_1000_residents, the one definition), over the mean daily residents of the month's days in the
-- period. Cases come from the sparse mart_grid_daily (its flows), residents from the day-end counts of the
-- populated grids (int_residents_counted_daily; 0 elsewhere).
with period as (
    select * from {{ ref('int_data_period') }}
),

days as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date_day from period
),

months as (
    select cast(date_trunc('month', date_day) as date) as month_start, count(*) as days from days group by all
),

grid_months as (
    select g.grid_id, m.month_start, m.days
    from {{ ref('dim_grids') }} as g
    cross join months as m
    where g.level = 'grid'
),

cases as (
    select
        grid_id,
        cast(date_trunc('month', date_day) as date) as month_start,
        sum(cases_reported) as cases_reported,
        sum(disputes_reported) as disputes_reported
    from {{ ref('mart_grid_daily') }}
    group by all
),

residents as (
    select grid_id, cast(date_trunc('month', date_day) as date) as month_start, sum(residents) as resident_days
    from {{ ref('int_residents_counted_daily') }}
    group by all
),

joined as (
    select
        gm.grid_id,
        gm.month_start,
        gm.days,
        coalesce(r.resident_days, 0) / gm.days as residents_mean,
        cast(coalesce(c.cases_reported, 0) as bigint) as cases_reported,
        cast(coalesce(c.disputes_reported, 0) as bigint) as disputes_reported
    from grid_months as gm
    left join cases as c using (grid_id, month_start)
    left join residents as r using (grid_id, month_start)
)

select
    grid_id,
    month_start,
    days,
    residents_mean,
    cases_reported,
    disputes_reported,
    {{ per_1000_residents('cases_reported', 'residents_mean') }} as cases_per_1000_residents,
    {{ per_1000_residents('disputes_reported', 'residents_mean') }} as disputes_per_1000_residents
from joined

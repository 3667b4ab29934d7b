-- Per-capita rates per L3 grid and month: incidents and disputes per 1,000 residents (macro
-- per_1000_residents, the one definition), over the mean daily residents of the month.
select
    grid_id,
    cast(date_trunc('month', date_day) as date) as month_start,
    count(*) as days,
    avg(residents) as residents_mean,
    cast(sum(cases_reported) as bigint) as cases_reported,
    cast(sum(disputes_reported) as bigint) as disputes_reported,
    {{ per_1000_residents('sum(cases_reported)', 'avg(residents)') }} as cases_per_1000_residents,
    {{ per_1000_residents('sum(disputes_reported)', 'avg(residents)') }} as disputes_per_1000_residents
from {{ ref('mart_grid_daily') }}
group by all

-- Every day of the reporting period for each L3 grid where someone is registered: the day spine of the
-- per-grid population marts (residents and households are stocks a page reads for every day). Grids with
-- no one in the register have no rows, so a district without a population register costs nothing here.
select g.grid_id, d.date_day
from {{ ref('dim_grids') }} as g
cross join {{ ref('dim_date') }} as d
cross join {{ ref('int_data_period') }} as period
where
    g.level = 'grid'
    and g.grid_id in (select grid_id from {{ ref('int_persons_latest') }})
    and d.date_day between period.first_day and period.last_day

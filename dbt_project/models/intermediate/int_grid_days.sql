-- Every L3 grid × every day of the reporting period: the spine of the per-grid daily marts.
select g.grid_id, d.date_day
from {{ ref('dim_grids') }} as g
cross join {{ ref('dim_date') }} as d
cross join {{ ref('int_data_period') }} as period
where g.level = 'grid' and d.date_day between period.first_day and period.last_day

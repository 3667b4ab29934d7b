-- Per area (district, street, community, L3 grid) and day on which something happened in one of its grids:
-- every measure of mart_grid_daily summed over the area's grids, flows of the day and stocks at day end
-- (macro daily_stocks). Sparse like mart_grid_daily: a day without a row has no flows and the stocks of the
-- area's latest earlier row. Stocks are summed as their day-to-day changes per grid, then accumulated per
-- area, so each grid's stock counts on every day of the area, not only on the days that grid has a row.
{%- set stocks = daily_stocks() %}
with areas as (
    select * from {{ ref('int_area_grids') }}
),

grid_changes as (
    -- a grid's flows, and how much each stock changed since its previous row
    select
        * replace (
            {%- for stock in stocks %}
                {{ stock }} - coalesce(lag({{ stock }}) over (partition by grid_id order by date_day), 0)
                    as {{ stock }}
                {{ ',' if not loop.last }}
            {%- endfor %}
        )
    from {{ ref('mart_grid_daily') }}
),

area_changes as (
    select
        a.area_level,
        a.area_id,
        g.date_day,
        sum(columns(g.* exclude (grid_id, date_day)))
    from grid_changes as g
    join areas as a using (grid_id)
    group by a.area_level, a.area_id, g.date_day
)

select
    area_level,
    area_id,
    date_day,
    cast(columns(* exclude (area_level, area_id, date_day)) as bigint)
from (
    select
        * replace (
            {%- for stock in stocks %}
                sum({{ stock }}) over (partition by area_level, area_id order by date_day) as {{ stock }}
                {{- ',' if not loop.last }}
            {%- endfor %}
        )
    from area_changes
)

-- The monthly star rating of each L3 grid (and so of its grid worker): the weighted mean of the points of
-- its rated KPIs (mart_grid_rating_kpis) over the KPIs with a value that month — the weights renormalised
-- to those, said by weights_renormalised — mapped to 1–5 stars by the bands of seed rating_stars, and the
-- KPIs that pulled it down: those short of full points, the most lost points first. A grid-month with no
-- rated KPI at all has no points and no stars.
with kpis as (
    select * from {{ ref('mart_grid_rating_kpis') }}
),

bands as (
    select * from {{ ref('rating_stars') }}
),

totals as (
    select
        month,
        grid_id,
        sum(weight * points order by kpi) filter (where points is not null)
            / sum(weight order by kpi) filter (where points is not null) as points,
        count(points) as kpis_rated,
        count(*) as kpis_total,
        count(points) < count(*) as weights_renormalised,
        coalesce(string_agg(kpi, ',' order by lost_points desc, kpi) filter (where points < 100), '')
            as pulled_down_by
    from kpis
    group by all
)

select
    t.month,
    t.grid_id,
    g.street_id,
    t.points,
    (select max(b.stars) from bands as b where b.min_points <= t.points) as stars,
    t.kpis_rated,
    t.kpis_total,
    t.weights_renormalised,
    t.pulled_down_by
from totals as t
join {{ ref('dim_grids') }} as g using (grid_id)

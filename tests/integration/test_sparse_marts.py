"""The daily marts are sparse (a row only on a grid's days with activity) and still say what the dense ones
said: on every grid and day of the period, the stocks carried forward equal a day-end count taken straight from
the cases' workflow states, and each area's rows equal the sum of its grids'."""

import pytest

pytestmark = pytest.mark.slow   # the session world

DENSE_STOCKS = """
    with days as (
        select g.grid_id, cast(unnest(generate_series(p.first_day, p.last_day, interval 1 day)) as date) as date_day
        from marts.dim_grids as g cross join marts.mart_data_period as p where g.level = 'grid'),
    states as (
        select case_id, event_type as state, event_at as state_from,
               coalesce(held_until, timestamp '9999-12-31') as state_until
        from marts.fct_incident_events where is_workflow_step),
    open_cases as (
        select d.grid_id, d.date_day, s.state, i.reported_at, i.sla_resolve_hours
        from days as d
        join marts.fct_incidents as i on i.grid_id = d.grid_id and not i.is_duplicate
        join states as s using (case_id)
        where s.state <> 'closed' and s.state_from < d.date_day + interval 1 day
            and s.state_until >= d.date_day + interval 1 day)
    select d.grid_id, d.date_day, count(o.state) as backlog_end,
           count(*) filter (where o.state not in ('resolved', 'verified') and o.sla_resolve_hours > 0
               and date_diff('second', o.reported_at, d.date_day + interval 1 day) / 3600.0
                   / o.sla_resolve_hours >= 1.0) as overdue_end
    from days as d left join open_cases as o using (grid_id, date_day)
    group by all"""

CARRIED = """
    with days as (
        select g.grid_id, cast(unnest(generate_series(p.first_day, p.last_day, interval 1 day)) as date) as date_day
        from marts.dim_grids as g cross join marts.mart_data_period as p where g.level = 'grid')
    select d.grid_id, d.date_day, coalesce(m.backlog_end, 0) as backlog_end, coalesce(m.overdue_end, 0) as overdue_end
    from days as d asof left join marts.mart_grid_daily as m on d.grid_id = m.grid_id and d.date_day >= m.date_day"""


def test_the_grid_mart_is_sparse_and_its_stocks_carry_forward_exactly(marts):
    rows, grid_days = marts.execute("""
        select (select count(*) from marts.mart_grid_daily),
               (select count(*) from marts.dim_grids where level = 'grid')
               * (select last_day - first_day + 1 from marts.mart_data_period)""").fetchone()
    assert 0 < rows < grid_days
    differ = marts.execute(f"select count(*) from (({DENSE_STOCKS}) except ({CARRIED}))").fetchone()[0]
    checked = marts.execute(f"select count(*), sum(backlog_end) from ({DENSE_STOCKS})").fetchone()
    assert checked[0] == grid_days and checked[1] > 0
    assert differ == 0


def test_each_areas_rows_are_the_sum_of_its_grids(marts):
    differ = marts.execute("""
        with days as (
            select a.area_level, a.area_id, a.grid_id,
                   cast(unnest(generate_series(p.first_day, p.last_day, interval 1 day)) as date) as date_day
            from intermediate.int_area_grids as a cross join marts.mart_data_period as p),
        grid_days as (
            select d.area_level, d.area_id, d.date_day,
                   case when m.date_day = d.date_day then m.cases_reported else 0 end as cases_reported,
                   coalesce(m.backlog_end, 0) as backlog_end, coalesce(m.residents, 0) as residents
            from days as d asof left join marts.mart_grid_daily as m
                on d.grid_id = m.grid_id and d.date_day >= m.date_day),
        summed as (
            select area_level, area_id, date_day, sum(cases_reported) as cases_reported,
                   sum(backlog_end) as backlog_end, sum(residents) as residents
            from grid_days group by all),
        areas as (
            select s.area_level, s.area_id, s.date_day,
                   case when m.date_day = s.date_day then m.cases_reported else 0 end as cases_reported,
                   coalesce(m.backlog_end, 0) as backlog_end, coalesce(m.residents, 0) as residents
            from (select distinct area_level, area_id, date_day from summed) as s
            asof left join marts.mart_area_daily as m
                on s.area_level = m.area_level and s.area_id = m.area_id and s.date_day >= m.date_day)
        select count(*) from ((select * from summed) except (select * from areas))""").fetchone()[0]
    assert differ == 0
    assert marts.execute("select count(*) from marts.mart_area_daily").fetchone()[0] > 0

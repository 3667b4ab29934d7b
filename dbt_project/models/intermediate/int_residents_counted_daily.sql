-- Residents per L3 grid at the end of each day of the reporting period: a person counts from the day
-- they registered until the day before they deregistered.
with period as (
    select * from {{ ref('int_data_period') }}
),

persons as (
    select grid_id, registered_on, deregistered_on
    from {{ ref('int_persons_latest') }}
    cross join period
    where deregistered_on is null or deregistered_on > period.first_day
),

deltas as (
    select grid_id, greatest(registered_on, period.first_day) as date_day, 1 as delta
    from persons cross join period
    union all
    select grid_id, deregistered_on as date_day, -1 as delta from persons where deregistered_on is not null
),

spine as (
    select * from {{ ref('int_grid_days') }}
),

daily as (
    select spine.grid_id, spine.date_day, coalesce(sum(deltas.delta), 0) as change
    from spine
    left join deltas using (grid_id, date_day)
    group by all
)

select
    grid_id,
    date_day,
    cast(sum(change) over (partition by grid_id order by date_day) as bigint) as residents
from daily

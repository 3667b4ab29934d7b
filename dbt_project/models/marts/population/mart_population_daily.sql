-- Per L3 grid and day: residents, renters, renter households and floating residents at day end, and the
-- households that registered and deregistered that day — read from the household snapshot (current rows).
with spine as (
    select * from {{ ref('int_grid_days') }}
),

households as (
    select *
    from {{ ref('snap_household_versions') }}
    where dbt_valid_to is null
),

living as (
    select
        spine.grid_id,
        spine.date_day,
        cast(sum(h.renters) as bigint) as renters,
        count(distinct h.household_id) filter (where h.is_renter) as renter_households,
        cast(sum(h.floating) as bigint) as floating
    from spine
    join households as h
        on spine.grid_id = h.grid_id
        and spine.date_day >= h.valid_from
        and (h.valid_to is null or spine.date_day < h.valid_to)
    group by all
),

moves as (
    select
        grid_id,
        registered_on as date_day,
        count(distinct household_id) as households_registered,
        0 as households_deregistered
    from households
    group by all
    union all
    select
        grid_id,
        valid_to as date_day,
        0 as households_registered,
        count(distinct household_id) as households_deregistered
    from households
    where
        valid_to is not null
        and not exists (
            select 1 from households as later
            where later.household_id = households.household_id and later.valid_from = households.valid_to
        )
    group by all
),

moved as (
    select
        grid_id,
        date_day,
        cast(sum(households_registered) as bigint) as households_registered,
        cast(sum(households_deregistered) as bigint) as households_deregistered
    from moves
    group by all
)

select
    spine.grid_id,
    spine.date_day,
    coalesce(residents.residents, 0) as residents,
    coalesce(living.renters, 0) as renters,
    coalesce(living.renter_households, 0) as renter_households,
    coalesce(living.floating, 0) as floating,
    coalesce(moved.households_registered, 0) as households_registered,
    coalesce(moved.households_deregistered, 0) as households_deregistered
from spine
left join {{ ref('int_residents_counted_daily') }} as residents using (grid_id, date_day)
left join living using (grid_id, date_day)
left join moved using (grid_id, date_day)

-- Households as a business-time history: one row per household and state the register delivered
-- (valid_from … valid_to, end exclusive), with member counts and the tier by the one rule. A household's
-- first state starts when it registered; each later delivery starts a new state; deregistration ends it.
with records as (
    select * from {{ ref('stg_population__person_records') }}
),

living_records as (
    -- the latest delivery of each person's state at each change (a file delivered twice counts once)
    select *
    from records
    where change_type <> 'deregister'
    qualify row_number() over (partition by person_key, changed_at order by delivered_on desc, delivered_row desc) = 1
),

states as (
    select
        household_id,
        changed_at,
        min(registered_on) as registered_on,
        any_value(grid_id) as grid_id,
        any_value(building) as building,
        any_value(unit) as unit,
        any_value(room) as room,
        any_value(landlord_household_id) as landlord_household_id,
        bool_or(is_renter) as is_renter,
        count(distinct person_key) as members,
        count(distinct person_key) filter (where residence_type = 'floating') as floating,
        count(distinct person_key) filter (where focus_person) as focus_persons,
        count(distinct person_key) filter (where elderly_alone) as elderly_alone,
        count(distinct person_key) filter (where disabled) as disabled,
        count(distinct person_key) filter (where low_income) as low_income,
        count(distinct person_key) filter (where minor_left_behind) as minors_left_behind,
        any_value(household_tier) as delivered_tier
    from living_records
    group by household_id, changed_at
),

deregistered as (
    select household_id, min(deregistered_on) as deregistered_on
    from records
    where change_type = 'deregister'
    group by household_id
),

versions as (
    select
        states.*,
        case
            when row_number() over (partition by household_id order by changed_at) = 1
                then least(registered_on, changed_at)
            else changed_at
        end as valid_from,
        deregistered.deregistered_on
    from states
    left join deregistered using (household_id)
)

select
    household_id,
    grid_id,
    building,
    unit,
    room,
    landlord_household_id,
    is_renter,
    members,
    case when is_renter then members else 0 end as renters,
    floating,
    focus_persons,
    elderly_alone,
    disabled,
    low_income,
    minors_left_behind,
    {{ household_tier('focus_persons', 'is_renter') }} as household_tier,
    delivered_tier,
    registered_on,
    valid_from,
    coalesce(lead(valid_from) over (partition by household_id order by valid_from), deregistered_on) as valid_to
from versions

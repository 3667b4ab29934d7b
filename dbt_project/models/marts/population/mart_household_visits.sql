-- The grid worker's visit list: every household living in an L3 grid at the end of the period, with the
-- head's masked name and phone (never clear), its room, tier and care needs, most urgent first.
with households as (
    select *
    from {{ ref('int_household_versions') }}
    where valid_to is null
),

heads as (
    select household_id, name_mask, phone_mask
    from {{ ref('int_persons_latest') }}
    where relation_to_head = 'head'
    qualify row_number() over (partition by household_id order by changed_at desc) = 1
)

select
    households.grid_id,
    households.household_id,
    households.building,
    households.unit,
    households.room,
    heads.name_mask as head_name_mask,
    heads.phone_mask as head_phone_mask,
    households.members,
    households.is_renter,
    households.household_tier,
    households.focus_persons,
    households.elderly_alone,
    households.disabled,
    households.low_income,
    households.minors_left_behind,
    households.registered_on,
    case
        when households.household_tier = 'red' then 1
        when households.elderly_alone + households.minors_left_behind + households.disabled > 0 then 2
        when households.household_tier = 'yellow' then 3
        else 4
    end as visit_priority
from households
left join heads using (household_id)

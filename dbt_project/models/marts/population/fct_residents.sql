-- Current residents (latest register record, not deregistered), pseudonymized, with age band and the
-- household's tier by the one rule (macro household_tier, applied in int_household_versions).
with persons as (
    select * from {{ ref('int_persons_latest') }}
),

households as (
    select household_id, household_tier
    from {{ ref('int_household_versions') }}
    qualify row_number() over (partition by household_id order by valid_from desc) = 1
),

period as (
    select * from {{ ref('int_data_period') }}
)

select
    persons.person_key,
    persons.name_mask,
    persons.household_id,
    persons.grid_id,
    persons.sex,
    persons.birth_year,
    extract(year from period.last_day) - persons.birth_year as age,
    case
        when extract(year from period.last_day) - persons.birth_year < 18 then '0-17'
        when extract(year from period.last_day) - persons.birth_year < 35 then '18-34'
        when extract(year from period.last_day) - persons.birth_year < 60 then '35-59'
        when extract(year from period.last_day) - persons.birth_year < 80 then '60-79'
        else '80+'
    end as age_band,
    persons.residence_type,
    persons.is_renter,
    persons.elderly_alone,
    persons.disabled,
    persons.low_income,
    persons.minor_left_behind,
    persons.focus_person,
    households.household_tier,
    persons.registered_on,
    persons.chronic_illness,
    persons.veteran,
    persons.relation_to_head
from persons
cross join period
left join households using (household_id)
where persons.deregistered_on is null or persons.deregistered_on > period.last_day

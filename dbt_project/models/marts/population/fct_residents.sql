-- Current residents (latest register record, not deregistered), pseudonymized, with age band.
with persons as (
    select * from {{ ref('int_persons_latest') }}
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
    persons.household_tier,
    persons.registered_on
from persons
cross join period
where persons.deregistered_on is null or persons.deregistered_on > period.last_day

-- Population make-up per L3 grid at the end of the reporting period.
select
    grid_id,
    count(*) as residents,
    count(distinct household_id) as households,
    count(*) filter (where residence_type = 'floating') as floating,
    count(*) filter (where is_renter) as renters,
    count(*) filter (where age_band = '0-17') as age_0_17,
    count(*) filter (where age_band in ('18-34', '35-59')) as age_18_59,
    count(*) filter (where age_band in ('60-79', '80+')) as age_60_plus,
    count(*) filter (where elderly_alone) as elderly_alone,
    count(*) filter (where focus_person) as focus_persons,
    count(distinct household_id) filter (where household_tier = 'red') as households_red,
    count(distinct household_id) filter (where household_tier = 'yellow') as households_yellow,
    count(distinct household_id) filter (where household_tier = 'green') as households_green
from {{ ref('fct_residents') }}
group by grid_id

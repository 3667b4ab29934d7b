-- Which inputs the KPIs need does the warehouse's data hold (one row per input of dim_kpis' `requires`)?
-- A KPI whose input the sources lack (no verification step, no escalation ladder, no ratings …) is not
-- available: the marts show it as such and leave it out of the overall score, rather than 0 % in red.
with events as (
    select event_type, level, satisfaction, mediation_outcome from {{ ref('stg_incidents__events') }}
),

incident_inputs as (
    select
        count(*) filter (where event_type = 'verified') > 0 as verification,
        -- a ladder is in use when cases are handled at more than one level
        count(distinct level) > 1 as escalation_ladder,
        count(*) filter (where event_type = 'accepted') > 0 as acceptance,
        count(satisfaction) > 0 as ratings,
        count(mediation_outcome) > 0 as mediation
    from events
),

other_inputs as (
    select
        (select count(*) from {{ ref('stg_population__person_records') }}) > 0 as population,
        (select count(*) from {{ ref('stg_devices__telemetry_events') }}) > 0 as devices,
        (select count(*) from {{ ref('stg_foot_traffic__counts') }}) > 0 as foot_traffic
)

select 'verification' as input, verification as is_available from incident_inputs
union all
select 'escalation_ladder' as input, escalation_ladder as is_available from incident_inputs
union all
select 'acceptance' as input, acceptance as is_available from incident_inputs
union all
select 'ratings' as input, ratings as is_available from incident_inputs
union all
select 'mediation' as input, mediation as is_available from incident_inputs
union all
select 'population' as input, population as is_available from other_inputs
union all
select 'devices' as input, devices as is_available from other_inputs
union all
select 'foot_traffic' as input, foot_traffic as is_available from other_inputs

with source as (
    select * from {{ source('devices', 'device_welfare_outcomes') }}
    {{ latest_delivery('household_id, "at", outcome, actor') }}
)

select household_id, "at" as outcome_at, outcome, actor from source

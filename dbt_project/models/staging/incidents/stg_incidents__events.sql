with source as (
    select * from {{ source('incidents', 'incident_events') }}
    {{ latest_delivery('case_id, seq') }}
),

renamed as (
    select
        case_id,
        seq,
        event_type,
        "at" as event_at,
        level,
        actor,
        satisfaction,
        mediation_outcome
    from source
)

select * from renamed

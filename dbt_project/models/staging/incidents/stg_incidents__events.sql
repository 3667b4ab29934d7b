with source as (
    select * from {{ source('incidents', 'incident_events') }}
    qualify row_number() over (partition by case_id, seq order by dt desc, _row desc) = 1
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

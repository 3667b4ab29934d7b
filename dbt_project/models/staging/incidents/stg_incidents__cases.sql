with source as (
    select * from {{ source('incidents', 'incident_cases') }}
    {{ latest_delivery('case_id') }}
),

renamed as (
    select
        case_id,
        reported_at,
        channel,
        category_l1,
        category_l2,
        grid_id,
        lat,
        lon,
        address,
        description,
        reporter_phone_key as reporter_key,
        priority,
        due_at,
        sla_hours,
        device_id
    from source
)

select * from renamed

with source as (
    select * from {{ source('meta', 'landing_files') }}
),

renamed as (
    select
        source as source_name,
        dt as landed_on,
        file,
        bytes,
        expected,
        scanned_at
    from source
)

select * from renamed

with source as (
    select * from {{ source('meta', 'ingest_log') }}
),

renamed as (
    select
        source as source_name,
        table_name,
        dt as landed_on,
        file,
        rows_in,
        rows_loaded,
        rows_quarantined,
        coalesce(rows_deduplicated, 0) as rows_deduplicated,
        ingested_at
    from source
)

select * from renamed

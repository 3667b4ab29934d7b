-- Hourly counts per counter; an hour a counter did not report has no row (a gap, not a zero).
with source as (
    select * from {{ source('foot_traffic', 'foot_traffic_counts') }}
    {{ latest_delivery('counter_id, ts') }}
),

renamed as (
    select
        counter_id,
        zone_id,
        ts as hour_start,
        count_in,
        count_out
    from source
)

select * from renamed

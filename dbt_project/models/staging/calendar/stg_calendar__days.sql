-- The deployment's working calendar: one row per day, decided by the holiday file, chinese-calendar (CN) or
-- the holidays package (models_ml/calendar.py).
with source as (
    select * from {{ source('calendar', 'calendar') }}
),

renamed as (
    select
        cast(date as date) as date_day,
        is_workday,
        is_holiday,
        is_adjusted_workday,
        holiday,
        source as calendar_source,
        region
    from source
)

select * from renamed

-- Register change feed: one row per delivered person record (already pseudonymized at ingest).
with source as (
    select * from {{ source('population', 'population_register') }}
),

renamed as (
    select
        id_number_key as person_key,
        name_mask,
        phone_mask,
        id_number_region as home_region,
        coalesce(birth_date_year, id_number_birth_year) as birth_year,
        sex,
        ethnicity,
        household_id,
        relation_to_head,
        building,
        unit,
        room,
        grid_id,
        residence_type,
        is_renter,
        landlord_household_id,
        move_in_date,
        registered_on,
        deregistered_on,
        occupation,
        employer_type,
        education,
        marital_status,
        elderly_alone,
        disabled,
        chronic_illness,
        low_income,
        veteran,
        minor_left_behind,
        focus_person,
        pets,
        vehicle_plates_masks as vehicle_plate_masks,
        household_tier,
        change_type,
        changed_at,
        dt as delivered_on,
        _row as delivered_row
    from source
)

select * from renamed

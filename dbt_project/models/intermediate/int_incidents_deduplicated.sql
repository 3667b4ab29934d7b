-- Every case with the master case it repeats (itself when it is not a repeat report). The rule and its
-- thresholds live in dbt_project.yml (vars duplicate_window_hours, duplicate_distance_metres).
with cases as (
    select case_id, reported_at, category_l2, grid_id, lat, lon, address
    from {{ ref('stg_incidents__cases') }}
),

matches as (
    -- Earlier cases this one plausibly repeats.
    select
        later.case_id,
        earlier.case_id as earlier_case_id,
        earlier.reported_at as earlier_reported_at
    from cases as later
    join cases as earlier
        on later.category_l2 = earlier.category_l2
        and later.grid_id = earlier.grid_id
        and (
            later.reported_at > earlier.reported_at
            or (later.reported_at = earlier.reported_at and later.case_id > earlier.case_id)
        )
        and later.reported_at
        <= earlier.reported_at + to_milliseconds(cast({{ var('duplicate_window_hours') }} * 3600000 as bigint))
    where
        later.category_l2 not in (
            {%- for code in var('duplicate_exempt_categories', []) %}'{{ code }}'{{ ", " if not loop.last }}{% endfor %}
            {%- if not var('duplicate_exempt_categories', []) %}''{% endif %}
        )
        and case
            when later.lat is not null and later.lon is not null and earlier.lat is not null and earlier.lon is not null
                then {{ var('duplicate_distance_metres') }}
                >= {{ distance_metres('earlier.lat', 'earlier.lon', 'later.lat', 'later.lon') }}  -- noqa: LT02
            else earlier.address = later.address
        end
),

first_match as (
    select case_id, arg_min(earlier_case_id, earlier_reported_at) as earlier_case_id
    from matches
    group by case_id
)

select
    cases.case_id,
    -- A repeat of a repeat points at the first report of the chain.
    coalesce(upstream.earlier_case_id, first_match.earlier_case_id, cases.case_id) as master_case_id,
    first_match.case_id is not null as is_duplicate
from cases
left join first_match using (case_id)
left join first_match as upstream on first_match.earlier_case_id = upstream.case_id

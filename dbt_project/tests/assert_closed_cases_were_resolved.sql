-- A case can only be closed after it was resolved.
select case_id from {{ ref('fct_incidents') }} where is_closed and resolved_at is null

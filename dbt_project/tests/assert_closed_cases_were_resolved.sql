-- A case can only be closed after it was resolved. A gap means part of its event log has not landed
-- yet (a late file), so this warns rather than stopping the build.
{{ config(severity='warn') }}
select case_id from {{ ref('fct_incidents') }} where is_closed and resolved_at is null

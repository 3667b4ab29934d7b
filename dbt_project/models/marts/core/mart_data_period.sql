-- The reporting period of the warehouse: one row, the first and last day with data (what a serving
-- snapshot is "as of").
select first_day, last_day from {{ ref('int_data_period') }}

-- The reporting period of the warehouse: one row, the first and last day with data and the day a serving
-- snapshot is "as of" (the last report).
select first_day, last_day, as_of_day from {{ ref('int_data_period') }}

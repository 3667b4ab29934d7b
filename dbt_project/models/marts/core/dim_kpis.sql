-- The KPI catalogue: each KPI's numerator and denominator columns in the marts, unit, direction, target.
select * from {{ ref('kpi_definitions') }}

-- Which household each welfare check is for: only for roles that may view households (the grid worker's list).
select check_id, household_id, grid_id
from {{ ref('int_welfare_checks') }}

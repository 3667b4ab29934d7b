-- Welfare checks of elderly people living alone (int_welfare_checks) without the household: the figures every
-- role that sees the grid may see. Which household a check is for is in fct_welfare_check_households.
select * exclude (household_id)
from {{ ref('int_welfare_checks') }}

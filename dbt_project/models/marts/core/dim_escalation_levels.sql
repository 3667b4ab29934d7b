-- The escalation ladder (逐级吹哨) a case climbs, lowest level first, from the escalation_levels seed.
select
    level,
    cast(level_rank as integer) as level_rank,
    name_zh,
    name_en
from {{ ref('escalation_levels') }}

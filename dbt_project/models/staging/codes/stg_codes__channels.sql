-- The channels a case can come in through: the product's (seed) and the district's own (source district_codes).
select *, 'product' as code_source from {{ ref('channels') }}
union all by name
select channel, name_zh, name_en, 'district' as code_source
from {{ source('district_codes', 'district_channels') }}
where channel not in (select channel from {{ ref('channels') }})

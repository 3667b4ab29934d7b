-- The case taxonomy: the product's categories (seed) and the district's own (source district_codes), which
-- the ingest has checked never redefine a product code.
select *, 'product' as code_source from {{ ref('categories') }}
union all by name
select
    category_l1,
    category_l2,
    l1_name_zh,
    l1_name_en,
    l2_name_zh,
    l2_name_en,
    cast(nullif(sla_accept_hours, '') as double) as sla_accept_hours,
    cast(nullif(sla_resolve_hours, '') as double) as sla_resolve_hours,
    cast(is_dispute as boolean) as is_dispute,
    cast(is_preventable as boolean) as is_preventable,
    'district' as code_source
from {{ source('district_codes', 'district_categories') }}
where category_l2 not in (select category_l2 from {{ ref('categories') }})

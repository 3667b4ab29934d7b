-- Quarantined rows per table, landing day and broken rule.
select
    table_name,
    landed_on,
    rule,
    column_name,
    count(*) as rows_quarantined
from {{ ref('stg_meta__quarantined_rows') }}
group by all

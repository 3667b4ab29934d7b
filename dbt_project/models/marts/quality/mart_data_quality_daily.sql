-- Per table and landing day: rows in, loaded, quarantined and de-duplicated (the same device message twice), and
-- whether they reconcile.
select
    source_name,
    table_name,
    landed_on,
    sum(rows_in) as rows_in,
    sum(rows_loaded) as rows_loaded,
    sum(rows_quarantined) as rows_quarantined,
    sum(rows_deduplicated) as rows_deduplicated,
    sum(rows_in) = sum(rows_loaded) + sum(rows_quarantined) + sum(rows_deduplicated) as is_reconciled,
    max(ingested_at) as ingested_at
from {{ ref('stg_meta__ingest_log') }}
group by all

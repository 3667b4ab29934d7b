-- Per source: the last landed partition, the last successful load, and files or folders nobody expects.
-- Dashboards judge staleness against today's date with stale_after_days (null: reference data, never stale).
with landed as (
    select
        source_name,
        max(landed_on) filter (where expected) as last_landed_on,
        count(*) filter (where expected) as files_landed,
        count(*) filter (where not expected) as unexpected_files
    from {{ ref('stg_meta__landing_files') }}
    group by all
),

loaded as (
    select source_name, max(landed_on) as last_loaded_on, max(ingested_at) as last_ingested_at
    from {{ ref('stg_meta__ingest_log') }}
    group by all
)

select
    coalesce(cadence.source_name, landed.source_name) as source_name,
    coalesce(cadence.name_zh, landed.source_name) as name_zh,
    coalesce(cadence.name_en, landed.source_name) as name_en,
    coalesce(cadence.delivery, 'unknown') as delivery,
    cadence.stale_after_days,
    landed.last_landed_on,
    loaded.last_loaded_on,
    loaded.last_ingested_at,
    coalesce(landed.files_landed, 0) as files_landed,
    coalesce(landed.unexpected_files, 0) as unexpected_files,
    cadence.source_name is null as is_unknown_source
from {{ ref('source_cadence') }} as cadence
full outer join landed using (source_name)
left join loaded on loaded.source_name = coalesce(cadence.source_name, landed.source_name)

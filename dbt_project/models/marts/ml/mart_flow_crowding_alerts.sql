-- Forecast hours whose 90 % upper bound exceeds the zone's safe capacity, with the zone's names.
with alerts as (
    select * from {{ source('ml', 'flow_crowding_alerts') }}
),

zones as (
    select * from {{ ref('dim_zones') }}
)

select
    alerts.zone_id,
    zones.zone_name_zh,
    zones.zone_name_en,
    alerts.ts,
    alerts.q50,
    alerts.q90,
    alerts.safe_capacity,
    alerts.excess_share,
    alerts.likely,
    alerts.model_version
from alerts
inner join zones on alerts.zone_id = zones.zone_id

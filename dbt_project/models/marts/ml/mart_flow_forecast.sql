-- The foot-traffic forecast per zone and hour (median and 80 % band) with the zone's names and the
-- model that made it.
with forecast as (
    select * from {{ source('ml', 'flow_forecast') }}
),

zones as (
    select * from {{ ref('dim_zones') }}
)

select
    forecast.zone_id,
    zones.zone_name_zh,
    zones.zone_name_en,
    zones.district_code,
    forecast.ts,
    forecast.q10,
    forecast.q50,
    forecast.q90,
    forecast.safe_capacity,
    forecast.q90 / forecast.safe_capacity as load_q90,
    forecast.origin,
    forecast.model_version,
    forecast.train_start,
    forecast.train_end
from forecast
inner join zones on forecast.zone_id = zones.zone_id

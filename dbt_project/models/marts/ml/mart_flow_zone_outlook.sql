-- Per zone over the next 7 days: the highest forecast upper bound against the safe capacity, and the
-- hours in crowding alert.
with forecast as (
    select * from {{ ref('mart_flow_forecast') }}
),

alerts as (
    select zone_id, count(*) as alert_hours from {{ ref('mart_flow_crowding_alerts') }} group by zone_id
)

select
    forecast.zone_id,
    any_value(forecast.zone_name_zh) as zone_name_zh,
    any_value(forecast.zone_name_en) as zone_name_en,
    max(forecast.q90) as peak_q90,
    any_value(forecast.safe_capacity) as safe_capacity,
    max(forecast.load_q90) as peak_load,
    coalesce(any_value(alerts.alert_hours), 0) as alert_hours
from forecast
left join alerts on forecast.zone_id = alerts.zone_id
group by forecast.zone_id

-- How far to trust the foot-traffic forecast: the rolling-origin backtest per dataset (demo = the
-- warehouse's zones, from the daily run; melbourne = real counts, from `gridsight flow-backtest
-- --melbourne`), zone and method, with zone names where the zone is one of ours.
with backtests as (
    select * from {{ source('ml', 'flow_backtest') }}
    union all by name
    select * from {{ source('ml', 'flow_backtest_melbourne') }}
),

zones as (
    select * from {{ ref('dim_zones') }}
)

select
    backtests.dataset,
    backtests.zone_id,
    backtests.zone_id = 'ALL' as is_all_zones,
    zones.zone_name_zh,
    zones.zone_name_en,
    backtests.method,
    backtests.mase,
    backtests.wape,
    backtests.coverage_80,
    backtests.hours_scored,
    backtests.origins,
    backtests.model_version
from backtests
left join zones on backtests.dataset = 'demo' and backtests.zone_id = zones.zone_id

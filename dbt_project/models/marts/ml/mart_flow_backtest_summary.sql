-- The flow backtest over all zones in one row per dataset: the model against the seasonal-naive
-- baseline (a lower MASE and WAPE is better; coverage should be near 80 %).
with overall as (
    select * from {{ ref('mart_flow_backtest') }} where is_all_zones
)

select
    dataset,
    any_value(mase) filter (where method = 'model') as model_mase,
    any_value(mase) filter (where method = 'seasonal_naive') as naive_mase,
    any_value(wape) filter (where method = 'model') as model_wape,
    any_value(wape) filter (where method = 'seasonal_naive') as naive_wape,
    any_value(coverage_80) filter (where method = 'model') as model_coverage_80,
    any_value(coverage_80) filter (where method = 'seasonal_naive') as naive_coverage_80,
    model_mase - naive_mase as mase_vs_naive,
    model_wape - naive_wape as wape_vs_naive,
    any_value(origins) as origins,
    any_value(model_version) as model_version
from overall
group by dataset
having count(*) filter (where method = 'model') = 1 and count(*) filter (where method = 'seasonal_naive') = 1

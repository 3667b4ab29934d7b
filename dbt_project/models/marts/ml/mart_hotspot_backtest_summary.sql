-- The hotspot backtest in one row per model, as the backtest asset summarised it (means over the
-- backtest weeks and the best baseline: models_ml.hotspot_backtest.summary), labelled for the page.
select
    model,
    model = 'model' as is_model,
    is_best_baseline,
    weeks,
    pai_10,
    hit_rate_10,
    pei_10,
    pai_20,
    hit_rate_20,
    pei_20,
    poisson_deviance
from {{ source('ml', 'hotspot_backtest_summary') }}

-- The hotspot backtest week by week: each origin's metrics for the model and each baseline.
select
    cast(origin as date) as origin,
    cast(target_start as date) as target_start,
    cast(target_end as date) as target_end,
    model,
    model = 'model' as is_model,
    n_grids,
    disputes,
    poisson_deviance,
    hit_rate_10,
    pai_10,
    pei_10,
    hit_rate_20,
    pai_20,
    pei_20,
    cast(model_trained_through as date) as model_trained_through
from {{ source('ml', 'hotspot_backtest') }}

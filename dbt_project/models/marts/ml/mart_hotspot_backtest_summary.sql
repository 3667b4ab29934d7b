-- The hotspot backtest in one row per model: each metric's mean over the backtest weeks (a week
-- without disputes has no hit rate, PAI or PEI and is left out of those means), and which baseline did
-- best at PAI@10 % — the figure the model has to beat.
with weeks as (
    select * from {{ ref('mart_hotspot_backtest') }}
),

means as (
    select
        model,
        any_value(is_model) as is_model,
        count(distinct origin) as weeks,
        avg(pai_10) as pai_10,
        avg(hit_rate_10) as hit_rate_10,
        avg(pei_10) as pei_10,
        avg(pai_20) as pai_20,
        avg(hit_rate_20) as hit_rate_20,
        avg(pei_20) as pei_20,
        avg(poisson_deviance) as poisson_deviance
    from weeks
    group by model
),

ranked as (
    select
        *,
        row_number() over (partition by is_model order by pai_10 desc nulls last, model asc) as rank_in_kind
    from means
)

select
    model,
    is_model,
    not is_model and rank_in_kind = 1 as is_best_baseline,
    weeks,
    pai_10,
    hit_rate_10,
    pei_10,
    pai_20,
    hit_rate_20,
    pei_20,
    poisson_deviance
from ranked

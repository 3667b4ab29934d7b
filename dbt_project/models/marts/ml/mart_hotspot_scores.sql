-- Next week's dispute risk per L3 grid, with the grid's and community's names, the main cause's name,
-- and the model's reasons (feature codes and factors; the page labels them).
with scores as (
    select * from {{ source('ml', 'hotspot_scores') }}
),

grids as (
    select * from {{ ref('dim_grids') }}
),

categories as (
    select * from {{ ref('dim_categories') }}
)

select
    scores.grid_id,
    grids.name_zh,
    grids.name_en,
    grids.community_name_zh,
    grids.community_name_en,
    grids.geometry_geojson,
    scores.rank,
    scores.risk_tier,
    scores.expected_disputes,
    scores.disputes_last_4w,
    scores.baseline_mean_4w,
    scores.reason_1,
    scores.reason_1_factor,
    scores.reason_2,
    scores.reason_2_factor,
    scores.reason_3,
    scores.reason_3_factor,
    scores.action,
    scores.main_cause,
    categories.l2_name_zh as cause_zh,
    categories.l2_name_en as cause_en,
    scores.week_start,
    scores.week_end,
    scores.data_through,
    scores.model_trained_through
from scores
inner join grids on scores.grid_id = grids.grid_id
left join categories on scores.main_cause = categories.category_l2

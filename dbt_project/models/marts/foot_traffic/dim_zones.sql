-- Foot-traffic zones: names, business district, the L3 grid each zone lies in, and its safe capacity.
select
    zone_id,
    district_code,
    district_name_zh,
    district_name_en,
    name_zh as zone_name_zh,
    name_en as zone_name_en,
    grid_id,
    safe_capacity
from {{ ref('stg_foot_traffic__zones') }}

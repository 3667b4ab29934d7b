-- The latest known record of every person in the register (one row per person_key).
select *
from {{ ref('stg_population__person_records') }}
qualify row_number() over (partition by person_key order by changed_at desc, delivered_on desc, delivered_row desc) = 1

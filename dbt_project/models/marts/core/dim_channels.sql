select * from {{ ref('stg_codes__channels') }}

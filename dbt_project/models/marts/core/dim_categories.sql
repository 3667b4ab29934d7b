select * from {{ ref('stg_codes__categories') }}

select * from {{ ref('channels') }}

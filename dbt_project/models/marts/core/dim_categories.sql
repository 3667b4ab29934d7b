select * from {{ ref('categories') }}

{#- Keep the latest delivered row per key: a later landing day wins, then the later row of its file.
    Re-delivered rows (the same key in several files) are therefore counted once. -#}
{% macro latest_delivery(key_columns) -%}
    qualify row_number() over (partition by {{ key_columns }} order by dt desc, _row desc) = 1
{%- endmacro %}

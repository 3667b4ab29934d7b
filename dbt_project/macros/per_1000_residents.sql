{#- A per-capita rate: events per 1,000 residents (null where nobody lives). The one definition other marts use. -#}
{% macro per_1000_residents(events, residents) -%}
    cast({{ events }} as double) * 1000 / nullif({{ residents }}, 0)
{%- endmacro %}

{#- Scorecard status of a score (actual against target, CityScore): green from 1, yellow from 0.9, else red. -#}
{% macro kpi_status(score) -%}
    case when {{ score }} >= 1 then 'green' when {{ score }} >= 0.9 then 'yellow' when {{ score }} is not null
        then 'red' end
{%- endmacro %}

{#- Schemas are named by layer (staging, intermediate, marts, reference), not prefixed by the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}

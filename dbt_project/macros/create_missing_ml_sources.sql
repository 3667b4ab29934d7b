{#- A model asset that has had too little data to write yet leaves no table; the ml marts still build,
    over an empty table with the columns its source declares (staging/ml/_ml__sources.yml). -#}
{% macro create_missing_ml_sources() -%}
    {%- if execute -%}
        {%- set statements = ["create schema if not exists ml"] -%}
        {%- for node in graph.sources.values() if node.source_name == 'ml' -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ column.data_type) -%}
            {%- endfor -%}
            {%- do statements.append('create table if not exists ml.' ~ node.identifier ~ ' (' ~ columns | join(', ') ~ ')') -%}
        {%- endfor -%}
        {{ statements | join(';\n') }}
    {%- endif -%}
{%- endmacro %}

{#- A model asset that has had too little data to write yet leaves no table; the ml marts still build,
    over an empty table with the columns its source declares (staging/ml/_ml__sources.yml). Likewise the
    district's code lists (staging/codes/_codes__sources.yml) before any incidents ingest has run. -#}
{% macro create_missing_ml_sources() -%}
    {%- if execute -%}
        {%- set statements = ["create schema if not exists ml", "create schema if not exists codes"] -%}
        {%- for node in graph.sources.values() if node.source_name in ('ml', 'district_codes') -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ column.data_type) -%}
            {%- endfor -%}
            {%- do statements.append('create table if not exists ' ~ node.schema ~ '.' ~ node.identifier ~ ' (' ~ columns | join(', ') ~ ')') -%}
        {%- endfor -%}
        {{ statements | join(';\n') }}
    {%- endif -%}
{%- endmacro %}

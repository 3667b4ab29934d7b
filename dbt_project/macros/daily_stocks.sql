{#- The day-end stocks of mart_grid_daily and mart_area_daily (backlog, each SLA alert tier, residents): a
    day without a row has the stocks of the area's latest earlier row (its flows are 0). The one list the
    area sums, the KPI windows' "last" values and (dashboards/queries/daily.py mirrors it) the pages read. -#}
{% macro daily_stocks() -%}
    {%- set stocks = ['backlog_end', 'overdue_end'] -%}
    {%- for tier in var('sla_alert_tiers')[:-1] -%}
        {%- do stocks.append('sla_' ~ ((tier * 100) | int) ~ '_end') -%}
    {%- endfor -%}
    {%- do stocks.append('residents') -%}
    {{ return(stocks) }}
{%- endmacro %}

{#- The SLA alert tier of an unresolved case at `at`: 50, 80 or 100 (% of its resolution SLA used, the
    tiers of var sla_alert_tiers), null below the first tier or when its category has no SLA.
    The one tier rule: fct_incidents (tier at the data's end) and mart_grid_daily (at each day's end). -#}
{% macro sla_alert_tier(reported_at, at, sla_resolve_hours) -%}
    {#- tier 100 is "overdue" (mart_grid_daily's overdue_end): the last tier must be the whole SLA -#}
    {%- if var('sla_alert_tiers') | last != 1.0 -%}
        {{ exceptions.raise_compiler_error("var sla_alert_tiers must end with 1.0 (overdue), not "
                                           ~ var('sla_alert_tiers') | last) }}
    {%- endif %}
    case when {{ sla_resolve_hours }} > 0 then
        case
            {%- for tier in var('sla_alert_tiers') | reverse %}
            when {{ hours_between(reported_at, at) }} / {{ sla_resolve_hours }} >= {{ tier }}
                then {{ (tier * 100) | int }}
            {%- endfor %}
        end
    end
{%- endmacro %}

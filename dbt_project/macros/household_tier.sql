{#- The household tier rule, in one place (the source register applies the same rule):
    red (重点人员户) if any member is a focus person, else yellow (临时租住户) for renters, else green (一般常住户). -#}
{% macro household_tier(focus_persons, is_renter) -%}
    case when {{ focus_persons }} > 0 then 'red' when {{ is_renter }} then 'yellow' else 'green' end
{%- endmacro %}

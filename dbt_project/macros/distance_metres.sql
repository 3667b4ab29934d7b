{#- Approximate ground distance in metres between two WGS84 points (equirectangular; exact enough within a city). -#}
{% macro distance_metres(lat1, lon1, lat2, lon2) -%}
    (111320.0 * sqrt(power({{ lat2 }} - {{ lat1 }}, 2)
        + power(({{ lon2 }} - {{ lon1 }}) * cos(radians(({{ lat1 }} + {{ lat2 }}) / 2)), 2)))
{%- endmacro %}

-- Every quarantined row of every source in one shape (the original values stay in quarantine.*).
{% set tables = ['grids', 'population_register', 'incident_cases', 'incident_events', 'device_registry',
                 'device_telemetry', 'foot_traffic_zones', 'foot_traffic_counts'] %}
{% for table in tables %}
    select
        '{{ table }}' as table_name,
        dt as landed_on,
        _file as file,
        _row as file_row,
        rule,
        column_name
    from {{ source('quarantine', table) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}

-- Every installed device, where it stands: the pages map alarms and offline devices from it. A device in a home
-- (door magnet, water meter of an elderly person living alone) has no place here: its place is the home.
select
    device_id,
    device_type,
    grid_id,
    case when not in_home then lat end as lat,
    case when not in_home then lon end as lon,
    installed_on
from {{ ref('int_device_settings') }}

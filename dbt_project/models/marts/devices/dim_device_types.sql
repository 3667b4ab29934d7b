-- The device types the fleet may hold (seed device_types), with their names for the pages.
select device_type, name_zh, name_en, reading_unit, severity, in_home
from {{ ref('device_types') }}

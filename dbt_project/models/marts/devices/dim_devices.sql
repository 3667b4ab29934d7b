-- Every installed device, where it stands: the pages map alarms and offline devices from it.
select device_id, device_type, grid_id, lat, lon, installed_on
from {{ ref('stg_devices__devices') }}

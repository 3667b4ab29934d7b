-- Welfare checks of elderly people living alone (door magnet, water meter in the home; docs/devices.md).
-- no_activity: for the household's quiet hours the door did not open and no water reading rose by
-- welfare_quiet_water_m3 or more; continuous_water: water rose in every reading for welfare_continuous_water_hours.
-- A check is raised when its window is complete, never while a household device was offline in that window (a
-- device fault, on the offline list), both from the time all the home's devices are in. An outcome closes the
-- household's latest check raised before it; a check closes with its first outcome.
with period as (
    select * from {{ ref('int_device_period') }}
),

home_devices as (
    select * from {{ ref('int_device_settings') }} where household_id is not null and in_home
),

households as (
    select
        household_id,
        min(grid_id) as grid_id,
        max(quiet_hours) as quiet_hours,
        -- watched once every device of the home is in: a door magnet alone is quiet every night
        greatest(cast(max(installed_on) as timestamp), any_value(period.starts_at)) as watched_from
    from home_devices
    cross join period
    group by household_id
),

readings as (
    select home.household_id, home.device_type, events.event_at, events.value,
        events.value - lag(events.value) over (partition by events.device_id order by events.event_at) as rise,
        lag(events.event_at) over (partition by events.device_id order by events.event_at) as previous_at
    from {{ ref('stg_devices__telemetry_events') }} as events
    join home_devices as home using (device_id)
    where events.event_type in ('reading', 'heartbeat') and events.value is not null
),

activity as (
    select household_id, event_at from readings
    where (device_type = 'door_magnet' and value > 0)
        or (device_type = 'water_meter' and rise >= {{ var('welfare_quiet_water_m3') }})
    union all
    select household_id, watched_from from households
),

quiet as (
    select
        activity.household_id,
        activity.event_at as quiet_since,
        activity.event_at + to_minutes(cast(households.quiet_hours * 60 as bigint)) as raised_at,
        lead(activity.event_at) over (partition by activity.household_id order by activity.event_at) as next_activity
    from activity
    join households using (household_id)
    where activity.event_at >= households.watched_from
),

no_activity as (
    select household_id, 'no_activity' as reason, quiet_since, raised_at
    from quiet
    cross join period
    where raised_at <= coalesce(next_activity, period.ends_at) and raised_at <= period.ends_at
),

water as (
    select readings.*, sum(case when readings.rise > 0 then 0 else 1 end)
        over (partition by readings.household_id order by readings.event_at rows unbounded preceding) as run
    from readings
    join households using (household_id)
    where readings.device_type = 'water_meter' and readings.event_at >= households.watched_from
),

running as (   -- water runs from the reading before the first rise of the run
    select *, min(previous_at) over (partition by household_id, run) as quiet_since
    from water
    where rise > 0
),

continuous_water as (
    select household_id, 'continuous_water' as reason, quiet_since, min(event_at) as raised_at
    from running
    -- 6 hours of readings, less five minutes for the meter's send jitter
    where event_at >= quiet_since + to_hours({{ var('welfare_continuous_water_hours') }}) - interval 5 minute
    group by household_id, run, quiet_since
),

raised as (
    select * from no_activity
    union all
    select * from continuous_water where raised_at is not null
),

offline_meanwhile as (
    select distinct raised.household_id, raised.reason, raised.raised_at
    from raised
    join home_devices as home using (household_id)
    join {{ ref('fct_device_state_intervals') }} as intervals
        on intervals.device_id = home.device_id and intervals.state = 'offline'
        and intervals.started_at < raised.raised_at
        and coalesce(intervals.ended_at, raised.raised_at) > raised.quiet_since
),

checks as (
    select raised.*
    from raised
    anti join offline_meanwhile using (household_id, reason, raised_at)
),

answered as (   -- each outcome with the household's latest check raised before it
    select checks.household_id, checks.reason, checks.raised_at, welfare.outcome, welfare.outcome_at, welfare.actor
    from {{ ref('stg_devices__welfare_outcomes') }} as welfare
    join checks on checks.household_id = welfare.household_id and checks.raised_at <= welfare.outcome_at
    qualify row_number() over (partition by welfare.household_id, welfare.outcome_at, welfare.outcome, welfare.actor
                               order by checks.raised_at desc, checks.reason) = 1
),

outcomes as (
    select household_id, reason, raised_at,
        arg_min(outcome, outcome_at) as outcome,
        min(outcome_at) as outcome_at,
        arg_min(actor, outcome_at) as outcome_by
    from answered
    group by all
)

select
    -- names the grid, never the household: the check's id is on by_grid marts and pages
    households.grid_id || ':' || checks.reason || ':' || strftime(checks.raised_at, '%Y%m%dT%H%M') || ':'
    || row_number() over (partition by households.grid_id, checks.reason, checks.raised_at
                          order by checks.household_id) as check_id,
    checks.household_id,
    households.grid_id,
    checks.reason,
    checks.quiet_since,
    checks.raised_at,
    outcomes.outcome,
    outcomes.outcome_at,
    outcomes.outcome_by,
    outcomes.outcome = 'safe_after_call' as settled_by_call,
    datediff('second', checks.raised_at, outcomes.outcome_at) / 3600.0 as hours_to_close,
    outcomes.outcome is null as is_open
from checks
join households using (household_id)
left join outcomes using (household_id, reason, raised_at)

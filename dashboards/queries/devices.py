"""Queries of the devices page (设备物联) and the cockpit's device tiles: fleet health by device type and grid,
the devices offline now, alarms and the cases they became, welfare checks and bins over their fill
threshold — from the device marts of docs/devices.md. The data layer has already cut every mart to the
user's grids (`meta: access: by_grid`); `types` and `grids` only narrow that further.

A snapshot published before the device marts existed (or a city without devices) lacks them, or has an older
shape: `available` says which marts carry the documented columns, and the page shows only those."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.data import Snapshot, has_table, query

# The documented columns the page reads, per mart (docs/devices.md).
COLUMNS = {
    "mart_device_health": ("device_type", "grid_id", "date_day", "devices_active", "device_days_online", "alarms",
                           "false_alarms", "confirmed_alarms", "suppressed_alarms", "faults",
                           "minutes_to_acknowledge_p50"),
    "mart_devices_offline": ("device_id", "device_type", "grid_id", "lat", "lon", "offline_since",
                             "hours_offline", "fault_code"),
    "fct_alarms": ("alarm_id", "device_id", "device_type", "grid_id", "code", "severity", "raised_at", "repeats",
                   "acknowledged_at", "disposition", "cleared_at", "is_open", "is_suppressed", "case_id",
                   "case_resolved_at", "minutes_to_acknowledge", "hours_to_resolve"),
    "fct_welfare_checks": ("check_id", "grid_id", "reason", "quiet_since", "raised_at", "outcome", "outcome_at",
                           "settled_by_call", "hours_to_close", "is_open"),
    "mart_bins_over_threshold": ("device_id", "grid_id", "lat", "lon", "fill_level", "read_at", "threshold",
                                 "collections_30d"),
}
# Where a device stands, for open alarms on the map (optional: not every snapshot has it).
LOCATIONS = ("device_id", "lat", "lon")
TYPE_NAMES = ("device_type", "name_zh", "name_en")


def _columns(snapshot: Snapshot, table: str) -> set[str]:
    if not has_table(snapshot, table):
        return set()
    return set(query(snapshot, f"select * from {table} limit 0").columns)


def available(snapshot: Snapshot) -> set[str]:
    """The device marts of COLUMNS this snapshot publishes with every documented column."""
    return {table for table, columns in COLUMNS.items() if set(columns) <= _columns(snapshot, table)}


def type_names(snapshot: Snapshot) -> pd.DataFrame:
    """device_type, name_zh, name_en of the seed device_types (dim_device_types), empty without it."""
    if not set(TYPE_NAMES) <= _columns(snapshot, "dim_device_types"):
        return pd.DataFrame(columns=list(TYPE_NAMES))
    return query(snapshot, "select device_type, name_zh, name_en from dim_device_types order by device_type")


def filter_options(snapshot: Snapshot, tables: set[str]) -> pd.DataFrame:
    """Every (device_type, grid_id) pair the device marts hold, with the grid's names: the filters' options."""
    parts = [f"select device_type, grid_id from {table}" for table in
             ("mart_device_health", "mart_devices_offline", "fct_alarms") if table in tables]
    if "mart_bins_over_threshold" in tables:
        parts.append("select 'trash_bin' as device_type, grid_id from mart_bins_over_threshold")
    if not parts:
        return pd.DataFrame(columns=["device_type", "grid_id", "name_zh", "name_en"])
    return query(snapshot, f"""
        select distinct d.device_type, d.grid_id, g.name_zh, g.name_en
        from ({' union all '.join(parts)}) as d left join dim_grids as g using (grid_id)
        order by d.grid_id, d.device_type""")


def _chosen(alias: str = "") -> str:
    return f"list_contains(?::varchar[], {alias}device_type) and list_contains(?::varchar[], {alias}grid_id)"


def health(snapshot: Snapshot, by: str, start: dt.date, end: dt.date, types: list[str],
           grids: list[str]) -> pd.DataFrame:
    """Fleet health per device_type or grid_id (`by`) over the days start … end: devices on the last day,
    online_rate (device-days online / device-days installed), alarms, false_share (false alarms per alarm),
    confirmed, suppressed, faults, and the median minutes to acknowledge the period's alarms (fct_alarms,
    suppressed ones left out; null without fct_alarms)."""
    if by not in ("device_type", "grid_id"):
        raise ValueError(f"health by {by!r}: device_type or grid_id")
    ack = ("""select {by}, median(minutes_to_acknowledge) as minutes_to_acknowledge
              from fct_alarms where not is_suppressed and cast(raised_at as date) between ? and ?
                  and """ + _chosen() + " group by {by}").format(by=by)
    has_alarms = "fct_alarms" in available(snapshot)
    return query(snapshot, f"""
        with days as (
            select * from mart_device_health where date_day between ? and ? and {_chosen()}
        ),
        health as (
            select {by},
                   sum(devices_active) filter (where date_day = (select max(date_day) from days)) as devices,
                   sum(device_days_online) / nullif(sum(devices_active), 0) as online_rate,
                   sum(alarms) as alarms, sum(false_alarms) as false_alarms,
                   sum(false_alarms) / nullif(sum(alarms), 0) as false_share,
                   sum(confirmed_alarms) as confirmed, sum(suppressed_alarms) as suppressed, sum(faults) as faults
            from days group by {by}
        ),
        ack as ({ack if has_alarms else f"select null::varchar as {by}, null::double as minutes_to_acknowledge"})
        select health.*, ack.minutes_to_acknowledge from health left join ack using ({by})
        order by online_rate, {by}""",
                 (start, end, types, grids, *((start, end, types, grids) if has_alarms else ())))


def fleet_totals(snapshot: Snapshot, start: dt.date, end: dt.date, types: list[str],
                 grids: list[str]) -> pd.Series:
    """The same figures as `health` for the whole chosen fleet (one row)."""
    has_alarms = "fct_alarms" in available(snapshot)
    ack = (f"""(select median(minutes_to_acknowledge) from fct_alarms where not is_suppressed
                and cast(raised_at as date) between ? and ? and {_chosen()})""" if has_alarms else "null::double")
    return query(snapshot, f"""
        with days as (
            select * from mart_device_health where date_day between ? and ? and {_chosen()}
        )
        select coalesce(sum(devices_active) filter (where date_day = (select max(date_day) from days)), 0)
                   as devices,
               sum(device_days_online) / nullif(sum(devices_active), 0) as online_rate,
               coalesce(sum(alarms), 0) as alarms, sum(false_alarms) / nullif(sum(alarms), 0) as false_share,
               {ack} as minutes_to_acknowledge
        from days""", (start, end, types, grids, *((start, end, types, grids) if has_alarms else ()))).iloc[0]


def has_places(snapshot: Snapshot) -> bool:
    """Whether the snapshot says where each device stands (dim_devices: device_id, lat, lon)."""
    return set(LOCATIONS) <= _columns(snapshot, "dim_devices")


def has_rooms(snapshot: Snapshot) -> bool:
    """Whether the visit list (building, unit, room per household) is there for the signed-in role."""
    return {"household_id", "building", "unit", "room"} <= _columns(snapshot, "mart_household_visits")


def daily_online(snapshot: Snapshot, start: dt.date, end: dt.date, types: list[str],
                 grids: list[str]) -> pd.DataFrame:
    """The fleet's online rate, alarms and faults on each day of the period."""
    return query(snapshot, f"""
        select date_day, sum(device_days_online) / nullif(sum(devices_active), 0) as online_rate,
               sum(alarms) as alarms, sum(faults) as faults
        from mart_device_health where date_day between ? and ? and {_chosen()}
        group by date_day order by date_day""", (start, end, types, grids))


def offline(snapshot: Snapshot, types: list[str], grids: list[str]) -> pd.DataFrame:
    """The devices offline at the end of the device period, longest offline first."""
    return query(snapshot, f"""
        select device_id, device_type, grid_id, lat, lon, offline_since, hours_offline, fault_code
        from mart_devices_offline where {_chosen()}
        order by hours_offline desc, device_id""", (types, grids))


def open_alarm_places(snapshot: Snapshot, types: list[str], grids: list[str]) -> pd.DataFrame:
    """Open, counted alarms with their device's place (dim_devices), empty when the snapshot has no places."""
    if "fct_alarms" not in available(snapshot) or not has_places(snapshot):
        return pd.DataFrame(columns=["device_id", "device_type", "grid_id", "code", "severity", "lat", "lon"])
    return query(snapshot, f"""
        select a.device_id, a.device_type, a.grid_id, a.code, a.severity, d.lat, d.lon
        from fct_alarms as a join dim_devices as d using (device_id)
        where a.is_open and not a.is_suppressed and {_chosen('a.')}
        order by a.raised_at""", (types, grids))


def follow_through(snapshot: Snapshot, start: dt.date, end: dt.date, types: list[str],
                   grids: list[str]) -> pd.Series:
    """Alarms raised in the period (suppressed left out) → confirmed → with a case → case resolved, the
    median hours to resolve, and the alarms open now (whenever raised)."""
    return query(snapshot, f"""
        select count(*) filter (where raised) as alarms,
               count(*) filter (where raised and disposition = 'confirmed') as confirmed,
               count(*) filter (where raised and disposition = 'confirmed' and case_id is not null) as with_case,
               count(*) filter (where raised and disposition = 'confirmed' and case_resolved_at is not null)
                   as resolved,
               median(hours_to_resolve) filter (where raised and disposition = 'confirmed') as hours_to_resolve,
               count(*) filter (where is_open) as open_alarms
        from (select *, cast(raised_at as date) between ? and ? as raised from fct_alarms
              where not is_suppressed and {_chosen()})""", (start, end, types, grids)).iloc[0]


def open_alarms(snapshot: Snapshot, types: list[str], grids: list[str]) -> pd.DataFrame:
    """The open, counted alarms, the oldest first."""
    return query(snapshot, f"""
        select alarm_id, device_id, device_type, grid_id, code, severity, raised_at, repeats, acknowledged_at,
               disposition, case_id
        from fct_alarms where is_open and not is_suppressed and {_chosen()}
        order by raised_at, alarm_id""", (types, grids))


def welfare_summary(snapshot: Snapshot, start: dt.date, end: dt.date, grids: list[str]) -> pd.Series:
    """Welfare checks open now; raised in the period, their share settled by a call and median hours to close."""
    return query(snapshot, """
        select count(*) filter (where is_open) as open_checks,
               count(*) filter (where raised) as raised,
               avg(case when settled_by_call then 1.0 else 0.0 end) filter (where raised and not is_open)
                   as settled_by_call,
               median(hours_to_close) filter (where raised and not is_open) as hours_to_close
        from (select *, cast(raised_at as date) between ? and ? as raised from fct_welfare_checks
              where list_contains(?::varchar[], grid_id))""", (start, end, grids)).iloc[0]


def welfare_checks(snapshot: Snapshot, start: dt.date, end: dt.date, grids: list[str],
                   with_rooms: bool) -> pd.DataFrame:
    """The checks open now and those raised in the period, open first then the newest, with their household
    (fct_welfare_check_households, published only to roles that may view households; empty for others): its id
    masked (the last two characters), and with `with_rooms` its building, unit and room from the visit list."""
    if not has_table(snapshot, "fct_welfare_check_households"):
        return pd.DataFrame(columns=["check_id", "grid_id", "household_mask", "building", "unit", "room", "reason",
                                     "quiet_since", "raised_at", "is_open", "outcome", "outcome_at", "hours_to_close"])
    rooms = ("left join mart_household_visits as v on v.household_id = h.household_id" if with_rooms
             else "left join (select null::varchar as building, null::varchar as unit, null::varchar as room) as v "
                  "on true")
    return query(snapshot, f"""
        select w.check_id, w.grid_id, '****' || right(h.household_id, 2) as household_mask,
               v.building, v.unit, v.room, w.reason, w.quiet_since, w.raised_at, w.is_open, w.outcome,
               w.outcome_at, w.hours_to_close
        from fct_welfare_checks as w join fct_welfare_check_households as h using (check_id) {rooms}
        where list_contains(?::varchar[], w.grid_id) and (w.is_open or cast(w.raised_at as date) between ? and ?)
        order by w.is_open desc, w.raised_at desc, w.check_id""", (grids, start, end))


def bins_over_threshold(snapshot: Snapshot, grids: list[str]) -> pd.DataFrame:
    """Bins over their fill threshold, the fullest first."""
    return query(snapshot, """
        select device_id, grid_id, lat, lon, fill_level, threshold, read_at, collections_30d
        from mart_bins_over_threshold where list_contains(?::varchar[], grid_id)
        order by fill_level desc, device_id""", (grids,))


def grid_outlines(snapshot: Snapshot) -> pd.DataFrame:
    """The outlines (grid_id, names, geometry_geojson) of every L3 grid the user sees, for the map."""
    return query(snapshot, """
        select grid_id, name_zh, name_en, geometry_geojson from dim_grids
        where level = 'grid' and geometry_geojson is not null order by grid_id""")

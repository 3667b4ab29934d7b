"""Any city's pedestrian counts → foot-traffic landing files (zones.csv, counts.csv), and the series the flow
backtest reads, through one mapping (`source: foot_traffic`, e.g. mappings/melbourne_counts.yaml).

Layouts: `long` (one row per counter and time: columns.counter_id, columns.ts, columns.count_in) or `wide`
(one row per time, one column per counter: columns.ts, and `counters:` the counter columns, default every
column the mapping does not name or `ignore:` lists; an empty cell is an hour that counter did not report,
a gap).
Ids: counter_id and zone_id are slugs of the source names (`Bourke Street Mall (North)` →
`bourke_street_mall_north`); two names with one slug are refused. Zones: one per counter, or per
columns.zone_id; names (zh and en) default to the source name. `safe_capacity` is explicit (a constant or a
column): the mapping must say what an over-capacity hour is. count_out: a counter that does not tell
directions (most city sensors count passers-by) has no count_out column; it stays empty, never a guess, and
the marts' visitors_out is then empty too. Two counts of one counter in the same clock hour (the hour that
occurs twice when summer time ends, once in local time) are summed into it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_contracts.importers.mapping import MappingError
from data_contracts.importers.source_mapping import (
    SourceMapping,
    clock_times,
    contract_target,
    landing_text,
    numbers,
    read_export,
    slug,
)
from data_contracts.specs import contracts_for
from gridsight import settings

TARGET = contract_target(
    "foot_traffic", fields=("lat", "lon"), optional=("count_out",), extra_keys=("layout", "counters", "ignore"),
    derived=("zone_id", "name_zh", "name_en", "counter_id", "count_in", "count_out", "grid_id"))
LAYOUTS = ("long", "wide")
ZONES, COUNTS = (c.names for c in contracts_for("foot_traffic"))


def load_mapping(path: Path | str) -> SourceMapping:
    mapping = SourceMapping.load(path, TARGET)
    layout = mapping.options.get("layout", "long")
    if layout not in LAYOUTS:
        raise MappingError(f"{mapping.path}: layout {layout!r} is long (one row per counter and time) or wide "
                           "(one column per counter)")
    needed = ("counter_id", "count_in") if layout == "long" else ()
    for name in needed:
        if name not in mapping.columns:
            raise MappingError(f"{mapping.path}: a long layout needs columns.{name}")
    if layout == "wide" and {"counter_id", "count_in", "count_out"} & set(mapping.columns):
        raise MappingError(f"{mapping.path}: a wide layout takes its counters from the column headers; "
                           "list them under counters: (not columns.counter_id / count_in / count_out)")
    if "ts" not in mapping.columns:
        raise MappingError(f"{mapping.path}: columns.ts is required (the hour each count is for)")
    if not mapping.has("grid_id") and not {"lat", "lon"} <= set(mapping.columns):
        raise MappingError(f"{mapping.path}: grid_id needs a column, a constant, or columns.lat and columns.lon "
                           "to place each zone in the district's grids")
    capacity = mapping.constants.get("safe_capacity")
    if capacity is not None and not (capacity.isdigit() and int(capacity) >= 1):
        raise MappingError(f"{mapping.path}: constants.safe_capacity {capacity!r} is not a whole number of "
                           "people per hour (at least 1)")
    return mapping


def _long(frame: pd.DataFrame, mapping: SourceMapping) -> tuple[pd.DataFrame, int]:
    """One row per counter and time with the source's names and text; also the empty cells left out."""
    if mapping.options.get("layout", "long") == "long":
        out = pd.DataFrame({name: mapping.column(frame, name) for name in
                            ("counter_id", "ts", "count_in", "count_out", "zone_id")})
        return out, 0
    named = set(mapping.columns.values()) | {str(c) for c in mapping.options.get("ignore") or []}
    counters = [str(c) for c in mapping.options.get("counters") or [c for c in frame.columns if c not in named]]
    missing = [c for c in counters if c not in frame.columns]
    if missing:
        raise MappingError(f"mapping {mapping.name!r}: the file lacks counter column {missing[0]!r}")
    if not counters:
        raise MappingError(f"mapping {mapping.name!r}: a wide file needs at least one counter column")
    if "zone_id" in mapping.columns:
        raise MappingError(f"mapping {mapping.name!r}: a wide layout has one zone per counter column")
    ts = mapping.column(frame, "ts")
    cells = frame[counters].fillna("").astype(str).apply(lambda c: c.str.strip())
    melted = cells.assign(ts=ts).melt(id_vars="ts", var_name="counter_id", value_name="count_in")
    empty = melted["count_in"] == ""
    out = melted[~empty].assign(count_out="", zone_id="")
    return out[["counter_id", "ts", "count_in", "count_out", "zone_id"]].reset_index(drop=True), int(empty.sum())


def _ids(names: pd.Series, what: str) -> pd.Series:
    """Slug ids of source names; refuses two names that make one id, and a name that makes none. An empty
    name stays empty (ingest quarantines its rows: the id is required)."""
    distinct = pd.Series([n for n in names.unique() if n != ""], dtype=object)
    ids = distinct.map(slug)
    if (ids == "").any():
        raise MappingError(f"{what} {distinct[ids == ''].iloc[0]!r} has no letters or digits to make an id of")
    clash = ids[ids.duplicated(keep=False)]
    if len(clash):
        pair = distinct[ids == clash.iloc[0]].tolist()
        raise MappingError(f"{what}s {pair[0]!r} and {pair[1]!r} would share the id {clash.iloc[0]!r}; rename one")
    return names.map({**dict(zip(distinct, ids, strict=True)), "": ""})


def canonical(frame: pd.DataFrame, mapping: SourceMapping, clock_zone: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(zones, counts, facts) as landing text; times are clock times in `clock_zone` (default the district's).
    facts: rows read, empty cells, summed duplicate hours."""
    mapping.check(frame)
    rows, empty = _long(frame, mapping)
    text, parsed = clock_times(rows["ts"], mapping.format_of("ts"), mapping.timezone, clock_zone or settings.TIMEZONE)
    rows["counter_name"] = rows["counter_id"]
    rows["zone_name"] = rows["zone_id"].where(rows["zone_id"] != "", rows["counter_id"])
    rows["counter_id"] = _ids(rows["counter_id"], "counter")
    rows["zone_id"] = _ids(rows["zone_name"], "zone")
    per_counter = rows.groupby("counter_id")["zone_id"].nunique()
    if (per_counter > 1).any():
        raise MappingError(f"mapping {mapping.name!r}: counter {per_counter[per_counter > 1].index[0]!r} lies in "
                           "more than one zone; a counter belongs to one zone")
    rows["ts"], rows["_at"] = text, parsed
    count_in, count_out = numbers(rows["count_in"]), numbers(rows["count_out"])
    # readable rows of one counter and clock hour are summed; anything unreadable passes on as text (ingest
    # quarantines it with its rule)
    readable = rows["_at"].notna() & count_in.notna() & ((rows["count_out"] == "") | count_out.notna())
    good = rows[readable].assign(count_in=count_in[readable], count_out=count_out[readable])
    summed = good.groupby(["counter_id", "zone_id", "ts"], as_index=False, sort=False).agg(
        count_in=("count_in", "sum"), count_out=("count_out", lambda s: s.sum(min_count=1)), _at=("_at", "first"))
    facts = {"rows_read": len(frame), "empty_cells": empty, "summed_hours": int(readable.sum()) - len(summed)}
    counts = pd.concat([summed, rows[~readable]], ignore_index=True)
    for name in ("count_in", "count_out"):
        counts[name] = counts[name].map(_integer_text)
    zones = _zones(frame, mapping, rows)
    return zones, counts, facts


def _integer_text(value) -> str:
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    return str(value)


def _zones(frame: pd.DataFrame, mapping: SourceMapping, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per zone: constants, or the zone's first source row's columns (long layout)."""
    first = rows.drop_duplicates("zone_id")
    source_rows = frame.loc[first.index] if mapping.options.get("layout", "long") == "long" else None
    zones = pd.DataFrame({"zone_id": first["zone_id"].to_numpy()})
    for name in ("district_code", "district_name_zh", "district_name_en", "grid_id", "safe_capacity", "lat", "lon",
                 "name_zh", "name_en"):
        if name in mapping.columns and source_rows is not None:
            zones[name] = mapping.column(source_rows, name).to_numpy()
        elif name in mapping.constants or name not in ("name_zh", "name_en"):
            zones[name] = mapping.constants.get(name, "")
        else:
            zones[name] = first["zone_name"].to_numpy()
    return zones


def series(path: Path | str, mapping: SourceMapping) -> pd.DataFrame:
    """The flow backtest's series (zone_id, ts, count) in the counters' own clock (the mapping's time zone).
    Refuses, with one line, unreadable times, unreadable or negative counts: a forecast needs every value."""
    frame = read_export(path)
    zones, counts, _ = canonical(frame, mapping, clock_zone=mapping.timezone)
    ts = pd.to_datetime(counts["ts"], errors="coerce", format="ISO8601")
    count = pd.to_numeric(counts["count_in"], errors="coerce")
    for bad, what in ((ts.isna(), "an unreadable time"), (count.isna(), "an unreadable count"),
                      (count < 0, "a negative count"), (count.abs() == float("inf"), "an infinite count")):
        if bad.any():
            row = counts[bad].iloc[0]
            raise MappingError(f"{path}: {int(bad.sum()):,} counts with {what} (first: counter "
                               f"{row['counter_id']!r} at {row['ts']!r}, count {row['count_in']!r})")
    whole = bool((count == count.round()).all())
    out = pd.DataFrame({"zone_id": counts["zone_id"], "ts": ts, "count": count.astype("int64" if whole else float)})
    out = out.groupby(["zone_id", "ts"], as_index=False)["count"].sum()
    return out.sort_values(["zone_id", "ts"], ignore_index=True)


def parts(frame: pd.DataFrame, mapping: SourceMapping, placer=None) -> tuple[list, dict, list[str]]:
    """Landing parts (path, writer, rows) for commit_import, facts, and [first day, last day]."""
    zones, counts, facts = canonical(frame, mapping)
    if placer is not None and {"lat", "lon"} <= set(mapping.columns):
        # each zone into the district's grid polygons by its first counter's coordinates
        grid_id, reason = placer.place(numbers(zones["lat"]), numbers(zones["lon"]), names=zones["name_en"])
        zones["grid_id"] = pd.Series(grid_id, index=zones.index).fillna("")
        facts["zones_unplaced"] = {str(k): int(v) for k, v in pd.Series(reason)[pd.Series(reason) != ""]
                                   .value_counts().items()}
    elif not mapping.has("grid_id"):
        raise MappingError(f"mapping {mapping.name!r}: no grid polygons to place zones by their counters' "
                           "coordinates; import the district's grids first, or map grid_id")
    days = counts["_at"].dt.date
    known = days.dropna()
    first_day = min(known) if len(known) else settings.today()
    counts["dt"] = days.where(days.notna(), first_day)
    out = []
    for day, part in counts.groupby("dt", sort=True):
        out.append((f"foot_traffic/dt={day:%Y-%m-%d}/counts.csv",
                    lambda p, part=part: landing_text(part, COUNTS).to_csv(p, index=False), len(part)))
    out.append((f"foot_traffic/dt={first_day:%Y-%m-%d}/zones.csv",
                lambda p: landing_text(zones, ZONES).to_csv(p, index=False), len(zones)))
    facts |= {"zones": len(zones), "counts": len(counts), "counters": int(counts["counter_id"].nunique()),
              "_grid_ids": set(zones["grid_id"])}
    return out, facts, [str(first_day), str(max(counts["dt"]) if len(counts) else first_day)]

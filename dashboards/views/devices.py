"""Devices (设备物联): fleet health by device type and grid, the devices offline now, the map of offline devices,
open alarms and full bins, alarms that became cases, welfare checks of elderly people living alone, and bins
over their fill threshold. Every figure comes from dashboards/queries/devices.py; a snapshot without device
marts says so and stops."""

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.access import current_user
from dashboards.audit import audit, page_filter
from dashboards.components.export import audited_download
from dashboards.components.grid_map import clockwise
from dashboards.components.page import PLOTLY_CONFIG, chart_layout, page_snapshot
from dashboards.components.period import period_control
from dashboards.i18n import code_label, name_column, t
from dashboards.queries import devices

snapshot = page_snapshot("devices", "devices_title")
user = current_user()
name = name_column()
tables = devices.available(snapshot)
options = devices.filter_options(snapshot, tables)
if not tables or options.empty:
    st.info(t("no_device_data"))
    st.stop()

names = devices.type_names(snapshot)
type_label = dict(zip(names["device_type"], names[name], strict=True))
grid_label = {g: (n if isinstance(n, str) else g) for g, n in zip(options["grid_id"], options[name], strict=True)}
all_types = sorted(set(options["device_type"]))
all_grids = sorted(grid_label)


def type_name(code: str) -> str:
    return type_label.get(code, code)


def when(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def share(value) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def number(value, digits: int = 0) -> str:
    return "—" if pd.isna(value) else f"{value:,.{digits}f}"


period_column, type_column, grid_column = st.columns([1, 2, 2])
start, end = period_control(period_column, snapshot, (7, 14, 30), name="device_period", default=14)
types = page_filter(type_column.multiselect, t("device_type"), all_types, default=all_types, format_func=type_name,
                    key="device_types")
grids = page_filter(grid_column.multiselect, t("grid"), all_grids, default=all_grids, format_func=grid_label.get,
                    key="device_grids")

# Fleet health: the online rate, alarms and acknowledgement per device type, then per grid.
if "mart_device_health" in tables:
    by_type = devices.health(snapshot, "device_type", start, end, types, grids)
    by_grid = devices.health(snapshot, "grid_id", start, end, types, grids)
    if by_type.empty:
        st.info(t("devices_nothing_chosen"))
    else:
        totals = devices.fleet_totals(snapshot, start, end, types, grids)
        tiles = st.columns(5)
        tiles[0].metric(t("devices_n"), f"{int(totals['devices']):,}")
        tiles[1].metric(t("online_rate"), share(totals["online_rate"]), help=t("online_rate_help"))
        tiles[2].metric(t("alarms"), f"{int(totals['alarms']):,}")
        tiles[3].metric(t("false_share"), share(totals["false_share"]))
        tiles[4].metric(t("minutes_to_ack"), number(totals["minutes_to_acknowledge"], 1))

        def health_table(frame: pd.DataFrame, key: str, label) -> pd.DataFrame:
            return pd.DataFrame({
                t(key): [label(v) for v in frame[frame.columns[0]]],
                t("devices_n"): frame["devices"].fillna(0).astype(int),
                t("online_rate"): [share(v) for v in frame["online_rate"]],
                t("alarms"): frame["alarms"].fillna(0).astype(int),
                t("false_share"): [share(v) for v in frame["false_share"]],
                t("confirmed_alarms"): frame["confirmed"].fillna(0).astype(int),
                t("suppressed_alarms"): frame["suppressed"].fillna(0).astype(int),
                t("faults"): frame["faults"].fillna(0).astype(int),
                t("minutes_to_ack"): [number(v, 1) for v in frame["minutes_to_acknowledge"]]})

        type_column, trend_column = st.columns([3, 2])
        with type_column:
            st.subheader(t("health_by_type"), help=t("online_rate_help"))
            type_table = health_table(by_type, "device_type", type_name)
            st.dataframe(type_table, hide_index=True, width="stretch", key="health_by_type")
            audited_download(t("export_csv"), type_table, f"device_health_{start}_{end}.csv", "export",
                             key="export_device_health", table="device_health", grids=sorted(grids),
                             types=sorted(types), start=str(start), end=str(end))
        with trend_column:
            st.subheader(t("online_trend"))
            overall = devices.daily_online(snapshot, start, end, types, grids)
            trend = go.Figure(go.Scatter(x=overall["date_day"], y=overall["online_rate"], mode="lines+markers",
                                         name=t("online_rate")))
            daily_ticks = {"dtick": 86_400_000} if (end - start).days < 15 else {}   # one tick a day
            chart_layout(trend, 280, yaxis=dict(tickformat=".0%", title=t("online_rate")),
                         xaxis=dict(tickformat="%m-%d", **daily_ticks))
            st.plotly_chart(trend, config=PLOTLY_CONFIG, width="stretch", key="online_trend")
        st.subheader(t("health_by_grid"))
        st.dataframe(health_table(by_grid, "grid", lambda g: grid_label.get(g, g)), hide_index=True,
                     width="stretch", key="health_by_grid")

# The devices offline now, and the map of offline devices, open alarms and full bins over the grid outlines.
offline = devices.offline(snapshot, types, grids) if "mart_devices_offline" in tables else pd.DataFrame()
alarm_places = devices.open_alarm_places(snapshot, types, grids)
bins = (devices.bins_over_threshold(snapshot, grids) if "mart_bins_over_threshold" in tables and "trash_bin" in types
        else pd.DataFrame())
list_column, map_column = st.columns(2)
with list_column:
    st.subheader(t("offline_title"))
    if "mart_devices_offline" in tables and offline.empty:
        st.caption(t("no_offline"))
    elif len(offline):
        offline_table = pd.DataFrame({
            t("device_id"): offline["device_id"], t("device_type"): offline["device_type"].map(type_name),
            t("grid"): offline["grid_id"].map(lambda g: grid_label.get(g, g)),
            t("offline_since"): offline["offline_since"].map(when),
            t("hours_offline"): offline["hours_offline"].round(1),
            t("fault_code"): offline["fault_code"].fillna("")})
        st.dataframe(offline_table, hide_index=True, width="stretch", key="offline_table")
        audited_download(t("export_csv"), offline_table, f"devices_offline_{snapshot.as_of}.csv", "export",
                         key="export_devices_offline", table="devices_offline", grids=sorted(grids),
                         types=sorted(types))
with map_column:
    st.subheader(t("device_map"))
    outlines = devices.grid_outlines(snapshot)
    figure = go.Figure(go.Choropleth(
        geojson={"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"grid_id": r.grid_id},
             "geometry": clockwise(json.loads(r.geometry_geojson))} for r in outlines.itertuples()]},
        locations=outlines["grid_id"], featureidkey="properties.grid_id", z=[0] * len(outlines),
        text=outlines[name], colorscale=[[0, "#eef2f6"], [1, "#eef2f6"]], showscale=False,
        marker_line_color="#7a8794", marker_line_width=0.8, hovertemplate="%{text}<extra></extra>"))
    layers = [(bins, "map_bin", "#6d4c41", "square", "device_id"),   # drawn in this order: offline on top
              (alarm_places, "map_alarm", "#ef6c00", "circle", "device_id"),
              (offline, "map_offline", "#c62828", "x", "device_id")]
    for frame, label, colour, symbol, text in layers:
        if len(frame):
            figure.add_scattergeo(lon=frame["lon"], lat=frame["lat"], mode="markers", name=t(label),
                                  text=frame[text], marker=dict(size=9, color=colour, symbol=symbol),
                                  hovertemplate="%{text}<extra>" + t(label) + "</extra>")
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    st.plotly_chart(chart_layout(figure, 440, margin=dict(l=0, r=0, t=30, b=0)), config=PLOTLY_CONFIG,
                    width="stretch", key="device_map")
    if "fct_alarms" in tables and alarm_places.empty and not devices.has_places(snapshot):
        st.caption(t("map_no_alarm_places"))

# Alarms → cases: of the period's alarms, how many were confirmed, became a case and had it resolved.
if "fct_alarms" in tables:
    st.subheader(t("follow_title"))
    follow = devices.follow_through(snapshot, start, end, types, grids)
    stages = ["alarms", "confirmed", "with_case", "resolved"]
    funnel_column, figures_column = st.columns([3, 2])
    with funnel_column:
        funnel = go.Figure(go.Funnel(y=[t(f"follow_{s}") for s in stages], x=[int(follow[s]) for s in stages],
                                     textinfo="value+percent initial"))
        st.plotly_chart(chart_layout(funnel, 260), config=PLOTLY_CONFIG, width="stretch", key="alarm_funnel")
    with figures_column:
        st.metric(t("hours_to_resolve"), number(follow["hours_to_resolve"], 1))
        st.metric(t("open_alarms"), f"{int(follow['open_alarms']):,}")
    still_open = devices.open_alarms(snapshot, types, grids)
    if still_open.empty:
        st.caption(t("no_open_alarms"))
    else:
        st.dataframe(pd.DataFrame({
            t("device_id"): still_open["device_id"], t("device_type"): still_open["device_type"].map(type_name),
            t("grid"): still_open["grid_id"].map(lambda g: grid_label.get(g, g)),
            t("alarm_code"): still_open["code"].map(lambda c: code_label("alarm", c)),
            t("severity"): still_open["severity"].map(lambda c: code_label("severity", c)),
            t("raised_at"): still_open["raised_at"].map(when), t("repeats"): still_open["repeats"],
            t("acknowledged_at"): still_open["acknowledged_at"].map(when),
            t("disposition"): still_open["disposition"].map(lambda c: code_label("disposition", c)),
            t("case_id"): still_open["case_id"].fillna("")}), hide_index=True, width="stretch", key="open_alarms")

# Welfare checks: figures for every role; the households themselves only for roles that may view households.
if "fct_welfare_checks" in tables:
    st.subheader(t("welfare_title"))
    summary = devices.welfare_summary(snapshot, start, end, grids)
    for column, (key, value) in zip(st.columns(4), [
            ("welfare_open", f"{int(summary['open_checks']):,}"), ("welfare_raised", f"{int(summary['raised']):,}"),
            ("welfare_by_call", share(summary["settled_by_call"])),
            ("welfare_hours", number(summary["hours_to_close"], 1))], strict=True):
        column.metric(t(key), value)
    if not user.can("view_households"):
        st.caption(t("welfare_list_hidden"))
    else:
        checks = devices.welfare_checks(snapshot, start, end, grids, with_rooms=devices.has_rooms(snapshot))
        viewed = (snapshot.version, user.user_id, tuple(grids), str(start), str(end))
        if st.session_state.get("welfare_list_logged") != viewed:
            audit(user, "household_list", list="welfare_checks", snapshot=snapshot.version, grids=sorted(grids),
                  start=str(start), end=str(end), rows=len(checks))
            st.session_state["welfare_list_logged"] = viewed
        if checks.empty:
            st.caption(t("no_welfare"))
        else:
            st.caption(t("welfare_list_caption"))
            where = ["-".join(str(p) for p in parts if isinstance(p, str) and p) for parts in
                     zip(checks["building"], checks["unit"], checks["room"], strict=True)]
            welfare = pd.DataFrame({
                t("open_status"): checks["is_open"].map({True: t("check_open"), False: t("check_closed")}),
                t("grid"): checks["grid_id"].map(lambda g: grid_label.get(g, g)),
                t("household_mask"): checks["household_mask"], t("visit_where"): where,
                t("reason"): checks["reason"].map(lambda c: code_label("reason", c)),
                t("quiet_since"): checks["quiet_since"].map(when), t("raised_at"): checks["raised_at"].map(when),
                t("outcome"): checks["outcome"].map(lambda c: code_label("outcome", c) if isinstance(c, str) else ""),
                t("outcome_at"): checks["outcome_at"].map(when)})
            st.dataframe(welfare, hide_index=True, width="stretch", key="welfare_checks")
            audited_download(t("export_csv"), welfare, f"welfare_checks_{snapshot.as_of}.csv", "export",
                             key="export_welfare", permission="export_households", table="welfare_checks",
                             snapshot=snapshot.version, grids=sorted(grids))

# Bins over their fill threshold, the fullest first.
if "mart_bins_over_threshold" in tables and "trash_bin" in types:
    st.subheader(t("bins_title"))
    if bins.empty:
        st.caption(t("no_bins"))
    else:
        st.dataframe(pd.DataFrame({
            t("device_id"): bins["device_id"], t("grid"): bins["grid_id"].map(lambda g: grid_label.get(g, g)),
            t("fill_level"): bins["fill_level"].round(0), t("threshold"): bins["threshold"],
            t("read_at"): bins["read_at"].map(when), t("collections_30d"): bins["collections_30d"]}),
            hide_index=True, width="stretch", key="bins_over_threshold")

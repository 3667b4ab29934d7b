"""Leader's cockpit (领导驾驶舱): today's KPIs against the previous period, the grid map and the trend.
Every number comes from the KPI marts (dashboards/queries/cockpit.py); the page lays out and formats."""

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.access import current_user
from dashboards.components.grid_map import PLOTLY_CONFIG, grid_map
from dashboards.components.page import chart_layout, page_snapshot
from dashboards.components.remembered import remembered
from dashboards.i18n import code_label, lang, name_column, t
from dashboards.kpis import KpiValue, format_delta, format_value
from dashboards.queries import cockpit as queries

KPIS_PER_ROW = 4

snapshot = page_snapshot("cockpit", "app_title")

name = name_column()
scope = current_user().scope
# the district and its streets, or for a user with a scope only the areas of their scope (never the district)
areas = queries.district_and_streets(snapshot) if scope is None else queries.scope_areas(snapshot, scope)
area_names = dict(zip(areas["area_id"], areas[name], strict=True))
area_levels = dict(zip(areas["area_id"], areas["level"], strict=True))
options = list(area_names)
if not options:   # a scope of micro-grids only: no area the KPI marts cover
    st.info(t("no_cases"))
    st.stop()
left, right = st.columns(2)
days = remembered(left.selectbox, t("period"), queries.periods(snapshot), name="period", default=30, suffix=lang(),
                  format_func=lambda n: t("days_n", n=n))
area_id = remembered(right.selectbox, t("area"), options, name="area", default=options[0], suffix=lang(),
                     format_func=area_names.get)
level, area_name = area_levels[area_id], area_names[area_id]
end = dt.date.fromisoformat(snapshot.as_of)
start = end - dt.timedelta(days=days - 1)

kpis = [KpiValue.from_row(row) for _, row in queries.kpis(snapshot, level, area_id, days).iterrows()]
st.subheader(f"{area_name} · {t('days_n', n=days)}")   # the tiles and the scorecard say which area they are
columns = [column for _ in range(0, len(kpis), KPIS_PER_ROW) for column in st.columns(KPIS_PER_ROW)]
for column, kpi in zip(columns, kpis, strict=False):
    if not kpi.available:   # the sources lack its input: said so, in grey, never 0 % in red
        column.metric(getattr(kpi, f"name_{lang()}"), t("kpi_not_available"), None,
                      help=t("kpi_not_available_help"), delta_color="off")
        continue
    column.metric(getattr(kpi, f"name_{lang()}"), format_value(kpi.value, kpi.unit), format_delta(kpi),
                  help=t("vs_previous"), delta_color=kpi.delta_color)

# Device tiles: alarms, offline devices and welfare checks open now, from the device marts (a city without
# devices, or a snapshot from before them, says so instead).
device_tiles = queries.device_tiles(snapshot, area_id)
if device_tiles is None:
    st.caption(t("no_device_data"))
else:
    for column, (key, value) in zip(st.columns(KPIS_PER_ROW), device_tiles.items(), strict=False):
        if value is not None:
            column.metric(t(f"tile_{key}"), f"{value:,}", help=t("tiles_devices_help"))

# Scorecard (CityScore): each KPI against its target for this area and period (mart_scorecard).
scorecard = queries.scorecard(snapshot, level, area_id, days)
if len(scorecard):
    st.subheader(f"{t('scorecard_title')} · {area_name}", help=t("scorecard_help"))
    overall = scorecard[scorecard["kpi"] == "overall"]
    kpis_scored = scorecard[(scorecard["kpi"] != "overall") & scorecard["score"].notna()]
    not_available = scorecard[scorecard["status"] == "not_available"]
    score_column, chart_column = st.columns([1, 4])
    if len(overall) and overall["score"].notna().all():
        score_column.metric(t("overall_score"), f"{overall['score'].iloc[0]:.2f}",
                            code_label("status", overall["status"].iloc[0]), delta_color="off")
    colours = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
    bars = go.Figure(go.Bar(x=kpis_scored["score"], y=kpis_scored[name], orientation="h",
                            marker_color=[colours[c] for c in kpis_scored["status"]],
                            text=[f"{v:.2f}" for v in kpis_scored["score"]], textposition="outside"))
    bars.add_vline(x=1.0, line_dash="dash", line_color="grey")
    chart_layout(bars, max(260, 24 * len(kpis_scored))).update_layout(xaxis_title=t("score"))
    chart_column.plotly_chart(bars, config=PLOTLY_CONFIG, width="stretch", key="scorecard")
    if len(not_available):
        chart_column.caption(t("kpis_not_available", names="、".join(not_available[name]) if lang() == "zh"
                                else ", ".join(not_available[name])))
    with st.expander(t("scorecard_title")):
        listed = pd.concat([kpis_scored, not_available])   # the unavailable ones last, without a score
        st.dataframe(pd.DataFrame({
            t("kpi"): listed[name], t("actual"): [format_value(v, u) for v, u in
                                                   zip(listed["actual"], listed["unit"], strict=True)],
            t("target"): [format_value(v, u) for v, u in zip(listed["target"], listed["unit"], strict=True)],
            t("target_source"): listed["target_source"].map(lambda c: code_label("target_source", c)
                                                            if isinstance(c, str) else ""),
            t("score"): listed["score"].round(2),
            t("status"): listed["status"].map(lambda c: code_label("status", c))}),
            hide_index=True, width="stretch", key="scorecard_table")

grids = queries.grid_values(snapshot, area_id, days)

map_column, trend_column = st.columns([3, 2])
with map_column:
    st.subheader(t("map_title"))
    st.plotly_chart(grid_map(grids, "rate", name, t("map_metric")), config=PLOTLY_CONFIG, width="stretch",
                    key="grid_map")

with trend_column:
    st.subheader(t("trend_title"))
    trend = queries.trend(snapshot, level, area_id, start, end)
    figure = go.Figure()
    figure.add_bar(x=trend["date_day"], y=trend["new_cases"], name=t("new_cases"))
    for column in ("backlog", "overdue"):
        figure.add_scatter(x=trend["date_day"], y=trend[column], name=t(column), mode="lines")
    chart_layout(figure, 300).update_layout(yaxis_title=t("count"), xaxis_tickformat="%m-%d")
    st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="trend")

    st.subheader(t("top_backlog"))
    top = grids.sort_values(["backlog", "overdue"], ascending=False).head(8)
    st.dataframe(top[[name, "backlog", "overdue", "cases", "residents"]].rename(columns={
        name: t("grid"), "backlog": t("backlog"), "overdue": t("overdue"), "cases": t("cases"),
        "residents": t("residents")}), hide_index=True, width="stretch")

"""Leader's cockpit (领导驾驶舱): today's KPIs against the previous period, the grid map and the trend."""

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.components.grid_map import FONT, PLOTLY_CONFIG, grid_map
from dashboards.components.page import page_snapshot
from dashboards.components.remembered import remembered
from dashboards.data import query
from dashboards.i18n import code_label, lang, name_column, t
from dashboards.kpis import format_delta, format_value, kpi_values

PERIODS = [7, 30, 90, 365]
KPIS_PER_ROW = 4

snapshot = page_snapshot("app_title")

name = name_column()
streets = query(snapshot, "select grid_id, name_zh, name_en from dim_grids where level = 'street' order by grid_id")
street_names = dict(zip(streets["grid_id"], streets[name], strict=True))
left, right = st.columns(2)
days = remembered(left.selectbox, t("period"), PERIODS, name="period", default=30, suffix=lang(),
                  format_func=lambda n: t("days_n", n=n))
street_id = remembered(right.selectbox, t("area"), [None, *street_names], name="area", default=None, suffix=lang(),
                       format_func=lambda s: t("whole_district") if s is None else street_names[s])
end = dt.date.fromisoformat(snapshot.as_of)
start = end - dt.timedelta(days=days - 1)

kpis = kpi_values(snapshot, end, days, street_id)
columns = [column for _ in range(0, len(kpis), KPIS_PER_ROW) for column in st.columns(KPIS_PER_ROW)]
for column, kpi in zip(columns, kpis, strict=False):
    column.metric(getattr(kpi, f"name_{lang()}"), format_value(kpi.value, kpi.unit), format_delta(kpi),
                  help=t("vs_previous"), delta_color=kpi.delta_color)

# Scorecard (CityScore): each KPI against its target for this area and period (mart_scorecard).
scorecard = query(snapshot, """
    select s.kpi, s.unit, s.actual, s.target, s.target_source, s.score, s.status, k.name_zh, k.name_en
    from mart_scorecard as s left join dim_kpis as k using (kpi)
    where s.period_days = ? and ((cast(? as varchar) is null and s.area_level = 'district')
                                 or (s.area_level = 'street' and s.area_id = ?))
    order by s.score""", (days, street_id, street_id))
if len(scorecard):
    st.subheader(t("scorecard_title"), help=t("scorecard_help"))
    overall = scorecard[scorecard["kpi"] == "overall"]
    kpis_scored = scorecard[(scorecard["kpi"] != "overall") & scorecard["score"].notna()]
    score_column, chart_column = st.columns([1, 4])
    if len(overall) and overall["score"].notna().all():
        score_column.metric(t("overall_score"), f"{overall['score'].iloc[0]:.2f}",
                            code_label("status", overall["status"].iloc[0]), delta_color="off")
    colours = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
    bars = go.Figure(go.Bar(x=kpis_scored["score"], y=kpis_scored[name], orientation="h",
                            marker_color=[colours[c] for c in kpis_scored["status"]],
                            text=[f"{v:.2f}" for v in kpis_scored["score"]], textposition="outside"))
    bars.add_vline(x=1.0, line_dash="dash", line_color="grey")
    bars.update_layout(height=max(260, 24 * len(kpis_scored)), margin=dict(l=0, r=0, t=10, b=0), font_family=FONT,
                       xaxis_title=t("score"))
    chart_column.plotly_chart(bars, width="stretch", key="scorecard")
    with st.expander(t("scorecard_title")):
        st.dataframe(pd.DataFrame({
            t("kpi"): kpis_scored[name], t("actual"): [format_value(v, u) for v, u in
                                                        zip(kpis_scored["actual"], kpis_scored["unit"], strict=True)],
            t("target"): [format_value(v, u) for v, u in zip(kpis_scored["target"], kpis_scored["unit"], strict=True)],
            t("target_source"): kpis_scored["target_source"].map(lambda c: code_label("target_source", c)),
            t("score"): kpis_scored["score"].round(2),
            t("status"): kpis_scored["status"].map(lambda c: code_label("status", c))}),
            hide_index=True, width="stretch", key="scorecard_table")

areas = query(snapshot, """
    select g.grid_id, g.name_zh, g.name_en, g.geometry_geojson,
           sum(m.cases_reported) as cases,
           arg_max(m.residents, m.date_day) as residents,
           arg_max(m.backlog_end, m.date_day) as backlog,
           arg_max(m.overdue_end, m.date_day) as overdue
    from dim_grids as g
    join mart_grid_daily as m using (grid_id)
    where g.level = 'grid' and m.date_day between ? and ? and (cast(? as varchar) is null or g.street_id = ?)
    group by all""", (start, end, street_id, street_id))
areas["rate"] = (areas["cases"] / areas["residents"].where(areas["residents"] > 0) * 1000).fillna(0)

map_column, trend_column = st.columns([3, 2])
with map_column:
    st.subheader(t("map_title"))
    st.plotly_chart(grid_map(areas, "rate", name, t("map_metric")), config=PLOTLY_CONFIG, width="stretch",
                    key="grid_map")

with trend_column:
    st.subheader(t("trend_title"))
    trend = query(snapshot, """
        select m.date_day, sum(m.cases_reported) as new_cases, sum(m.backlog_end) as backlog,
               sum(m.overdue_end) as overdue
        from mart_grid_daily as m join dim_grids as g using (grid_id)
        where m.date_day between ? and ? and (cast(? as varchar) is null or g.street_id = ?)
        group by m.date_day order by m.date_day""", (start, end, street_id, street_id))
    figure = go.Figure()
    figure.add_bar(x=trend["date_day"], y=trend["new_cases"], name=t("new_cases"))
    for column in ("backlog", "overdue"):
        figure.add_scatter(x=trend["date_day"], y=trend[column], name=t(column), mode="lines")
    figure.update_layout(height=300, margin=dict(l=0, r=0, t=10, b=0), font_family=FONT,
                         legend=dict(orientation="h", y=1.15), yaxis_title=t("count"), xaxis_tickformat="%m-%d")
    st.plotly_chart(figure, width="stretch", key="trend")

    st.subheader(t("top_backlog"))
    top = areas.sort_values(["backlog", "overdue"], ascending=False).head(8)
    st.dataframe(top[[name, "backlog", "overdue", "cases", "residents"]].rename(columns={
        name: t("grid"), "backlog": t("backlog"), "overdue": t("overdue"), "cases": t("cases"),
        "residents": t("residents")}), hide_index=True, width="stretch")

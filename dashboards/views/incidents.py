"""Incidents (案件管理): backlog and overdue trend, the at-risk list with the level holding each case,
the escalation funnel, a category × area heat table, who held a case when, drill-down from the
district to a grid, and CSV export of every table shown."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.audit import page_filter
from dashboards.components.export import audited_download
from dashboards.components.page import PLOTLY_CONFIG, chart_layout, page_snapshot
from dashboards.components.period import period_control
from dashboards.components.text import md
from dashboards.i18n import code_label, lang, name_column, t
from dashboards.queries import incidents

PERIODS = [7, 30, 90, 365]


def export(frame: pd.DataFrame, name: str) -> None:
    """A download button for exactly the table shown (labels of the user's language), audited."""
    audited_download(t("export_csv"), frame, f"{name}.csv", "export", key=f"export_{name}",
                     table=f"incidents_{name}")


snapshot = page_snapshot("incidents", "page_incidents")
name = name_column()

# Drill-down: district → street → community → grid, each selector limited to the one above it.
columns = st.columns(4)
start, end = period_control(columns[0], snapshot, PERIODS, "inc_period")
area = incidents.Area()
for column, level in zip(columns[1:], ["street", "community", "grid"], strict=True):
    options = incidents.children(snapshot, level, area)
    names = dict(zip(options["area_id"], options[name], strict=True))
    chosen = page_filter(column.selectbox, t(f"drill_{level}"), [None, *names], key=f"drill_{level}__{lang()}",
                         format_func=lambda a, names=names: t("all_areas") if a is None else names[a])
    if chosen is None:
        break
    area = incidents.Area(level, chosen)

daily = incidents.trend(snapshot, area, start, end)
risk = incidents.at_risk(snapshot, area)
last = daily.iloc[-1] if len(daily) else None
metrics = st.columns(5)
metrics[0].metric(t("backlog"), f"{int(last['backlog']):,}" if last is not None else "—")
metrics[1].metric(t("overdue"), f"{int(last['overdue']):,}" if last is not None else "—")
metrics[2].metric(t("sla_80"), f"{int(last['sla_80']):,}" if last is not None else "—")
metrics[3].metric(t("sla_50"), f"{int(last['sla_50']):,}" if last is not None else "—")
metrics[4].metric(t("duplicates"), f"{incidents.duplicates(snapshot, area, start, end):,}", help=t("duplicates_help"))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("backlog_trend"))
    figure = go.Figure()
    for column in ("backlog", "overdue", "sla_80", "sla_50"):
        figure.add_scatter(x=daily["date_day"], y=daily[column], name=t(column), mode="lines")
    st.plotly_chart(chart_layout(figure, yaxis_title=t("count"), xaxis_tickformat="%m-%d"), config=PLOTLY_CONFIG,
                    width="stretch", key="backlog_trend")
    export(daily.rename(columns={"date_day": t("date"), "new_cases": t("new_cases"), "backlog": t("backlog"),
                                 "overdue": t("overdue"), "sla_80": t("sla_80"), "sla_50": t("sla_50"),
                                 "duplicates": t("duplicates")}), "backlog_trend")
with right:
    st.subheader(t("funnel_title"))
    steps = incidents.funnel(snapshot, area, start, end)
    funnel = go.Funnel(y=steps[name].tolist(), x=steps["cases"].tolist(), textinfo="value+percent initial")
    st.plotly_chart(chart_layout(go.Figure(funnel)), config=PLOTLY_CONFIG, width="stretch", key="funnel")

st.subheader(t("at_risk_title"))
st.caption(t("at_risk_help"))
shown_risk = pd.DataFrame({
    t("case_id"): risk["case_id"], t("category"): risk[f"l2_{name}"], t("grid"): risk[name],
    t("reported_at"): risk["reported_at"], t("due_at"): risk["resolve_due_at"],
    t("sla_used"): (risk["sla_used_share"] * 100).round(0),
    t("alert_tier"): risk["sla_alert_tier"].map(lambda v: f"{v}%"),
    t("holding_level"): risk[name_column("level_name")],
    t("holder"): risk["current_actor"]})
st.dataframe(shown_risk, hide_index=True, width="stretch", key="at_risk")
export(shown_risk, "at_risk")

st.subheader(t("heat_title"))
table = incidents.category_by_area(snapshot, area, start, end, name)
if table.empty:
    st.info(t("no_cases"))
else:
    figure = go.Figure(go.Heatmap(z=table.to_numpy(), x=list(table.columns), y=list(table.index), colorscale="OrRd",
                                  text=table.to_numpy(), texttemplate="%{text}", colorbar_title=t("cases")))
    st.plotly_chart(chart_layout(figure, height=max(320, 22 * len(table))), config=PLOTLY_CONFIG, width="stretch",
                    key="heat")
    shown_heat = table.reset_index().rename(columns={"category": t("category")})
    export(shown_heat, "category_by_area")

st.subheader(t("timeline_title"))
candidates = [*risk["case_id"].tolist(), *incidents.case_ids(snapshot, area, start, end)]
candidates = list(dict.fromkeys(candidates))
case_id = page_filter(st.selectbox, t("case_id"), candidates, key=f"timeline_case__{lang()}") if candidates else None
if case_id is None:
    st.info(t("no_cases"))
else:
    header = incidents.case_header(snapshot, case_id).iloc[0]
    st.caption(t("case_summary", category=md(header[f"l2_{name}"]), state=code_label("state", header["current_state"]),
                 level=md(header[name_column("level_name")]), escalations=int(header["escalations"]))
               + (t("duplicate_of", master=md(header["master_case_id"])) if header["is_duplicate"] else ""))
    steps = incidents.timeline(snapshot, case_id)
    level_names = steps[name_column("level_name")]
    figure = go.Figure()
    for row, level_name in zip(steps.itertuples(), level_names, strict=True):
        figure.add_bar(y=[level_name], x=[row.held_ms], base=[row.event_at], orientation="h",
                       name=code_label("event", row.event_type), hovertext=row.actor, showlegend=False)
    chart_layout(figure, 260, xaxis_type="date",
                 yaxis=dict(categoryorder="array", categoryarray=incidents.ladder(snapshot)[name].tolist()))
    st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="timeline")
    shown_steps = pd.DataFrame({
        t("event"): steps["event_type"].map(lambda c: code_label("event", c)), t("event_at"): steps["event_at"],
        t("holding_level"): level_names, t("holder"): steps["actor"],
        t("held_until"): steps["held_until"], t("hours_held"): steps["hours_held"].round(1)})
    st.dataframe(shown_steps, hide_index=True, width="stretch", key="timeline_table")
    export(shown_steps, f"timeline_{case_id}")
    st.caption(t("timeline_help"))

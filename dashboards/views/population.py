"""Population and housing (人口房屋): age, residence types, household tiers by grid and on the map,
renters and floating residents over time, care groups. Aggregates only; scoped to the user's grids."""

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards.components.export import audited_download
from dashboards.components.grid_map import grid_map
from dashboards.components.page import PLOTLY_CONFIG, chart_layout, page_snapshot
from dashboards.components.remembered import remembered
from dashboards.i18n import lang, name_column, t
from dashboards.queries import population

AGE_BANDS = {"age_0_17": "0-17", "age_18_34": "18-34", "age_35_59": "35-59", "age_60_79": "60-79",
             "age_80_plus": "80+"}
RESIDENCE = ("registered", "resident", "floating")
TIERS = {"red": "#d62728", "yellow": "#f2b701", "green": "#2ca02c"}
CARE = ("elderly_alone", "disabled", "chronic_illness", "low_income", "veterans", "minors_left_behind",
        "focus_persons")


snapshot = page_snapshot("population", "page_population")

name = name_column()
grids = population.by_grid(snapshot)
if grids.empty:
    st.info(t("no_population"))
    st.stop()

totals = population.totals(snapshot)
metrics = [("residents", f"{int(totals['residents']):,}"), ("households", f"{int(totals['households']):,}"),
           ("floating_share", f"{totals['floating_share']:.1%}"),
           ("renters", f"{int(totals['renters']):,}"), ("elderly_alone", f"{int(totals['elderly_alone']):,}"),
           ("focus_persons", f"{int(totals['focus_persons']):,}")]
for column, (key, value) in zip(st.columns(len(metrics)), metrics, strict=True):
    column.metric(t(f"pop_{key}"), value)

age_column, residence_column = st.columns(2)
with age_column:
    st.subheader(t("age_title"))
    pie = go.Figure(go.Pie(labels=list(AGE_BANDS.values()), values=[int(totals[c]) for c in AGE_BANDS],
                           hole=0.35, sort=False))
    st.plotly_chart(chart_layout(pie), config=PLOTLY_CONFIG, width="stretch", key="age_pie")
with residence_column:
    st.subheader(t("residence_title"))
    bars = go.Figure(go.Bar(x=[t(f"residence_{r}") for r in RESIDENCE], y=[int(totals[r]) for r in RESIDENCE]))
    st.plotly_chart(chart_layout(bars, yaxis_title=t("count")), config=PLOTLY_CONFIG, width="stretch",
                    key="residence_types")

st.subheader(t("tiers_by_grid_title"))
stacked = go.Figure()
for tier, colour in TIERS.items():
    stacked.add_bar(x=grids[name], y=grids[f"households_{tier}"], name=t(f"tier_{tier}"), marker_color=colour)
st.plotly_chart(chart_layout(stacked, 360, barmode="stack", yaxis_title=t("households_axis")), config=PLOTLY_CONFIG,
                width="stretch", key="tiers_by_grid")

map_column, trend_column = st.columns([3, 2])
with map_column:
    st.subheader(t("tier_map_title"))
    tier = remembered(st.radio, t("tier"), list(TIERS), name="map_tier", default="red", suffix=lang(),
                      format_func=lambda x: t(f"tier_{x}"), horizontal=True)
    st.plotly_chart(grid_map(population.tier_shares(snapshot, tier), "share", name, t("tier_share")),
                    config=PLOTLY_CONFIG, width="stretch", key="tier_map")
with trend_column:
    st.subheader(t("renters_trend_title"))
    trend = population.daily(snapshot)
    weeks = population.weekly_registrations(snapshot)
    # residents per day above, households registered (up) and deregistered (down) per week below, on one time axis
    lines = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.06)
    lines.add_scatter(x=trend["date_day"], y=trend["renters"], name=t("pop_renters"), mode="lines", row=1, col=1)
    lines.add_scatter(x=trend["date_day"], y=trend["floating"], name=t("residence_floating"), mode="lines",
                      row=1, col=1)
    week = dict(offset=0, width=7 * 86_400_000 * 0.8, row=2, col=1)   # a bar spans its week from Monday (ms)
    lines.add_bar(x=weeks["week_start"], y=weeks["registered"], name=t("households_registered"), **week)
    lines.add_bar(x=weeks["week_start"], y=-weeks["deregistered"], name=t("households_deregistered"), **week)
    peak = int(max(weeks["registered"].max(), weeks["deregistered"].max(), 1)) if len(weeks) else 1
    chart_layout(lines, 460, barmode="relative", xaxis2_tickformat="%Y-%m-%d",
                 yaxis=dict(title=t("count"), tickformat=",d"),
                 yaxis2=dict(title=t("households_weekly_axis"), tickformat=",d", dtick=max(1, -(-peak // 2))))
    st.plotly_chart(lines, config=PLOTLY_CONFIG, width="stretch", key="renters_trend")

st.subheader(t("care_title"))
care = grids[[name, "residents", *CARE]].rename(columns={name: t("grid"), "residents": t("pop_residents"),
                                                        **{c: t(f"care_{c}") for c in CARE}})
st.dataframe(care, hide_index=True, width="stretch")

audited_download(t("export_csv"), grids, f"population_by_grid_{snapshot.as_of}.csv", "export",
                 key="export_population", table="population_by_grid", grids=list(grids["grid_id"]))

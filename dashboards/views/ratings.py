"""Grid-worker ratings (星级评定): each L3 grid's monthly stars from the KPIs its worker can move, the KPIs
that pulled it down, and the monthly street ranking. Scope is data.py's: a grid worker sees their own grid."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards.components.page import page_snapshot
from dashboards.i18n import lang, name_column, t
from dashboards.queries import ratings

snapshot = page_snapshot("ratings", "page_ratings")
st.caption(t("ratings_caption"))

months = ratings.months(snapshot)
if not months:
    st.info(t("no_ratings"))
    st.stop()

# the latest month the data covers to its end is shown first: a month just begun rates a few days only
complete = [m for m in months if ratings.month_end(m) <= dt.date.fromisoformat(snapshot.as_of)]
month = st.selectbox(t("rating_month"), months, index=months.index(complete[0]) if complete else 0,
                     format_func=lambda m: m.strftime("%Y-%m") + ("" if m in complete else t("month_partial")),
                     key="rating_month")
grids = ratings.grid_ratings(snapshot, month)
names = ratings.kpi_names(snapshot)
kpi_name = dict(zip(names["kpi"], names[name_column()], strict=True))
separator = "、" if lang() == "zh" else ", "

table = grids.assign(
    grid=grids[name_column()],
    stars_shown=grids["stars"].map(lambda s: "—" if pd.isna(s) else "★" * int(s) + "☆" * (5 - int(s))),
    pulled=grids["pulled_down_by"].map(lambda s: separator.join(kpi_name.get(k, k) for k in s.split(",") if k)),
    renormalised=grids["weights_renormalised"].map(lambda r: t("yes") if r else ""),
)
st.subheader(t("ratings_title"))
st.dataframe(table[["grid", "stars_shown", "points", "pulled", "renormalised"]].rename(columns={
    "grid": t("grid"), "stars_shown": t("stars"), "points": t("rating_points"),
    "pulled": t("pulled_down_by"), "renormalised": t("weights_renormalised")}),
    hide_index=True, width="stretch", key="ratings_table",
    column_config={t("rating_points"): st.column_config.NumberColumn(format="%.1f")})

kpis = ratings.rating_kpis(snapshot, month)
if (kpis["lost_points"] > 0).any():
    chart = kpis.assign(**{t("grid"): kpis["grid_id"].map(dict(zip(grids["grid_id"], grids[name_column()],
                                                                   strict=True))),
                           t("kpi"): kpis[name_column()]})
    st.subheader(t("rating_lost_title"))
    st.bar_chart(chart, x=t("grid"), y="lost_points", color=t("kpi"), y_label=t("lost_points"))

st.subheader(t("street_ranking_title"))
ranking = ratings.street_ranking(snapshot, month)
if ranking.empty:
    st.info(t("no_street_ranking"))
else:
    shown = ranking.assign(street=ranking[name_column()], kpi_label=ranking[f"kpi_{lang()}"],
                           value=(100 * ranking["value"]).round(1),
                           rank=ranking["street_rank"].astype(str) + " / " + ranking["streets_ranked"].astype(str))
    st.dataframe(shown[["kpi_label", "rank", "street", "value"]].rename(columns={
        "kpi_label": t("kpi"), "rank": t("street_rank"), "street": t("street"), "value": t("value_percent")}),
        hide_index=True, width="stretch", key="street_ranking_table")

"""Dispute hotspots (矛盾纠纷热点): next week's risk per grid with reasons, suggested actions to export, and
how the model did against its baselines over the backtest weeks."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.components.export import audited_download
from dashboards.components.grid_map import PLOTLY_CONFIG, grid_map
from dashboards.components.page import chart_layout, page_snapshot
from dashboards.components.remembered import remembered
from dashboards.components.text import md
from dashboards.i18n import code_label, lang, name_column, t
from dashboards.queries import hotspots

MODELS = ["model", "last_week", "mean_4w", "mean_12w", "kde"]
METRICS = ["pai_10", "hit_rate_10", "pei_10", "pai_20", "hit_rate_20", "pei_20", "poisson_deviance"]

snapshot = page_snapshot("hotspots", "hotspots_title", as_of_caption=False)
name = name_column()
scores = hotspots.scores(snapshot)
if scores.empty:
    st.info(t("hotspots_none"))
    st.stop()
first = scores.iloc[0]
st.caption(t("hotspots_caption", start=pd.Timestamp(first["week_start"]).date(),
             end=pd.Timestamp(first["week_end"]).date(), through=pd.Timestamp(first["data_through"]).date(),
             trained=pd.Timestamp(first["model_trained_through"]).date()))


def reason_text(row) -> str:
    parts = [f"{code_label('feat', row[f'reason_{k}'])} ×{row[f'reason_{k}_factor']:.2f}"
             for k in (1, 2, 3) if isinstance(row[f"reason_{k}"], str)]
    return "; ".join(parts)


scores["reasons"] = scores.apply(reason_text, axis=1)
scores["tier"] = [code_label("tier", v) for v in scores["risk_tier"]]
scores[f"cause_{lang()}"] = scores[f"cause_{lang()}"].fillna("")
scores["action_label"] = [code_label("action", v) if isinstance(v, str) else "" for v in scores["action"]]
backtest = hotspots.backtest_weeks(snapshot)
has_backtest = not backtest.empty
outlook = hotspots.outlook(snapshot)

cols = st.columns(4)
cols[0].metric(t("hotspots_expected"), f"{outlook['expected_disputes']:.1f}")
cols[1].metric(t("hotspots_high"), f"{outlook['high_risk_grids']}")
if has_backtest:
    summary = hotspots.backtest_summary(snapshot)
    best = summary.index[summary["is_best_baseline"]][0]
    cols[2].metric(t("hotspots_model_pai"), f"{summary.loc['model', 'pai_10']:.2f}", help=t("pai_help"))
    cols[3].metric(t("hotspots_best_baseline", name=md(code_label("bl", best))), f"{summary.loc[best, 'pai_10']:.2f}")

map_column, list_column = st.columns([3, 2])
with map_column:
    st.subheader(t("hotspots_map"))
    st.plotly_chart(grid_map(scores, "expected_disputes", name, t("hotspots_expected_short")),
                    config=PLOTLY_CONFIG, width="stretch", key="hotspot_map")
with list_column:
    st.subheader(t("hotspots_ranked"))
    flagged = scores[scores["risk_tier"] != "normal"]
    st.dataframe(flagged[["rank", name, "tier", "expected_disputes", "disputes_last_4w", "reasons"]].rename(columns={
        "rank": t("col_rank"), name: t("col_grid"), "tier": t("col_tier"),
        "expected_disputes": t("hotspots_expected_short"), "disputes_last_4w": t("col_last_4w"),
        "reasons": t("col_reasons")}), hide_index=True, width="stretch", key="ranked")

st.subheader(t("hotspots_actions"))
st.caption(t("hotspots_actions_help"))
actions = scores[scores["action"].notna()]
export = actions[["rank", "grid_id", name, f"community_{name}", "tier", "expected_disputes", "disputes_last_4w",
                  f"cause_{lang()}", "action_label", "reasons"]].rename(columns={
    "rank": t("col_rank"), "grid_id": t("col_grid_id"), name: t("col_grid"), f"community_{name}": t("col_community"),
    "tier": t("col_tier"), "expected_disputes": t("hotspots_expected_short"), "disputes_last_4w": t("col_last_4w"),
    f"cause_{lang()}": t("col_cause"), "action_label": t("col_action"), "reasons": t("col_reasons")})
st.dataframe(export, hide_index=True, width="stretch", key="actions")
audited_download(t("hotspots_export"), export, f"hotspot_actions_{first['week_start'].date()}.csv",
                 "export", key="export", table="hotspot_actions", grids=sorted(actions["grid_id"]))

st.subheader(t("hotspots_backtest"))
if not has_backtest:
    st.info(t("hotspots_backtest_none"))
    st.stop()
metric = remembered(st.selectbox, t("hotspots_metric"), METRICS, name="hotspot_metric", default="pai_10",
                    suffix=lang(), format_func=lambda m: code_label("metric", m))
figure = go.Figure()
for model in MODELS:
    part = backtest[backtest["model"] == model]
    figure.add_scatter(x=part["target_start"], y=part[metric], mode="lines", name=code_label("bl", model),
                       line={"width": 3 if model == "model" else 1.5})
chart_layout(figure, 380).update_layout(yaxis_title=code_label("metric", metric), xaxis_title=t("hotspots_week"))
st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="backtest_chart")
table = summary[METRICS].reindex(MODELS).round(3)
table.index = [code_label("bl", m) for m in table.index]
table.columns = [code_label("metric", m) for m in table.columns]
st.caption(t("hotspots_backtest_caption", weeks=summary.loc["model", "weeks"]))
st.dataframe(table, width="stretch", key="backtest_table")

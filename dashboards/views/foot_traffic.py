"""Foot traffic (商圈客流): hourly people in per zone with the 7-day forecast band, crowding alerts,
the holiday heat ranking with uplift, and how far the forecast can be trusted (model vs seasonal naive)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.audit import page_filter
from dashboards.components.grid_map import PLOTLY_CONFIG
from dashboards.components.page import chart_layout, page_snapshot
from dashboards.components.remembered import remembered
from dashboards.components.text import md
from dashboards.i18n import code_label, lang, t
from dashboards.queries import foot_traffic

snapshot = page_snapshot("foot_traffic", "page_foot_traffic")
zones = foot_traffic.zones(snapshot)
if zones.empty:
    st.info(t("ft_no_data"))
    st.stop()
names = dict(zip(zones["zone_id"], zones[f"zone_name_{lang()}"], strict=True))
names_col = f"zone_name_{lang()}"

# Crowding: forecast hours whose 90 % upper bound exceeds the zone's safe capacity.
st.subheader(t("ft_alerts_title"))
alerts = foot_traffic.crowding_alerts(snapshot)
totals = foot_traffic.alert_totals(snapshot)
peak = foot_traffic.peak_zone(snapshot)
cols = st.columns(3)
cols[0].metric(t("ft_alert_hours"), f"{totals['alert_hours']:,}")
cols[1].metric(t("ft_alert_zones"), f"{totals['alert_zones']}")
if len(peak):
    top = peak.iloc[0]
    cols[2].metric(t("ft_peak_load"), f"{top['peak_load']:.0%}",
                   help=t("ft_peak_load_help", zone=md(top[names_col])))
if alerts.empty:
    st.success(t("ft_no_alerts"))
else:
    table = alerts.assign(likely=alerts["likely"].map({True: t("yes"), False: t("no")}))
    st.dataframe(table[[names_col, "ts", "q50", "q90", "safe_capacity", "excess_share", "likely"]].rename(columns={
        names_col: t("ft_zone"), "ts": t("ft_hour"), "q50": t("ft_q50"), "q90": t("ft_q90"),
        "safe_capacity": t("ft_capacity"), "excess_share": t("ft_excess"), "likely": t("ft_likely")}),
        hide_index=True, width="stretch",
        column_config={t("ft_hour"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                       t("ft_q50"): st.column_config.NumberColumn(format="%.0f"),
                       t("ft_q90"): st.column_config.NumberColumn(format="%.0f"),
                       t("ft_excess"): st.column_config.NumberColumn(format="percent")})

# Hourly chart: the last two weeks (gaps stay gaps) and the next 7 days with the 80 % band.
st.subheader(t("ft_hourly_title"))
zone_id = remembered(st.selectbox, t("ft_zone"), list(zones["zone_id"]), name="ft_zone",
                     default=zones["zone_id"].iloc[0], suffix=lang(), format_func=names.get)
history = foot_traffic.hourly(snapshot, zone_id)
ahead = foot_traffic.forecast(snapshot, zone_id)
capacity = int(zones.loc[zones["zone_id"] == zone_id, "safe_capacity"].iloc[0])
figure = go.Figure()
if len(ahead):
    figure.add_scatter(x=ahead["ts"], y=ahead["q90"], mode="lines", line=dict(width=0), showlegend=False,
                       hoverinfo="skip", name=t("ft_q90"))
    figure.add_scatter(x=ahead["ts"], y=ahead["q10"], mode="lines", line=dict(width=0), fill="tonexty",
                       fillcolor="rgba(31,119,180,0.2)", name=t("ft_band"))
    figure.add_scatter(x=ahead["ts"], y=ahead["q50"], mode="lines", line=dict(color="#1f77b4", dash="dot"),
                       name=t("ft_forecast"))
figure.add_scatter(x=history["hour_start"], y=history["count_in"], mode="lines", connectgaps=False,
                   line=dict(color="#444"), name=t("ft_actual"))
figure.add_hline(y=capacity, line=dict(color="#d62728", dash="dash"), annotation_text=t("ft_capacity"))
chart_layout(figure, 380).update_layout(yaxis_title=t("ft_people_in"), hovermode="x unified")
st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="ft_hourly")
gaps = int(history["count_in"].isna().sum()) if len(history) else 0
if len(ahead):
    st.caption(t("ft_model_caption", version=md(ahead["model_version"].iloc[0]), start=ahead["train_start"].iloc[0],
                 end=ahead["train_end"].iloc[0], gaps=gaps))

# Holiday heat ranking and uplift against ordinary weekends.
st.subheader(t("ft_heat_title"))
holidays = foot_traffic.holidays(snapshot)
if holidays.empty:
    st.info(t("ft_no_holidays"))
else:
    keys = list(zip(holidays["holiday"], holidays["first_day"], strict=True))
    # labels fixed in this run's language (Streamlit may format the value again outside the run)
    labels = {k: f"{code_label('holiday', k[0])} {pd.Timestamp(k[1]):%Y-%m-%d}" for k in keys}
    choice = page_filter(st.selectbox, t("ft_holiday"), keys, key=f"ft_holiday_{lang()}", name="ft_holiday",
                         format_func=labels.__getitem__)
    ranking = foot_traffic.heat_ranking(snapshot, *choice)
    district = f"district_name_{lang()}"
    bars = go.Figure(go.Bar(x=ranking[district], y=ranking["visitors_per_day"], name=t("ft_per_day"),
                            text=[f"{u:+.0%}" if pd.notna(u) else "" for u in ranking["uplift"]]))
    chart_layout(bars, 300).update_layout(yaxis_title=t("ft_per_day"))
    st.plotly_chart(bars, config=PLOTLY_CONFIG, width="stretch", key="ft_heat")
    st.dataframe(ranking[["heat_rank", district, "visitors_per_day", "ordinary_per_day", "uplift", "days_observed"]]
                 .rename(columns={"heat_rank": t("ft_rank"), district: t("ft_district"),
                                  "visitors_per_day": t("ft_per_day"), "ordinary_per_day": t("ft_ordinary"),
                                  "uplift": t("ft_uplift"), "days_observed": t("ft_days_observed")}),
                 hide_index=True, width="stretch",
                 column_config={t("ft_per_day"): st.column_config.NumberColumn(format="%.0f"),
                                t("ft_ordinary"): st.column_config.NumberColumn(format="%.0f"),
                                t("ft_uplift"): st.column_config.NumberColumn(format="percent")})
    st.caption(t("ft_uplift_help"))

# Observed crowding in the last 30 days.
st.subheader(t("ft_observed_title"))
observed = foot_traffic.observed_crowding(snapshot)
if observed.empty:
    st.success(t("ft_no_observed"))
else:
    st.dataframe(observed[[names_col, "date_day", "peak_hour_in", "safe_capacity", "hours_over_capacity"]].rename(
        columns={names_col: t("ft_zone"), "date_day": t("ft_day"), "peak_hour_in": t("ft_peak_hour"),
                 "safe_capacity": t("ft_capacity"), "hours_over_capacity": t("ft_hours_over")}),
        hide_index=True, width="stretch")

# How far to trust the forecast: rolling-origin backtest, model vs seasonal naive.
st.subheader(t("ft_trust_title"))
st.caption(t("ft_trust_help"))
for dataset, label in (("demo", "ft_demo_backtest"), ("melbourne", "ft_real_backtest")):
    metrics = foot_traffic.backtest(snapshot, dataset)
    if metrics.empty:
        if dataset == "demo":
            st.info(t("ft_no_backtest"))
        continue
    st.markdown(f"**{t(label)}**")
    summary = foot_traffic.backtest_summary(snapshot, dataset)
    if len(summary):
        m = summary.iloc[0]
        c = st.columns(3)
        c[0].metric(t("ft_mase"), f"{m['model_mase']:.3f}", f"{m['mase_vs_naive']:+.3f} {t('ft_vs_naive')}",
                    delta_color="inverse")
        c[1].metric(t("ft_wape"), f"{m['model_wape']:.1%}", f"{m['wape_vs_naive'] * 100:+.1f} pp {t('ft_vs_naive')}",
                    delta_color="inverse")
        c[2].metric(t("ft_coverage"), f"{m['model_coverage_80']:.1%}", f"{t('ft_naive')} {m['naive_coverage_80']:.1%}",
                    delta_color="off")
    zone_name = metrics[names_col].fillna(metrics["zone_id"].where(~metrics["is_all_zones"], t("ft_all_zones")))
    view = metrics.assign(method=metrics["method"].map(lambda code: code_label("ft_method", code)), zone_id=zone_name)
    st.dataframe(view[["zone_id", "method", "mase", "wape", "coverage_80", "hours_scored", "origins"]].rename(
        columns={"zone_id": t("ft_zone"), "method": t("ft_method"), "mase": t("ft_mase"), "wape": t("ft_wape"),
                 "coverage_80": t("ft_coverage"), "hours_scored": t("ft_hours_scored"), "origins": t("ft_origins")}),
        hide_index=True, width="stretch",
        column_config={t("ft_mase"): st.column_config.NumberColumn(format="%.3f"),
                       t("ft_wape"): st.column_config.NumberColumn(format="percent"),
                       t("ft_coverage"): st.column_config.NumberColumn(format="percent")}, key=f"ft_bt_{dataset}")

"""Data quality (数据质量): source freshness, contract results, quarantine by rule, reconciliation per partition."""

import math

import plotly.graph_objects as go
import streamlit as st

from dashboards.components.page import PLOTLY_CONFIG, chart_layout, page_snapshot
from dashboards.components.period import period_control
from dashboards.components.remembered import remembered
from dashboards.i18n import code_label, lang, name_column, t, zone_name
from dashboards.queries import data_quality as quality
from gridsight import settings

FORMATS = {"last_landed_on": st.column_config.DateColumn(format="YYYY-MM-DD"),
           "last_loaded_on": st.column_config.DateColumn(format="YYYY-MM-DD"),
           "landed_on": st.column_config.DateColumn(format="YYYY-MM-DD"),
           "last_ingested_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")}


def table(frame, columns: dict[str, str]) -> None:
    """st.dataframe of `columns` (column → label key), headed by the labels of the user's language."""
    st.dataframe(frame[list(columns)].rename(columns={c: t(key) for c, key in columns.items()}), hide_index=True,
                 width="stretch", column_config={t(key): FORMATS[c] for c, key in columns.items() if c in FORMATS})


snapshot = page_snapshot("data_quality", "page_quality", as_of_caption=False)
today = settings.today()
st.caption(t("quality_today", today=today, zone=zone_name(), date=snapshot.as_of, version=snapshot.version))

st.subheader(t("freshness_title"))
freshness = quality.source_freshness(snapshot, today)
if freshness.empty:
    st.info(t("no_freshness"))
else:
    freshness["delivery"] = freshness["delivery"].map(lambda code: code_label("delivery", code))
    freshness["status"] = freshness["status"].map(lambda code: code_label("status", code))
    table(freshness, {name_column(): "source", "delivery": "delivery", "last_landed_on": "last_landed_on",
                      "last_loaded_on": "last_loaded_on", "last_ingested_at": "last_ingested_at",
                      "files_landed": "files_landed", "unexpected_files": "unexpected_files", "status": "status"})

left, right = st.columns(2)
start, end = period_control(left, snapshot, quality.PERIODS, "quality_period")
table_name = remembered(right.selectbox, t("table"), [None, *quality.table_names(snapshot)], name="quality_table",
                        default=None, suffix=lang(), format_func=lambda name: name or t("all_tables"))

st.subheader(t("contract_title"))
results = quality.daily_results(snapshot, start, end, table_name)
figure = go.Figure()
figure.add_bar(x=results["landed_on"], y=results["rows_loaded"], name=t("rows_loaded"))
figure.add_scatter(x=results["landed_on"], y=results["rows_quarantined"], name=t("rows_quarantined"),
                   mode="lines+markers", yaxis="y2")
peak = int(results["rows_quarantined"].max()) if len(results) else 0
chart_layout(figure, 320, xaxis_tickformat="%m-%d", yaxis_title=t("rows_loaded"),
             yaxis2=dict(title=t("rows_quarantined"), overlaying="y", side="right", showgrid=False,
                         range=[0, max(peak, 1) * 1.05], tickmode="linear", tick0=0,
                         dtick=max(1, math.ceil(peak / 5))))   # whole rows, never 3.3
st.plotly_chart(figure, config=PLOTLY_CONFIG, width="stretch", key="contract_results")

st.subheader(t("quarantine_title"))
rules = quality.quarantine_by_rule(snapshot, start, end, table_name)
st.metric(t("quarantined_total"), f"{quality.quarantined_total(snapshot, start, end, table_name):,}")
if rules.empty:
    st.success(t("no_quarantine"))
else:
    rules["rule"] = rules["rule"].map(lambda code: code_label("rule", code))
    table(rules, {"table_name": "table", "rule": "rule", "column_name": "column", "rows_quarantined": "rows"})

st.subheader(t("reconciliation_title"))
partitions = quality.reconciliation(snapshot, start, end, table_name)
st.metric(t("unreconciled"), f"{quality.unreconciled(snapshot, start, end, table_name):,}",
          help=t("unreconciled_help"))
partitions["is_reconciled"] = partitions["is_reconciled"].map({True: "✓", False: "✗"})
table(partitions, {"table_name": "table", "landed_on": "landed_on", "rows_in": "rows_in", "rows_loaded": "rows_loaded",
                   "rows_quarantined": "rows_quarantined", "rows_deduplicated": "rows_deduplicated",
                   "is_reconciled": "reconciled"})

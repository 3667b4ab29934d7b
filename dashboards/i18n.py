"""Every label of the dashboards in Chinese (default) and English: the one translation table."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "网格化治理大数据分析决策平台", "en": "Grid governance decision platform"},
    "language": {"zh": "语言", "en": "Language"},
    "page_cockpit": {"zh": "领导驾驶舱", "en": "Cockpit"},
    "as_of": {"zh": "数据截至 {date}(快照 {version})", "en": "Data as of {date} (snapshot {version})"},
    "no_snapshot": {"zh": "还没有可用的数据快照。请先运行 `gridsight demo` 或 `gridsight materialize`。",
                    "en": "No data snapshot yet. Run `gridsight demo` or `gridsight materialize` first."},
    "period": {"zh": "统计周期", "en": "Period"},
    "days_n": {"zh": "近{n}天", "en": "Last {n} days"},
    "area": {"zh": "区域", "en": "Area"},
    "whole_district": {"zh": "全区", "en": "Whole district"},
    "vs_previous": {"zh": "较上一周期", "en": "vs previous period"},
    "map_title": {"zh": "各网格每千人案件数", "en": "Cases per 1,000 residents by grid"},
    "map_metric": {"zh": "每千人案件", "en": "Cases per 1,000 residents"},
    "trend_title": {"zh": "每日新增案件与积压", "en": "Daily new cases and backlog"},
    "new_cases": {"zh": "新增案件", "en": "New cases"},
    "backlog": {"zh": "积压案件", "en": "Backlog"},
    "overdue": {"zh": "超期案件", "en": "Overdue"},
    "count": {"zh": "数量", "en": "Count"},
    "grid": {"zh": "网格", "en": "Grid"},
    "cases": {"zh": "案件", "en": "Cases"},
    "residents": {"zh": "常住人口", "en": "Residents"},
    "top_backlog": {"zh": "积压最多的网格", "en": "Grids with the largest backlog"},
    # Freshness banner and data-quality page
    "page_quality": {"zh": "数据质量", "en": "Data quality"},
    "stale_banner": {"zh": "以下数据源需要关注,页面上的数据可能不是最新的:",
                     "en": "These data sources need attention; figures may be out of date:"},
    "stale_line": {"zh": "{name}:{status},最后落地 {day}", "en": "{name}: {status}, last landed {day}"},
    "never": {"zh": "从未落地", "en": "never"},
    "status_ok": {"zh": "正常", "en": "OK"},
    "status_stale": {"zh": "数据过期", "en": "Stale"},
    "status_unknown_source": {"zh": "未登记的数据源", "en": "Unknown source"},
    "status_unexpected_files": {"zh": "有异常文件", "en": "Unexpected files"},
    "delivery_daily": {"zh": "每日", "en": "Daily"},
    "delivery_reference": {"zh": "参考数据", "en": "Reference"},
    "delivery_unknown": {"zh": "未知", "en": "Unknown"},
    "quality_today": {"zh": "今天是 {today}(北京时间);数据截至 {date}(快照 {version})",
                      "en": "Today is {today} (Beijing time); data as of {date} (snapshot {version})"},
    "freshness_title": {"zh": "数据源时效", "en": "Source freshness"},
    "no_freshness": {"zh": "此快照没有数据源时效信息。", "en": "This snapshot has no freshness information."},
    "source": {"zh": "数据源", "en": "Source"},
    "delivery": {"zh": "交付频率", "en": "Delivery"},
    "last_landed_on": {"zh": "最后落地日", "en": "Last landed day"},
    "last_loaded_on": {"zh": "最后入库日", "en": "Last loaded day"},
    "last_ingested_at": {"zh": "最近成功入库时间", "en": "Last successful load"},
    "files_landed": {"zh": "落地文件数", "en": "Files landed"},
    "unexpected_files": {"zh": "异常文件数", "en": "Unexpected files"},
    "status": {"zh": "状态", "en": "Status"},
    "all_periods": {"zh": "全部", "en": "All"},
    "table": {"zh": "数据表", "en": "Table"},
    "all_tables": {"zh": "全部数据表", "en": "All tables"},
    "contract_title": {"zh": "数据契约校验结果(按落地日)", "en": "Contract results by landing day"},
    "landed_on": {"zh": "落地日", "en": "Landing day"},
    "rows_in": {"zh": "接收行数", "en": "Rows in"},
    "rows_loaded": {"zh": "入库行数", "en": "Rows loaded"},
    "rows_quarantined": {"zh": "隔离行数", "en": "Rows quarantined"},
    "rows": {"zh": "行数", "en": "Rows"},
    "quarantine_title": {"zh": "按校验规则统计的隔离数据", "en": "Quarantined rows by rule"},
    "quarantined_total": {"zh": "隔离行数合计", "en": "Rows quarantined in total"},
    "no_quarantine": {"zh": "所选周期内没有被隔离的数据。", "en": "No rows were quarantined in this period."},
    "rule": {"zh": "规则", "en": "Rule"},
    "column": {"zh": "字段", "en": "Column"},
    "rule_required": {"zh": "必填项缺失", "en": "Required value missing"},
    "rule_invalid_string": {"zh": "文本无效", "en": "Invalid text"},
    "rule_invalid_integer": {"zh": "整数无效", "en": "Invalid integer"},
    "rule_invalid_double": {"zh": "数值无效", "en": "Invalid number"},
    "rule_invalid_boolean": {"zh": "布尔值无效", "en": "Invalid boolean"},
    "rule_invalid_timestamp": {"zh": "时间无效", "en": "Invalid timestamp"},
    "rule_invalid_date": {"zh": "日期无效", "en": "Invalid date"},
    "rule_not_allowed": {"zh": "取值不在允许列表中", "en": "Value not allowed"},
    "rule_out_of_range": {"zh": "数值超出范围", "en": "Out of range"},
    "rule_bad_format": {"zh": "格式不正确", "en": "Bad format"},
    "reconciliation_title": {"zh": "分区对账", "en": "Reconciliation per partition"},
    "unreconciled": {"zh": "未对平的分区", "en": "Partitions that do not reconcile"},
    "unreconciled_help": {"zh": "接收行数 ≠ 入库行数 + 隔离行数 的分区数,应为 0。",
                          "en": "Partitions where rows in ≠ rows loaded + rows quarantined; should be 0."},
    "reconciled": {"zh": "已对平", "en": "Reconciled"},
    # — dispute hotspots (issue 8) —
    "page_hotspots": {"zh": "矛盾纠纷热点", "en": "Dispute hotspots"},
    "hotspots_title": {"zh": "矛盾纠纷热点预测", "en": "Dispute hotspot forecast"},
    "hotspots_none": {"zh": "还没有热点预测。每日物化会训练模型并打分(需要至少一周数据)。",
                      "en": "No hotspot forecast yet. The daily materialization trains and scores the model "
                            "(it needs at least a week of data)."},
    "hotspots_caption": {"zh": "预测周 {start} 至 {end}(数据截至 {through},模型训练数据截至 {trained})",
                         "en": "Forecast for {start} to {end} (data through {through}, model trained on data "
                               "through {trained})"},
    "hotspots_expected": {"zh": "下周预计纠纷数", "en": "Disputes expected next week"},
    "hotspots_expected_short": {"zh": "预计纠纷", "en": "Expected disputes"},
    "hotspots_high": {"zh": "高风险网格", "en": "High-risk grids"},
    "hotspots_model_pai": {"zh": "模型 PAI@10%(回测均值)", "en": "Model PAI@10% (backtest mean)"},
    "hotspots_best_baseline": {"zh": "最佳基线:{name}", "en": "Best baseline: {name}"},
    "pai_help": {"zh": "PAI = 标记网格捕获的纠纷占比 ÷ 标记网格占比;越高越好,1 相当于随机。",
                 "en": "PAI = share of disputes in the flagged grids ÷ share of grids flagged; higher is better, "
                       "1 is no better than chance."},
    "hotspots_map": {"zh": "下周风险地图", "en": "Next week's risk map"},
    "hotspots_ranked": {"zh": "重点网格排名(前 20%)", "en": "Ranked grids (top 20 %)"},
    "hotspots_actions": {"zh": "建议措施", "en": "Suggested actions"},
    "hotspots_actions_help": {"zh": "高风险且近四周有纠纷的网格:上门调解走访;其他高风险和较高风险网格:加强巡逻。",
                              "en": "High-risk grids with disputes in the last four weeks: mediation visit; other "
                                    "high and elevated grids: patrols."},
    "hotspots_export": {"zh": "导出建议措施(CSV)", "en": "Export suggested actions (CSV)"},
    "hotspots_backtest": {"zh": "模型与基线对比(滚动回测)", "en": "Model vs baselines (rolling-origin backtest)"},
    "hotspots_backtest_none": {"zh": "历史数据不足,暂无回测(至少需要 39 个完整周)。",
                               "en": "Not enough history for a backtest yet (it needs at least 39 complete "
                                     "weeks)."},
    "hotspots_backtest_caption": {"zh": "近 {weeks} 周各模型指标均值",
                                  "en": "Mean per model over the last {weeks} weeks"},
    "hotspots_metric": {"zh": "指标", "en": "Metric"},
    "hotspots_week": {"zh": "预测周", "en": "Forecast week"},
    "col_rank": {"zh": "排名", "en": "Rank"},
    "col_grid": {"zh": "网格", "en": "Grid"},
    "col_grid_id": {"zh": "网格编码", "en": "Grid code"},
    "col_community": {"zh": "社区", "en": "Community"},
    "col_tier": {"zh": "风险等级", "en": "Risk tier"},
    "col_last_4w": {"zh": "近四周纠纷", "en": "Disputes, last 4 weeks"},
    "col_cause": {"zh": "主要纠纷类型", "en": "Main cause"},
    "col_action": {"zh": "建议措施", "en": "Suggested action"},
    "col_reasons": {"zh": "主要原因(影响倍数)", "en": "Main reasons (factor)"},
    "tier_high": {"zh": "高", "en": "High"},
    "tier_elevated": {"zh": "较高", "en": "Elevated"},
    "tier_normal": {"zh": "一般", "en": "Normal"},
    "action_mediation_visit": {"zh": "上门调解走访", "en": "Mediation visit"},
    "action_patrol": {"zh": "加强巡逻", "en": "Patrol"},
    "bl_model": {"zh": "预测模型", "en": "Model"},
    "bl_last_week": {"zh": "上周数", "en": "Last week"},
    "bl_mean_4w": {"zh": "近4周均值", "en": "4-week mean"},
    "bl_mean_12w": {"zh": "近12周均值", "en": "12-week mean"},
    "bl_kde": {"zh": "核密度", "en": "Kernel density"},
    "metric_pai_10": {"zh": "PAI@10%", "en": "PAI@10%"},
    "metric_hit_rate_10": {"zh": "命中率@10%", "en": "Hit rate@10%"},
    "metric_pei_10": {"zh": "PEI@10%", "en": "PEI@10%"},
    "metric_pai_20": {"zh": "PAI@20%", "en": "PAI@20%"},
    "metric_hit_rate_20": {"zh": "命中率@20%", "en": "Hit rate@20%"},
    "metric_pei_20": {"zh": "PEI@20%", "en": "PEI@20%"},
    "metric_poisson_deviance": {"zh": "泊松偏差", "en": "Poisson deviance"},
    "feat_lag_1": {"zh": "上周纠纷", "en": "Disputes last week"},
    "feat_lag_2": {"zh": "两周前纠纷", "en": "Disputes 2 weeks ago"},
    "feat_lag_3": {"zh": "三周前纠纷", "en": "Disputes 3 weeks ago"},
    "feat_lag_4": {"zh": "四周前纠纷", "en": "Disputes 4 weeks ago"},
    "feat_mean_4w": {"zh": "近4周纠纷", "en": "Disputes, last 4 weeks"},
    "feat_mean_12w": {"zh": "近12周纠纷", "en": "Disputes, last 12 weeks"},
    "feat_mean_26w": {"zh": "近半年纠纷", "en": "Disputes, last 26 weeks"},
    "feat_mean_52w": {"zh": "近一年纠纷", "en": "Disputes, last year"},
    "feat_weeks_since_last": {"zh": "距上次纠纷周数", "en": "Weeks since the last dispute"},
    "feat_recent_decayed": {"zh": "近期纠纷(近重复)", "en": "Recent disputes (near-repeat)"},
    "feat_nb_recent_decayed": {"zh": "相邻网格近期纠纷", "en": "Recent disputes next door"},
    "feat_nb_lag_1": {"zh": "相邻网格上周纠纷", "en": "Disputes next door last week"},
    "feat_nb_mean_4w": {"zh": "相邻网格近4周纠纷", "en": "Disputes next door, last 4 weeks"},
    "feat_nb_mean_12w": {"zh": "相邻网格近12周纠纷", "en": "Disputes next door, last 12 weeks"},
    "feat_alarms_4w": {"zh": "近4周设备告警", "en": "Device alarms, last 4 weeks"},
    "feat_households": {"zh": "户数", "en": "Households"},
    "feat_shops": {"zh": "商铺数", "en": "Shops"},
    "feat_residents": {"zh": "常住人口", "en": "Residents"},
    "feat_renter_share": {"zh": "租户比例", "en": "Renter share"},
    "feat_floating_share": {"zh": "流动人口比例", "en": "Floating-population share"},
    "feat_residents_per_km2": {"zh": "人口密度", "en": "Population density"},
    "feat_shops_per_km2": {"zh": "商铺密度", "en": "Shop density"},
    "feat_holiday_days_next": {"zh": "下周节假日天数", "en": "Holidays next week"},
    "feat_workdays_next": {"zh": "下周工作日天数", "en": "Workdays next week"},
    "feat_season_sin": {"zh": "季节", "en": "Season"},
    "feat_season_cos": {"zh": "季节", "en": "Season"},
    "feat_days_to_spring_festival": {"zh": "距春节天数", "en": "Days to the Spring Festival"},
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    """The label for `key` in the user's language, with {placeholders} filled in."""
    text = LABELS[key][lang()]
    return text.format(**values) if values else text


def code_label(prefix: str, code: str) -> str:
    """The label of a code (a rule, a status …) under key `prefix_code`, or the code itself without one."""
    key = f"{prefix}_{code}"
    return t(key) if key in LABELS else code


def name_column(base: str = "name") -> str:
    """Which column of a dimension holds names in the user's language (name_zh / name_en)."""
    return f"{base}_{lang()}"

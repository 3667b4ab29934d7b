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
    # --- foot traffic (issue 7): 商圈客流 page ---
    "page_foot_traffic": {"zh": "商圈客流", "en": "Foot traffic"},
    "ft_no_data": {"zh": "快照中还没有客流数据。", "en": "No foot-traffic data in this snapshot yet."},
    "ft_alerts_title": {"zh": "未来7天拥挤预警", "en": "Crowding alerts, next 7 days"},
    "ft_alert_hours": {"zh": "预警时段(小时)", "en": "Alert hours"},
    "ft_alert_zones": {"zh": "涉及片区", "en": "Zones affected"},
    "ft_peak_load": {"zh": "最高预测负荷", "en": "Highest forecast load"},
    "ft_peak_load_help": {"zh": "未来7天预测上限(90%分位)/安全容量的最大值,出现在{zone}。",
                          "en": "Highest forecast upper bound (90 % quantile) / safe capacity in the next 7 days, "
                                "in {zone}."},
    "ft_no_alerts": {"zh": "未来7天没有时段的预测上限超过安全容量。",
                     "en": "No hour in the next 7 days has a forecast upper bound above the safe capacity."},
    "ft_zone": {"zh": "片区", "en": "Zone"},
    "ft_hour": {"zh": "时段", "en": "Hour"},
    "ft_q50": {"zh": "预测值(中位)", "en": "Forecast (median)"},
    "ft_q90": {"zh": "预测上限(90%)", "en": "Upper bound (90 %)"},
    "ft_capacity": {"zh": "安全容量", "en": "Safe capacity"},
    "ft_excess": {"zh": "超出容量", "en": "Above capacity"},
    "ft_likely": {"zh": "中位值也超", "en": "Median above too"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "ft_hourly_title": {"zh": "逐小时进入人数与7天预测", "en": "People in per hour and the 7-day forecast"},
    "ft_band": {"zh": "80%预测区间", "en": "80 % interval"},
    "ft_forecast": {"zh": "预测", "en": "Forecast"},
    "ft_actual": {"zh": "实际", "en": "Actual"},
    "ft_people_in": {"zh": "每小时进入人数", "en": "People in per hour"},
    "ft_model_caption": {"zh": "模型版本 {version},训练窗口 {start} 至 {end};"
                                "近14天有 {gaps} 个小时缺测(曲线断开,不按0计)。",
                         "en": "Model version {version}, trained on {start} … {end}; {gaps} hours without a complete "
                               "count in the last 14 days (the line breaks, they are not zeros)."},
    "ft_heat_title": {"zh": "节假日商圈热度排行", "en": "Holiday heat ranking of the districts"},
    "ft_no_holidays": {"zh": "数据期内没有法定节假日。", "en": "No public holiday in the data period."},
    "ft_holiday": {"zh": "节假日", "en": "Holiday"},
    "ft_rank": {"zh": "排名", "en": "Rank"},
    "ft_district": {"zh": "商圈", "en": "District"},
    "ft_per_day": {"zh": "日均进入人数", "en": "People in per day"},
    "ft_ordinary": {"zh": "平常周末日均", "en": "Ordinary weekend per day"},
    "ft_uplift": {"zh": "节日提升", "en": "Holiday uplift"},
    "ft_days_observed": {"zh": "完整数据天数", "en": "Complete days"},
    "ft_uplift_help": {"zh": "节日提升 = 节日日均 / 节前8周内普通周末(非节假日、非调休)日均 − 1;"
                             "只计24小时数据完整的天。",
                       "en": "Uplift = holiday mean per day / mean of ordinary weekend days (no holiday, no adjusted "
                             "working day) in the 8 weeks before − 1; only days with all 24 hours complete count."},
    "holiday_new_year": {"zh": "元旦", "en": "New Year's Day"},
    "holiday_spring_festival": {"zh": "春节", "en": "Spring Festival"},
    "holiday_qingming": {"zh": "清明", "en": "Qingming"},
    "holiday_labour_day": {"zh": "劳动节", "en": "Labour Day"},
    "holiday_dragon_boat": {"zh": "端午", "en": "Dragon Boat Festival"},
    "holiday_national_day": {"zh": "国庆", "en": "National Day"},
    "holiday_mid_autumn": {"zh": "中秋", "en": "Mid-autumn Festival"},
    "holiday_memorial_day": {"zh": "纪念日", "en": "Memorial day"},
    "holiday_other": {"zh": "其他节日", "en": "Other holiday"},
    "ft_observed_title": {"zh": "近30天实际超容量", "en": "Observed above capacity, last 30 days"},
    "ft_no_observed": {"zh": "近30天没有小时进入人数超过安全容量。",
                       "en": "No hour in the last 30 days had more people in than the safe capacity."},
    "ft_day": {"zh": "日期", "en": "Day"},
    "ft_peak_hour": {"zh": "高峰小时进入人数", "en": "Peak hour people in"},
    "ft_hours_over": {"zh": "超容量小时数", "en": "Hours above capacity"},
    "ft_trust_title": {"zh": "预测可信度:模型与季节朴素基线对比",
                       "en": "How far to trust the forecast: model vs seasonal naive"},
    "ft_trust_help": {"zh": "滚动起点回测,每个起点预测未来168小时。MASE(m=168)越低越好,低于基线说明模型更准;"
                            "80%区间覆盖率应在75%–85%之间。",
                      "en": "Rolling-origin backtest, 168 hours ahead from each origin. Lower MASE (m = 168) is "
                            "better; below the baseline means the model beats it. The 80 % interval should cover "
                            "75–85 % of actual hours."},
    "ft_demo_backtest": {"zh": "本辖区商圈", "en": "This district's zones"},
    "ft_real_backtest": {"zh": "真实数据:墨尔本行人计数(仅按星期与小时,不含中国节假日)",
                         "en": "Real data: Melbourne pedestrian counts (weekday and hour only, no Chinese holidays)"},
    "ft_no_backtest": {"zh": "还没有回测结果。", "en": "No backtest yet."},
    "ft_mase": {"zh": "MASE", "en": "MASE"},
    "ft_wape": {"zh": "WAPE", "en": "WAPE"},
    "ft_coverage": {"zh": "80%区间覆盖率", "en": "80 % interval coverage"},
    "ft_vs_naive": {"zh": "较基线", "en": "vs baseline"},
    "ft_naive": {"zh": "基线", "en": "Baseline"},
    "ft_method": {"zh": "方法", "en": "Method"},
    "ft_method_model": {"zh": "预测模型", "en": "Forecast model"},
    "ft_method_seasonal_naive": {"zh": "季节朴素(上周同时段)", "en": "Seasonal naive (same hour last week)"},
    "ft_all_zones": {"zh": "全部片区", "en": "All zones"},
    "ft_hours_scored": {"zh": "评估小时数", "en": "Hours scored"},
    "ft_origins": {"zh": "预测起点数", "en": "Origins"},
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

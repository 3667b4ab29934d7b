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
    # --- incidents: case management page and cockpit scorecard (issue 6) ---
    "page_incidents": {"zh": "案件管理", "en": "Incidents"},
    "export_csv": {"zh": "导出CSV", "en": "Export CSV"},
    "drill_street": {"zh": "街道", "en": "Street"},
    "drill_community": {"zh": "社区", "en": "Community"},
    "drill_grid": {"zh": "网格", "en": "Grid"},
    "all_areas": {"zh": "全部", "en": "All"},
    "sla_80": {"zh": "时限已用80%", "en": "80 % of SLA used"},
    "sla_50": {"zh": "时限已用50%", "en": "50 % of SLA used"},
    "duplicates": {"zh": "重复报件", "en": "Repeat reports"},
    "duplicates_help": {"zh": "同类、相近位置、短时间内的重复报件,已关联到首报案件,指标中只计一次。",
                        "en": "Reports of the same problem (same category, nearby, shortly after) linked to the "
                              "first report and counted once in the KPIs."},
    "backlog_trend": {"zh": "积压与超期趋势", "en": "Backlog and overdue trend"},
    "funnel_title": {"zh": "逐级吹哨:各层级处置案件数", "en": "Escalation funnel by level"},
    "at_risk_title": {"zh": "临期与超期案件", "en": "Cases at risk"},
    "at_risk_help": {"zh": "未办结且已用去处置时限50%/80%/100%的案件,以及当前承办层级。",
                     "en": "Unresolved cases that used 50 / 80 / 100 % of their SLA, and the level holding each now."},
    "case_id": {"zh": "案件编号", "en": "Case"},
    "category": {"zh": "类别", "en": "Category"},
    "reported_at": {"zh": "上报时间", "en": "Reported"},
    "due_at": {"zh": "办结时限", "en": "Due"},
    "sla_used": {"zh": "时限已用(%)", "en": "SLA used (%)"},
    "alert_tier": {"zh": "预警级别", "en": "Alert tier"},
    "holding_level": {"zh": "承办层级", "en": "Level"},
    "holder": {"zh": "承办方", "en": "Held by"},
    "heat_title": {"zh": "类别 × 区域案件分布", "en": "Cases by category and area"},
    "no_cases": {"zh": "所选范围内没有案件。", "en": "No cases in the selection."},
    "timeline_title": {"zh": "案件流转:谁在何时承办", "en": "Case timeline: who held it when"},
    "case_summary": {"zh": "{category} · 当前状态:{state} · 当前层级:{level} · 升级 {escalations} 次",
                     "en": "{category} · state: {state} · level: {level} · escalated {escalations}×"},
    "duplicate_of": {"zh": " · 重复报件,首报案件 {master}", "en": " · repeat report of {master}"},
    "event": {"zh": "环节", "en": "Step"},
    "event_at": {"zh": "时间", "en": "At"},
    "held_until": {"zh": "承办至", "en": "Held until"},
    "hours_held": {"zh": "承办时长(小时)", "en": "Hours held"},
    "level_micro_grid": {"zh": "微网格", "en": "Micro-grid"},
    "level_grid": {"zh": "网格", "en": "Grid"},
    "level_community": {"zh": "社区", "en": "Community"},
    "level_street": {"zh": "街道", "en": "Street"},
    "level_district": {"zh": "区职能部门", "en": "District department"},
    "event_reported": {"zh": "上报", "en": "Reported"},
    "event_accepted": {"zh": "受理", "en": "Accepted"},
    "event_dispatched": {"zh": "派遣", "en": "Dispatched"},
    "event_escalated": {"zh": "上报升级", "en": "Escalated"},
    "event_resolved": {"zh": "处置完成", "en": "Resolved"},
    "event_verified": {"zh": "群众核实", "en": "Verified by resident"},
    "event_closed": {"zh": "结案", "en": "Closed"},
    "event_reopened": {"zh": "重新办理", "en": "Reopened"},
    "state_reported": {"zh": "已上报", "en": "Reported"},
    "state_accepted": {"zh": "已受理", "en": "Accepted"},
    "state_dispatched": {"zh": "已派遣", "en": "Dispatched"},
    "state_escalated": {"zh": "已升级", "en": "Escalated"},
    "state_resolved": {"zh": "已处置", "en": "Resolved"},
    "state_verified": {"zh": "已核实", "en": "Verified"},
    "state_closed": {"zh": "已结案", "en": "Closed"},
    "state_reopened": {"zh": "重新办理中", "en": "Reopened"},
    "scorecard_title": {"zh": "绩效计分卡(实际/目标)", "en": "Scorecard (actual vs target)"},
    "scorecard_help": {"zh": "得分 = 实际/目标(越低越好的指标为 目标/实际),≥1 绿,≥0.9 黄,否则红;"
                             "无种子目标时取近52周均值。",
                       "en": "Score = actual / target (target / actual when lower is better): green ≥ 1, yellow ≥ 0.9, "
                             "red below; without a seed target, the trailing 52-week mean."},
    "overall_score": {"zh": "综合得分", "en": "Overall score"},
    "score": {"zh": "得分", "en": "Score"},
    "actual": {"zh": "实际", "en": "Actual"},
    "target": {"zh": "目标", "en": "Target"},
    "kpi": {"zh": "指标", "en": "KPI"},
    "status_green": {"zh": "达标", "en": "On target"},
    "status_yellow": {"zh": "接近", "en": "Near target"},
    "status_red": {"zh": "未达标", "en": "Off target"},
    "target_source_seed": {"zh": "设定目标", "en": "Set target"},
    "target_source_trailing_52_weeks": {"zh": "近52周均值", "en": "Trailing 52-week mean"},
    "target_source": {"zh": "目标来源", "en": "Target from"},
    "date": {"zh": "日期", "en": "Date"},
    "timeline_help": {"zh": "每个环节记录承办层级与承办方,承办至下一环节开始;当前环节承办至今。",
                      "en": "Each step records the level and holder, who hold the case until the next step starts; "
                            "the current step runs until now."},

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

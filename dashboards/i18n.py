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

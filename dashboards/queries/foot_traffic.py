"""The foot-traffic page's queries: zones, the hourly series with its gaps, the 7-day
forecast band, crowding alerts, the holiday heat ranking and the model-vs-baseline backtest."""

from __future__ import annotations

import pandas as pd

from dashboards.data import Snapshot, has_table, query

HISTORY_DAYS = 14


def zones(snapshot: Snapshot) -> pd.DataFrame:
    return query(snapshot, "select distinct zone_id, district_code, district_name_zh, district_name_en, zone_name_zh, "
                           "zone_name_en, safe_capacity from mart_foot_traffic_daily order by zone_id")


def hourly(snapshot: Snapshot, zone_id: str, days: int = HISTORY_DAYS) -> pd.DataFrame:
    """People in per hour over the last `days` days: every hour present, NaN where no complete count
    exists (an outage or a reset shows as a gap in the line, never as a zero)."""
    frame = query(snapshot, "select hour_start, case when is_complete then count_in end as count_in "
                            "from fct_foot_traffic_hourly where zone_id = ? and hour_start >= "
                            "(select max(hour_start) from fct_foot_traffic_hourly) - to_days(cast(? as integer)) "
                            "order by hour_start", (zone_id, days))
    if frame.empty:
        return frame
    hours = pd.date_range(frame["hour_start"].min().normalize(), frame["hour_start"].max(), freq="h")
    return frame.set_index("hour_start").reindex(hours).rename_axis("hour_start").reset_index()


def forecast(snapshot: Snapshot, zone_id: str) -> pd.DataFrame:
    if not has_table(snapshot, "mart_flow_forecast"):
        return pd.DataFrame(columns=["ts", "q10", "q50", "q90", "safe_capacity", "model_version", "train_start",
                                     "train_end"])
    return query(snapshot, "select ts, q10, q50, q90, safe_capacity, model_version, train_start, train_end "
                           "from mart_flow_forecast where zone_id = ? order by ts", (zone_id,))


def crowding_alerts(snapshot: Snapshot) -> pd.DataFrame:
    """Forecast hours whose upper bound exceeds the zone's safe capacity, with zone names."""
    if not has_table(snapshot, "mart_flow_crowding_alerts"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_flow_crowding_alerts order by ts, zone_id")


def alert_totals(snapshot: Snapshot) -> dict:
    """Hours in crowding alert and the zones they concern, over the next 7 days."""
    if not has_table(snapshot, "mart_flow_zone_outlook"):
        return {"alert_hours": 0, "alert_zones": 0}
    return query(snapshot, "select cast(coalesce(sum(alert_hours), 0) as bigint) as alert_hours, count(*) filter "
                           "(where alert_hours > 0) as alert_zones from mart_flow_zone_outlook").to_dict("records")[0]


def peak_zone(snapshot: Snapshot) -> pd.DataFrame:
    """The zone whose forecast upper bound comes closest to (or most over) its safe capacity."""
    if not has_table(snapshot, "mart_flow_zone_outlook"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_flow_zone_outlook order by peak_load desc, zone_id limit 1")


def observed_crowding(snapshot: Snapshot, days: int = 30) -> pd.DataFrame:
    """Zone-days of the last `days` days with hours above the safe capacity."""
    return query(snapshot, "select zone_id, zone_name_zh, zone_name_en, date_day, peak_hour_in, safe_capacity, "
                           "peak_load, hours_over_capacity from mart_foot_traffic_daily where hours_over_capacity > 0 "
                           "and date_day > (select max(date_day) from mart_foot_traffic_daily) - to_days(cast(? as "
                           "integer)) order by date_day desc, zone_id", (days,))


def holidays(snapshot: Snapshot) -> pd.DataFrame:
    """Holidays with data, newest first (holiday code, first day)."""
    return query(snapshot, "select distinct holiday, holiday_year, first_day, last_day from mart_district_heat "
                           "order by first_day desc")


def heat_ranking(snapshot: Snapshot, holiday: str, first_day) -> pd.DataFrame:
    return query(snapshot, "select * from mart_district_heat where holiday = ? and first_day = ? order by heat_rank",
                 (holiday, first_day))


def backtest(snapshot: Snapshot, dataset: str = "demo") -> pd.DataFrame:
    """Backtest metrics per zone and method of one dataset (overall first), or an empty frame."""
    if not has_table(snapshot, "mart_flow_backtest"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_flow_backtest where dataset = ? order by is_all_zones desc, zone_id, "
                           "method", (dataset,))


def backtest_summary(snapshot: Snapshot, dataset: str = "demo") -> pd.DataFrame:
    """The model against seasonal naive over all zones of one dataset (one row, or none)."""
    if not has_table(snapshot, "mart_flow_backtest_summary"):
        return pd.DataFrame()
    return query(snapshot, "select * from mart_flow_backtest_summary where dataset = ?", (dataset,))

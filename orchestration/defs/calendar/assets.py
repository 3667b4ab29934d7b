"""raw/calendar: the deployment's working calendar (GRIDSIGHT_REGION and <data>/calendar/holidays.csv, see
models_ml/calendar.py) written into the warehouse before dbt builds, so dim_date follows the settings and
the district's holiday file without editing the product's seeds."""

import dagster as dg

from models_ml.calendar import CalendarError, deployment_calendar
from orchestration.defs.common import WAREHOUSE_POOL
from orchestration.defs.resources import Warehouse

COLUMNS = ["date", "is_workday", "is_holiday", "is_adjusted_workday", "holiday", "source", "region"]


@dg.asset(key=["raw", "calendar"], group_name="raw", pool=WAREHOUSE_POOL,
          description="Every day of the deployment's calendar years with its holiday and working-day flags.")
def calendar(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    try:
        frame = deployment_calendar()[COLUMNS]
    except CalendarError as error:   # a bad region or holiday file: one line, nothing written
        raise dg.Failure(description=str(error)) from None
    with warehouse.connect() as con:
        con.execute("create schema if not exists raw")
        con.register("deployment_calendar", frame)
        con.execute("create or replace table raw.calendar as select cast(date as date) as date, is_workday, "
                    "is_holiday, is_adjusted_workday, holiday, source, region from deployment_calendar")
        con.unregister("deployment_calendar")
    sources = frame["source"].value_counts().to_dict()
    context.log.info(f"calendar {frame['region'].iloc[0]}: {len(frame)} days, {sources}")
    return dg.MaterializeResult(metadata={"days": len(frame), "region": frame["region"].iloc[0],
                                          **{f"days_{k}": int(v) for k, v in sources.items()}})


calendar_assets = [calendar]

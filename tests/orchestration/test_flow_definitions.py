"""The foot-traffic forecast in the code location: weekly training schedule, daily assets, one writer pool."""

import dagster as dg

from tests.orchestration.conftest import load_definitions as _defs

FLOW = {dg.AssetKey(["ml", name]) for name in ("flow_model", "flow_forecast", "flow_backtest")}
# what the weekly run rebuilds after the model: the alerts table and the marts the page reads
FLOW_DOWNSTREAM = {dg.AssetKey(["ml", "flow_crowding_alerts"])} | {dg.AssetKey(["marts", name]) for name in (
    "mart_flow_forecast", "mart_flow_crowding_alerts", "mart_flow_zone_outlook", "mart_flow_backtest",
    "mart_flow_backtest_summary")}


def test_weekly_training_retrains_backtests_forecasts_and_publishes():
    defs = _defs()
    schedule = defs.resolve_schedule_def("flow_weekly_training_schedule")
    assert schedule.cron_schedule == "0 4 * * 1" and schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("flow_weekly_training")
    keys = set(job.asset_layer.selected_asset_keys)
    assert FLOW | FLOW_DOWNSTREAM | {dg.AssetKey(["serving", "snapshot"])} == keys


def test_flow_assets_are_in_the_daily_job_before_publish_and_in_the_writer_pool():
    defs = _defs()
    graph = defs.resolve_asset_graph()
    daily = set(defs.resolve_job_def("materialize_everything").asset_layer.selected_asset_keys)
    assert FLOW <= daily
    publish = graph.get(dg.AssetKey(["serving", "snapshot"]))
    assert FLOW <= set(publish.parent_keys)
    for key in FLOW:
        assert graph.get(key).assets_def.op.pool == "warehouse"

"""The hotspot assets sit in the daily materialization, before publish, with their own weekly training."""

import dagster as dg

from tests.orchestration.conftest import load_definitions as _defs

HOTSPOT_KEYS = {dg.AssetKey(["ml", n]) for n in ("hotspot_model", "hotspot_scores", "hotspot_backtest",
                                                  "hotspot_backtest_summary")}
HOTSPOT_MARTS = {dg.AssetKey(["marts", n]) for n in ("mart_hotspot_scores", "mart_hotspot_backtest",
                                                      "mart_hotspot_backtest_summary")}


def test_hotspot_assets_write_in_the_pool_and_publish_waits_for_them():
    defs = _defs()
    graph = defs.resolve_asset_graph()
    assert HOTSPOT_KEYS <= set(graph.get_all_asset_keys())
    for key in HOTSPOT_KEYS:
        assert graph.get(key).assets_def.op.pool == "warehouse"
    assert HOTSPOT_KEYS <= set(graph.get(dg.AssetKey(["serving", "snapshot"])).parent_keys)
    assert dg.AssetKey(["marts", "mart_grid_daily"]) in graph.get(dg.AssetKey(["ml", "hotspot_scores"])).parent_keys
    daily = defs.resolve_job_def("materialize_everything")
    assert HOTSPOT_KEYS <= set(daily.asset_layer.executable_asset_keys)


def test_weekly_training_schedule_retrains_and_publishes():
    defs = _defs()
    schedule = defs.resolve_schedule_def("hotspot_weekly_training_schedule")
    assert schedule.cron_schedule == "30 4 * * 1" and schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("hotspot_weekly_training")
    assert HOTSPOT_KEYS | HOTSPOT_MARTS | {dg.AssetKey(["serving", "snapshot"])} == set(
        job.asset_layer.executable_asset_keys)


def test_model_outputs_are_dbt_sources_checked_on_their_assets():
    """The ml.* tables are dbt sources keyed like the assets that write them: their dbt tests are those
    assets' checks, and the marts the pages read are downstream of them."""
    defs = _defs()
    graph = defs.resolve_asset_graph()
    for name in ("hotspot_scores", "hotspot_backtest", "hotspot_backtest_summary", "flow_forecast",
                 "flow_crowding_alerts", "flow_backtest"):
        key = dg.AssetKey(["ml", name])
        assert graph.get(key).is_materializable, key   # written by a model asset, not external
        checks = {c.name for c in graph.asset_check_keys if c.asset_key == key}
        assert any(c.startswith(f"source_not_null_ml_{name}") for c in checks), (key, checks)
    assert dg.AssetKey(["ml", "hotspot_scores"]) in graph.get(dg.AssetKey(["marts", "mart_hotspot_scores"])).parent_keys
    assert dg.AssetKey(["ml", "flow_forecast"]) in graph.get(dg.AssetKey(["marts", "mart_flow_forecast"])).parent_keys

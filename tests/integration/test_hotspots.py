"""Dispute hotspots through the real stack: the daily materialization of the session world trains the
model, scores next week into ml.hotspot_scores, and the serving snapshot carries them through the hotspot marts."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from orchestration.ml_store import latest_model
from tests.conftest import WORLD_END

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)


def test_scores_every_mapped_grid_for_the_week_after_the_data(world, marts):
    scores = marts.execute("select * from ml.hotspot_scores order by rank").df()
    grids = marts.execute("select grid_id from marts.dim_grids where level = 'grid' and centroid_lat is not null") \
        .df()["grid_id"]
    assert sorted(scores["grid_id"]) == sorted(grids)
    assert scores["rank"].tolist() == list(range(1, len(grids) + 1))
    assert (pd.to_datetime(scores["data_through"]).dt.date == WORLD_END).all()
    assert (pd.to_datetime(scores["week_start"]).dt.date == WORLD_END + dt.timedelta(days=1)).all()
    assert (scores["risk_tier"] == "high").sum() == max(1, round(0.1 * len(grids)))
    assert (scores["expected_disputes"] > 0).all()
    # the recent disputes a mediator follows up (repeat reports once, through their master case) equal the
    # warehouse's own count of the last 28 days
    last_4w = marts.execute("""
        select grid_id, count(*) as n from marts.fct_incidents
        where is_dispute and not is_duplicate and reported_on > ?
        group by grid_id""", [WORLD_END - dt.timedelta(days=28)]).df()
    got = scores.set_index("grid_id")["disputes_last_4w"]
    assert got.sum() == last_4w["n"].sum()
    assert all(got[g] == n for g, n in zip(last_4w["grid_id"], last_4w["n"], strict=True))


def test_model_saved_once_with_version_and_window_and_reused_on_rerun(world):
    folder = world.data_dir / "models" / "hotspot"
    saved = latest_model(world.data_dir / "models", "hotspot")
    assert saved is not None and len(list(folder.glob("*.skops"))) == 1   # the second run reused it
    assert dt.date.fromisoformat(saved.info["train_end"]) == WORLD_END
    assert dt.date.fromisoformat(saved.info["train_start"]) > dt.date(2025, 12, 31)
    assert "renter_share" in saved.info["features"]


def test_short_history_gives_an_empty_backtest_not_a_failure(world, marts):
    assert world.first_run.success and world.second_run.success
    assert marts.execute("select count(*) from ml.hotspot_backtest").fetchone()[0] == 0


def test_serving_snapshot_carries_the_hotspot_tables(world, marts):
    version = (world.data_dir / "serving" / "CURRENT").read_text()
    folder = world.data_dir / "serving" / version
    parquet = folder / "marts__mart_hotspot_scores.parquet"
    served = duckdb.sql(f"select grid_id, expected_disputes from '{parquet}'").df()
    warehouse = marts.execute("select grid_id, expected_disputes from ml.hotspot_scores").df()
    pd.testing.assert_frame_equal(served.sort_values("grid_id").reset_index(drop=True),
                                  warehouse.sort_values("grid_id").reset_index(drop=True))
    assert (folder / "marts__mart_hotspot_backtest.parquet").exists()
    assert (folder / "marts__mart_hotspot_backtest_summary.parquet").exists()


def test_a_model_of_an_earlier_design_is_retrained_not_loaded(world, tmp_path, monkeypatch):
    """After an upgrade the newest saved model may predate the long-run rate: the daily run retrains it
    (same data, new design) instead of scoring with a model the code no longer understands."""
    import json
    import shutil

    import dagster as dg

    from models_ml.hotspot_model import MODEL_DESIGN
    from orchestration.defs.hotspots.assets import hotspot_assets
    from orchestration.defs.resources import gridsight_resources

    data_dir = tmp_path / "data"
    shutil.copytree(world.data_dir, data_dir, ignore=shutil.ignore_patterns("logs", "dagster_home", "serving"))
    old = latest_model(data_dir / "models", "hotspot")
    meta = old.path.with_suffix(".json")
    meta.write_text(json.dumps({**old.info, "design": MODEL_DESIGN - 1}), encoding="utf-8")
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(data_dir))
    result = dg.materialize(hotspot_assets, resources=gridsight_resources())
    assert result.success
    new = latest_model(data_dir / "models", "hotspot")
    assert new.version != old.version and new.info["design"] == MODEL_DESIGN
    assert new.info["train_end"] == old.info["train_end"]
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from ml.hotspot_scores").fetchone()[0] > 0

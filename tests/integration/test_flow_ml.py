"""Foot-traffic marts and the forecast assets in the session world (60 days through Dagster + dbt, twice):
complete hours and counter resets, the holiday heat ranking against the landing files, ml.flow_forecast /
ml.flow_backtest / ml.flow_crowding_alerts in the warehouse and in the serving snapshot."""

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from models_ml.calendar import calendar_frame
from tests.conftest import WORLD_END

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)


@pytest.fixture(scope="module")
def landed_counts(world) -> pd.DataFrame:
    """Every good row of the landing counts files (injected broken rows removed by their row numbers)."""
    parts = []
    for path in sorted((world.data_dir / "landing" / "foot_traffic").glob("dt=*/counts.csv")):
        rel = str(path.relative_to(world.data_dir / "landing"))
        frame = pd.read_csv(path, dtype=str)
        bad = {n - 1 for n in world.truth["bad_rows"].get(rel, [])}
        parts.append(frame.drop(index=[i for i in frame.index if i in bad]))
    frame = pd.concat(parts, ignore_index=True)
    frame["ts"] = pd.to_datetime(frame["ts"])
    frame[["count_in", "count_out"]] = frame[["count_in", "count_out"]].astype(int)
    return frame


@pytest.fixture(scope="module")
def complete_hours(landed_counts) -> pd.DataFrame:
    """Zone-hours where every counter reported and none was resetting (0 in, 0 out while the zone saw ≥ 30)."""
    c = landed_counts.copy()
    c["zone_in"] = c.groupby(["zone_id", "ts"])["count_in"].transform("sum")
    c = c[~((c["count_in"] == 0) & (c["count_out"] == 0) & (c["zone_in"] >= 30))]
    installed = landed_counts.groupby("zone_id")["counter_id"].nunique()
    hours = c.groupby(["zone_id", "ts"]).agg(count_in=("count_in", "sum"), n=("counter_id", "nunique")).reset_index()
    return hours[hours["n"] == hours["zone_id"].map(installed)]


def test_reset_and_outage_hours_are_gaps_not_zeros(marts, complete_hours, landed_counts):
    fct = marts.execute("select zone_id, hour_start as ts, count_in from marts.fct_foot_traffic_hourly "
                        "where is_complete").df()
    merged = fct.merge(complete_hours, on=["zone_id", "ts"], how="outer", suffixes=("", "_landed"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["count_in"] == merged["count_in_landed"]).all()
    resets = landed_counts[(landed_counts["count_in"] == 0) & (landed_counts["count_out"] == 0)
                           & landed_counts["ts"].dt.hour.between(9, 20)]
    assert len(resets) > 0, "the world should have a counter reset in busy hours"
    flagged = marts.execute("select count(*) from marts.fct_foot_traffic_hourly where not is_complete").fetchone()[0]
    assert flagged >= resets[["zone_id", "ts"]].drop_duplicates().shape[0]


def test_holiday_heat_ranking_and_uplift_match_the_landing_files(marts, complete_hours):
    zones = marts.execute("select zone_id, district_code from staging.stg_foot_traffic__zones").df()
    days = complete_hours.assign(date=complete_hours["ts"].dt.date).groupby(["zone_id", "date"]).agg(
        visitors=("count_in", "sum"), hours=("ts", "size")).reset_index()
    days = days[days["hours"] == 24].merge(zones, on="zone_id")
    per_district = days.groupby(["district_code", "date"]).agg(visitors=("visitors", "sum"), zones=("zone_id", "size"))
    per_district = per_district.reset_index()
    per_district = per_district[per_district["zones"] == per_district["district_code"].map(
        zones.groupby("district_code").size())]
    cal = calendar_frame(pd.Timestamp("2026-01-01").date(), WORLD_END).set_index("date")
    spring = [d for d in cal.index if cal.loc[d, "holiday"] == "spring_festival"]
    first = min(spring)
    ordinary = [d for d in cal.index if d.weekday() >= 5 and not cal.loc[d, "is_holiday"]
                and not cal.loc[d, "is_adjusted_workday"] and 0 < (first - d).days <= 56]
    heat = marts.execute("select * from marts.mart_district_heat where holiday = 'spring_festival'").df()
    assert set(heat["first_day"].dt.date) == {first}
    for _, row in heat.iterrows():
        mine = per_district[per_district["district_code"] == row["district_code"]].set_index("date")["visitors"]
        expected = mine[mine.index.isin(spring)].mean()
        base = mine[mine.index.isin(ordinary)].mean()
        assert row["visitors_per_day"] == pytest.approx(expected)
        assert row["uplift"] == pytest.approx(expected / base - 1)
        assert row["uplift"] > 0.5     # Spring Festival draws crowds well above an ordinary weekend
    assert sorted(heat["heat_rank"]) == list(range(1, len(heat) + 1))
    assert list(heat.sort_values("heat_rank")["visitors_per_day"]) == sorted(heat["visitors_per_day"], reverse=True)
    new_year = marts.execute("select uplift from marts.mart_district_heat where holiday = 'new_year'").df()
    assert new_year["uplift"].isna().all()    # no ordinary weekend before the data start


def test_forecast_covers_the_next_168_hours_of_every_zone(world, marts):
    forecast = marts.execute("select * from ml.flow_forecast").df()
    zones = {z for (z,) in marts.execute("select zone_id from staging.stg_foot_traffic__zones").fetchall()}
    assert set(forecast["zone_id"]) == zones
    assert forecast.groupby("zone_id").size().eq(168).all()
    assert forecast["ts"].min() == pd.Timestamp(WORLD_END) + pd.Timedelta(days=1)
    assert (forecast["q10"] <= forecast["q50"]).all() and (forecast["q50"] <= forecast["q90"]).all()
    models = sorted((world.data_dir / "models" / "flow_forecast").glob("*.json"))
    assert len(models) == 1, "the second daily run reuses the model (weekly training replaces it)"
    info = json.loads(models[0].read_text())
    assert set(forecast["model_version"]) == {info["version"]}
    assert info["train_end"] == str(WORLD_END) and info["train_start"] == "2026-01-01"
    alerts = marts.execute("select * from ml.flow_crowding_alerts").df()
    merged = forecast.merge(marts.execute("select zone_id, safe_capacity as cap from "
                                          "staging.stg_foot_traffic__zones").df(), on="zone_id")
    assert len(alerts) == int((merged["q90"] > merged["cap"]).sum())


def test_backtest_metrics_match_an_independent_seasonal_naive(marts, complete_hours):
    bt = marts.execute("select * from ml.flow_backtest").df()
    assert set(bt["method"]) == {"model", "seasonal_naive"}
    assert (bt.groupby("zone_id")["hours_scored"].nunique() == 1).all()   # same hours for both
    naive = bt[(bt["method"] == "seasonal_naive") & (bt["zone_id"] == "ALL")].iloc[0]
    model = bt[(bt["method"] == "model") & (bt["zone_id"] == "ALL")].iloc[0]
    assert naive["origins"] == 4
    actual = complete_hours.set_index(["zone_id", "ts"])["count_in"].astype(float)
    errors, total, n = 0.0, 0.0, 0
    end = pd.Timestamp(WORLD_END) + pd.Timedelta(days=1) - pd.Timedelta(hours=168)
    for origin in [end - pd.Timedelta(weeks=k) for k in range(4)]:
        for (zone, ts), value in actual.items():
            if not origin <= ts < origin + pd.Timedelta(hours=168):
                continue
            last = actual.get((zone, ts - pd.Timedelta(hours=168)), np.nan)
            last = actual.get((zone, ts - pd.Timedelta(hours=336)), np.nan) if np.isnan(last) else last
            if not np.isnan(last):
                errors, total, n = errors + abs(value - last), total + value, n + 1
    assert naive["hours_scored"] == n
    assert naive["wape"] == pytest.approx(errors / total)
    print(f"\nsession world backtest: model MASE {model['mase']:.3f} WAPE {model['wape']:.3f} "
          f"coverage {model['coverage_80']:.3f}; naive MASE {naive['mase']:.3f} WAPE {naive['wape']:.3f} "
          f"coverage {naive['coverage_80']:.3f}")
    assert model["mase"] < naive["mase"]


def test_ml_tables_reach_the_serving_snapshot(world, marts):
    """Through the marts over them (mart_<table>), which is all a snapshot publishes."""
    folder = world.data_dir / "serving" / (world.data_dir / "serving" / "CURRENT").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    for table in ("flow_forecast", "flow_backtest", "flow_crowding_alerts"):
        rows = marts.execute(f"select count(*) from ml.{table}").fetchone()[0]
        assert manifest["tables"][f"marts__mart_{table}"] == rows
        parquet = folder / f"marts__mart_{table}.parquet"
        published = duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchall()[0][0]
        assert published == rows
    assert manifest["tables"]["marts__mart_district_heat"] > 0


def test_a_real_data_backtest_reaches_the_page_through_its_mart(world, tmp_path, monkeypatch):
    """`gridsight flow-backtest --melbourne` writes ml.flow_backtest_melbourne, rebuilds mart_flow_backtest
    over it and publishes: the page shows the real-data section, and the snapshot holds no ml.* table."""
    import shutil

    from orchestration import flow_ml
    from orchestration.defs.resources import Warehouse
    from tests.dashboards.test_foot_traffic import open_page

    data = tmp_path / "data"
    shutil.copytree(world.data_dir, data, ignore=shutil.ignore_patterns("logs", "dagster_home"))
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(data))
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        demo = con.execute("select * from ml.flow_backtest").df()
    real = demo.assign(dataset="melbourne", model_version=None,
                       zone_id=demo["zone_id"].where(demo["zone_id"] == "ALL", "sensor-" + demo["zone_id"]))
    warehouse = Warehouse(path=str(data / "warehouse.duckdb"))
    version = flow_ml.publish_melbourne_backtest(warehouse, real)
    folder = data / "serving" / version
    manifest = json.loads((folder / "manifest.json").read_text())
    assert not [name for name in manifest["tables"] if name.startswith("ml__")]
    published = pd.read_parquet(folder / "marts__mart_flow_backtest.parquet")
    assert (published["dataset"] == "melbourne").sum() == len(real)
    assert (published["dataset"] == "demo").sum() == len(demo)
    app = open_page(data, monkeypatch)
    assert any("墨尔本" in m.value for m in app.markdown)


def test_a_backtest_after_a_failed_run_does_not_publish(world, tmp_path, monkeypatch, capsys):
    """A delivery with an event four years on (2030) builds marts as of 2030 and the run fails (the hotspot
    backtest's two-year training windows hold no week with a dispute): `flow-backtest --melbourne` writes its
    report and table but CURRENT stays. (2030, not 2099: the daily marts span the data period, and 73 years
    of days made this one run cost minutes.)"""
    import shutil

    from orchestration import cli
    from orchestration.runner import materialize_range
    from tests.conftest import REALDATA

    melbourne = REALDATA / "melbourne_pedestrian_hourly_2015_2016_tsibble.csv"
    if not melbourne.exists():
        pytest.skip(f"real sample not found at {melbourne}")
    data = tmp_path / "data"
    shutil.copytree(world.data_dir, data, ignore=shutil.ignore_patterns("logs", "dagster_home"))
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(data))
    current = (data / "serving" / "CURRENT").read_text()
    day = WORLD_END + pd.Timedelta(days=1)
    case = pd.read_csv(data / "landing" / "incidents" / f"dt={WORLD_END}" / "cases.csv")["case_id"].iloc[0]
    events = data / "landing" / "incidents" / f"dt={day}" / "events.csv"
    events.parent.mkdir(parents=True)
    events.write_text("case_id,seq,event_type,at,level,actor,satisfaction,mediation_outcome\n"
                      f"{case},9,closed,2030-01-01 08:00:00,grid,grid:x,,\n")
    assert not materialize_range(day, day, progress=lambda _m: None, raise_on_error=False).success
    with pytest.raises(SystemExit) as refused:
        cli.main(["flow-backtest", "--melbourne", str(melbourne), "--origins", "1"])
    assert (data / "serving" / "CURRENT").read_text() == current
    message = str(refused.value)
    assert "not published" in message and "failed" in message and "\n" not in message
    assert (data / "reports" / "flow_backtest_melbourne.csv").exists()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from ml.flow_backtest_melbourne").fetchone()[0] > 0

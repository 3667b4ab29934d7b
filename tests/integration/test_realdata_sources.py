"""Real exports of the other sources through the whole stack: the Edinburgh bin sensors through
`gridsight import devices --materialize` into the device marts and the published snapshot, and any city's
counters through `gridsight flow-backtest --counts FILE --mapping M`, whose Melbourne preset gives the
figures the Melbourne adapter gives."""

import json
import os
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from models_ml import melbourne
from orchestration import flow_ml
from orchestration.cli import main
from orchestration.dbt_project import prepare_manifest
from tests.conftest import PSEUDONYM_KEY, REALDATA, REPO

pytestmark = pytest.mark.slow
EDINBURGH = REALDATA / "edinburgh_litter_bin_sensor_collections_2016.csv"
MELBOURNE = REALDATA / "melbourne_pedestrian_hourly_2015_2016_tsibble.csv"


@pytest.mark.skipif(not EDINBURGH.exists(), reason=f"real sample not found at {EDINBURGH}")
def test_edinburgh_bins_reach_the_device_marts(tmp_path):
    prepare_manifest()
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(tmp_path), "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY,
           "GRIDSIGHT_TIMEZONE": "Europe/London"}
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "import", "devices", str(EDINBURGH),
                           "--mapping", "edinburgh_bins", "--materialize"], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "10,000 rows read → 10,000 telemetry rows, 334 registry rows in 69 landing files" in done.stdout
    assert "device_telemetry 10,000 loaded, 0 quarantined" in done.stdout
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        daily = con.execute("select count(distinct device_id), min(date_day), max(date_day), count(*) "
                            "from marts.fct_device_daily").fetchone()
        health = con.execute("select date_day, sum(devices_active) from marts.mart_device_health "   # over areas
                             "where device_type = 'trash_bin' group by date_day order by date_day").fetchall()
        readings = con.execute("select count(*) from staging.stg_devices__telemetry_events "
                               "where event_type = 'reading'").fetchone()[0]
        over = con.execute("select device_id, fill_level, threshold, collections_30d "
                           "from marts.mart_bins_over_threshold order by device_id").fetchall()
    assert daily[:3] == (334, pd.Timestamp("2016-06-03").date(), pd.Timestamp("2016-08-09").date())
    # a bin counts from the day it is first seen: the fleet grows to all 334 bins
    source = pd.read_csv(EDINBURGH, dtype=str)
    first_seen = source.groupby("Site")["Date & Time of bin collection (Europe/London)"].min().str[:10]
    assert health[0][1] == int((first_seen == "2016-06-03").sum()) and health[-1][1] == 334
    assert daily[3] == sum(active for _, active in health)
    assert readings == 10_000
    assert over == _bins_over_threshold(source)
    assert (tmp_path / "serving" / "CURRENT").exists()


def _bins_over_threshold(source: pd.DataFrame, threshold: float = 80.0, drop: float = 30.0) -> list[tuple]:
    """Straight from the export: each bin's latest fill level (before its last collection), kept when at or over
    the bin threshold, with its falls of `drop` points or more between two readings in the 30 days before."""
    fill = source.columns[10]   # "Fill level before collection (%) …"
    bins = source.assign(ts=pd.to_datetime(source["Date & Time of bin collection (Europe/London)"]),
                         fill=pd.to_numeric(source[fill])).sort_values(["Site", "ts"])
    out = []
    for site, readings in bins.groupby("Site"):
        latest = readings.iloc[-1]
        if latest["fill"] < threshold:
            continue
        falls = (readings["fill"].shift() - readings["fill"]) >= drop
        recent = readings["ts"] > latest["ts"] - pd.Timedelta(days=30)
        out.append((site, float(latest["fill"]), threshold, int((falls & recent).sum())))
    return sorted(out)


def _one_area_district(landing, day: str) -> None:
    """A grids file for one Melbourne area (district → street → community → grid MEL-CBD), as a district's
    boundary import would deliver it."""
    square = {"type": "Polygon", "coordinates": [[[144.94, -37.83], [144.99, -37.83], [144.99, -37.80],
                                                  [144.94, -37.80], [144.94, -37.83]]]}
    chain = [("MEL", None, "district"), ("MEL-S", "MEL", "street"), ("MEL-C", "MEL-S", "community"),
             ("MEL-CBD", "MEL-C", "grid")]
    features = [{"type": "Feature", "geometry": square, "properties": {
        "grid_id": gid, "parent_id": parent, "level": level, "grid_type": "commercial" if level == "grid"
        else "administrative", "name_zh": gid, "name_en": gid, "households": 0, "shops": 0,
        "centroid_lat": -37.815, "centroid_lon": 144.965, "valid_from": day, "valid_to": None}}
        for gid, parent, level in chain]
    path = landing / "grids" / f"dt={day}" / "grids.geojson"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


@pytest.mark.skipif(not MELBOURNE.exists(), reason=f"real sample not found at {MELBOURNE}")
def test_melbourne_counts_reach_the_foot_traffic_marts(tmp_path):
    source = pd.read_csv(MELBOURNE, dtype={"Count": int})
    fortnight = source[source["Date"] < "2015-01-15"]
    export = tmp_path / "melbourne_fortnight.csv"
    fortnight.to_csv(export, index=False)
    data = tmp_path / "data"
    _one_area_district(data / "landing", "2015-01-01")
    prepare_manifest()
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data), "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY,
           "GRIDSIGHT_TIMEZONE": "Australia/Melbourne"}
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "import", "foot-traffic", str(export),
                           "--mapping", "melbourne_counts", "--materialize"], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "grid ids no grids file holds" not in done.stdout
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        daily = con.execute("select zone_name_en, sum(visitors_in), max(peak_hour_in), sum(hours_reported), "
                            "count(visitors_out) from marts.mart_foot_traffic_daily group by 1").fetchall()
    expected = fortnight.groupby("Sensor")["Count"].agg(["sum", "max", "size"])
    assert {name: (total, peak, hours, out) for name, total, peak, hours, out in daily} == {
        name: (int(r["sum"]), int(r["max"]), int(r["size"]), 0) for name, r in expected.iterrows()}
    assert (data / "serving" / "CURRENT").exists()


@pytest.mark.skipif(not MELBOURNE.exists(), reason=f"real sample not found at {MELBOURNE}")
def test_the_melbourne_preset_and_the_generic_mapping_give_the_adapters_figures(tmp_path, monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    args = ["--origins", "2", "--step-weeks", "8"]
    preset, generic = tmp_path / "preset.csv", tmp_path / "generic.csv"
    main(["--data-dir", str(tmp_path), "flow-backtest", "--melbourne", str(MELBOURNE), *args, "--out", str(preset)])
    main(["--data-dir", str(tmp_path), "flow-backtest", "--counts", str(MELBOURNE), "--mapping", "melbourne_counts",
          *args, "--out", str(generic)])
    adapter = flow_ml.backtest_table(melbourne.series(melbourne.read_melbourne(MELBOURNE)), "melbourne", "weekday",
                                     2, 8)
    columns = [c for c in adapter.columns if c not in ("dataset", "model_version")]     # every figure
    assert {"zone_id", "method", "mase", "wape"} <= set(columns)
    pd.testing.assert_frame_equal(pd.read_csv(preset)[columns], adapter[columns].reset_index(drop=True),
                                  check_dtype=False)
    from_generic = pd.read_csv(generic)
    assert set(from_generic["dataset"]) == {"melbourne_counts"}
    pd.testing.assert_frame_equal(from_generic[columns], pd.read_csv(preset)[columns])
    assert len(from_generic) == 2 * 5    # model and seasonal naive × four sensors and ALL


def test_flow_backtest_counts_needs_its_mapping(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--data-dir", str(tmp_path), "flow-backtest", "--counts", "counts.csv"])
    assert "--counts FILE and --mapping M go together" in capsys.readouterr().err

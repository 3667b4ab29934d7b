"""The Melbourne adapter on the real file, and the same backtest on real counts through the CLI."""

import pandas as pd
import pytest

from models_ml import melbourne
from orchestration import cli
from tests.conftest import REALDATA

MELBOURNE = REALDATA / "melbourne_pedestrian_hourly_2015_2016_tsibble.csv"
pytestmark = pytest.mark.skipif(not MELBOURNE.exists(), reason=f"real data not found at {MELBOURNE}")


def test_adapter_gives_canonical_rows_in_local_time_with_gaps_kept_as_gaps():
    raw = pd.read_csv(MELBOURNE)
    frame = melbourne.read_melbourne(MELBOURNE)
    assert list(frame.columns) == ["counter_id", "zone_id", "ts", "count_in", "count_out"]
    assert frame["zone_id"].nunique() == raw["Sensor"].nunique() == 4
    # one row per sensor and local hour; the repeated hour at the end of daylight saving is summed
    local = raw.assign(ts=pd.to_datetime(raw["Date"]) + pd.to_timedelta(raw["Time"], unit="h"))
    assert len(frame) == len(local.drop_duplicates(["Sensor", "ts"]))
    assert frame["count_in"].sum() == raw["Count"].sum()
    first = raw.iloc[0]
    row = frame[(frame["zone_id"] == melbourne.zone_slug(first["Sensor"]))
                & (frame["ts"] == pd.Timestamp(first["Date"]) + pd.Timedelta(hours=int(first["Time"])))]
    assert row["count_in"].item() == first["Count"]
    # hours without a count stay missing (no zero rows are invented)
    hours = pd.date_range("2015-01-01", "2016-12-31 23:00", freq="h")
    assert len(frame) < 4 * len(hours)


def test_adapter_rejects_a_file_of_another_shape(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns Sensor, Date, Time, Count"):
        melbourne.read_melbourne(other)


@pytest.mark.slow   # trains and backtests on the whole real year through the CLI (~25 s)
def test_cli_backtest_on_melbourne_beats_seasonal_naive(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    out = tmp_path / "melbourne.csv"
    cli.main(["--data-dir", str(tmp_path), "flow-backtest", "--melbourne", str(MELBOURNE), "--origins", "6",
              "--step-weeks", "8", "--out", str(out)])
    printed = capsys.readouterr().out
    metrics = pd.read_csv(out)
    print(printed)
    assert "seasonal_naive" in printed and "mase" in printed
    assert set(metrics["dataset"]) == {"melbourne"}
    overall = metrics[metrics["zone_id"] == "ALL"].set_index("method")
    assert overall.loc["model", "origins"] == 6
    assert overall.loc["model", "mase"] < overall.loc["seasonal_naive", "mase"]
    assert overall.loc["model", "wape"] < overall.loc["seasonal_naive", "wape"]

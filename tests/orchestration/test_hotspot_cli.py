"""`gridsight hotspot-backtest` on the real Chicago incidents (../shared/realdata) and on bad input."""

import pandas as pd
import pytest

from orchestration.cli import main
from tests.conftest import REALDATA

CHICAGO = REALDATA / "chicago_aggravated_assaults_2010_2015.csv"


@pytest.mark.skipif(not CHICAGO.exists(), reason="../shared/realdata is not next to the repository")
def test_chicago_backtest_on_3_km_cells(tmp_path, capsys):
    out = tmp_path / "chicago.csv"
    main(["hotspot-backtest", "--chicago", str(CHICAGO), "--cell-m", "3000", "--weeks", "26", "--out", str(out)])
    printed = capsys.readouterr().out
    assert "87,524" not in printed and "incidents in" in printed and "model PAI@10%" in printed
    results = pd.read_csv(out, parse_dates=["origin", "target_start", "target_end"])
    assert results.groupby("model").size().to_dict() == {m: 26 for m in ["model", "last_week", "mean_4w",
                                                                           "mean_12w", "kde"]}
    # each week's disputes are the real incidents of that week (less the few in cells left out)
    raw = pd.read_csv(CHICAGO, usecols=["date"])
    day = pd.to_datetime(raw["date"]).dt.normalize()
    week = results[results["model"] == "model"]
    in_week = [int(((day >= s) & (day <= e)).sum()) for s, e in zip(week["target_start"], week["target_end"],
                                                                     strict=True)]
    assert all(0.99 * n <= d <= n for d, n in zip(week["disputes"], in_week, strict=True))
    assert results["pai_10"].between(0, 10).all() and results["pei_10"].between(0, 1).all()


def test_missing_file_and_missing_columns_are_clear_errors(tmp_path):
    with pytest.raises(SystemExit, match="no such file"):
        main(["hotspot-backtest", "--chicago", str(tmp_path / "nope.csv")])
    bad = tmp_path / "bad.csv"
    bad.write_text("when,lat,lng\n2015-01-01,41.8,-87.6\n")
    with pytest.raises(SystemExit, match="missing columns"):
        main(["hotspot-backtest", "--chicago", str(bad)])


def test_rows_without_date_or_place_are_counted_not_fatal(tmp_path, capsys):
    rows = ["date,latitude,longitude"]
    days = pd.date_range("2014-01-01", "2015-06-30", freq="D")
    for i, d in enumerate(days):
        rows.append(f"{d:%Y-%m-%d} 12:00,{41.80 + 0.01 * (i % 7)},{-87.60 - 0.01 * (i % 5)}")
    rows += ["not a date,41.8,-87.6", "2015-01-01 10:00,,-87.6", "2015-01-02 10:00,0,0"]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(rows) + "\n")
    main(["hotspot-backtest", "--chicago", str(path), "--weeks", "26"])
    assert "3 rows without date or location" in capsys.readouterr().out

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
    with pytest.raises(SystemExit, match=r"bad.csv: mapping 'chicago_assaults': the file lacks columns "
                                         r"\['date', 'latitude', 'longitude'\]"):
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


def _as_other_city(chicago: pd.DataFrame) -> pd.DataFrame:
    """The same incidents as another city would export them: its own column names and order, US 12-hour
    times, an extra column."""
    when = pd.to_datetime(chicago["date"])
    return pd.DataFrame({"IncidentNumber": [f"A{i}" for i in range(len(chicago))],
                         "Longitude": chicago["longitude"], "Latitude": chicago["latitude"],
                         "CreatedDate": when.dt.strftime("%m/%d/%Y %I:%M:%S %p"), "Beat": chicago["district"]})


OTHER_CITY_MAPPING = """\
name: other_city
columns:
  case_id: IncidentNumber
  reported_at: CreatedDate
  lat: Latitude
  lon: Longitude
timestamp_format: "%m/%d/%Y %I:%M:%S %p"
"""


@pytest.mark.skipif(not CHICAGO.exists(), reason="../shared/realdata is not next to the repository")
def test_any_city_export_through_its_mapping_gives_the_same_backtest_inputs(tmp_path):
    """The backtest reads any export through an import mapping: the Chicago points reshaped as another city
    would deliver them give exactly the cells, daily counts and events of the --chicago preset."""
    from orchestration.defs.hotspots.frames import from_point_csv

    chicago = pd.read_csv(CHICAGO, dtype=str, keep_default_na=False)
    chicago = chicago[chicago["date"] >= "2014-01-01"]
    preset_file, other_file, mapping = tmp_path / "chicago.csv", tmp_path / "other.csv", tmp_path / "other.yaml"
    chicago.to_csv(preset_file, index=False)
    _as_other_city(chicago).to_csv(other_file, index=False)
    mapping.write_text(OTHER_CITY_MAPPING)
    preset = from_point_csv(preset_file, cell_m=2000)
    other = from_point_csv(other_file, mapping, cell_m=2000)
    assert len(preset.events) > 20_000 and len(preset.grids) > 100
    for name in ("daily", "grids", "events"):
        pd.testing.assert_frame_equal(getattr(other, name), getattr(preset, name))
    assert (other.dropped, other.outside) == (preset.dropped, preset.outside)


def test_points_need_a_mapping_that_fits(tmp_path, capsys):
    rows = pd.DataFrame({"date": ["2015-01-01 10:00"] * 3, "latitude": ["41.8"] * 3, "longitude": ["-87.6"] * 3,
                         "district": ["1"] * 3})
    export = tmp_path / "export.csv"
    _as_other_city(rows).to_csv(export, index=False)
    with pytest.raises(SystemExit):                       # argparse: --points without --mapping
        main(["hotspot-backtest", "--points", str(export)])
    assert "needs --mapping" in capsys.readouterr().err
    wrong_format = tmp_path / "wrong.yaml"
    wrong_format.write_text(OTHER_CITY_MAPPING.replace("%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M"))
    with pytest.raises(SystemExit, match=r"export.csv: column 'CreatedDate' \(reported_at\): timestamp format "
                                         r"'%Y-%m-%d %H:%M' does not read '01/01/2015 10:00:00 AM'"):
        main(["hotspot-backtest", "--points", str(export), "--mapping", str(wrong_format)])
    no_place = tmp_path / "no_place.yaml"
    no_place.write_text(OTHER_CITY_MAPPING.replace("  lat: Latitude\n", ""))
    with pytest.raises(SystemExit, match="columns.lat is required"):
        main(["hotspot-backtest", "--points", str(export), "--mapping", str(no_place)])
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(OTHER_CITY_MAPPING.replace("timestamp_format", "timestamp-format"))
    with pytest.raises(SystemExit, match="did you mean 'timestamp_format'"):
        main(["hotspot-backtest", "--points", str(export), "--mapping", str(misspelt)])

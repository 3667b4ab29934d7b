"""The synthetic service-request export the benchmarks import: shaped for the la311 mapping, spread over the
years and cells asked for, deterministic for a seed."""

import pandas as pd
import pytest

from data_contracts.importers.landing import read_csv
from data_contracts.importers.mapping import Mapping, to_canonical
from simulator.export import main, synthetic_export


def test_the_export_fits_the_la311_mapping_and_spreads_as_asked(tmp_path):
    path = synthetic_export(tmp_path / "export.csv", rows=3_000, years=15, grids=700)
    frame = read_csv(path)
    mapping = Mapping.load("la311")
    assert mapping.check(frame) == {}                      # every status, type and source is mapped
    cases, events = to_canonical(frame, mapping)
    assert len(cases) == 3_000 and cases["case_id"].is_unique
    days = pd.to_datetime(cases["reported_at"])
    assert days.min().year == 2010 and days.max().year == 2024
    cells = (((frame["latitude"].astype(float) - 34.0) // 0.02).astype(int).astype(str) + ":"
             + ((frame["longitude"].astype(float) + 118.5) // 0.02).astype(int).astype(str))
    assert 600 <= cells.nunique() <= 700
    assert (events.groupby("case_id")["at"].min() >= cases.set_index("case_id")["reported_at"]).all()
    assert path.read_bytes() == synthetic_export(tmp_path / "again.csv", rows=3_000, years=15, grids=700).read_bytes()


def test_the_command_refuses_nonsense_sizes(tmp_path):
    with pytest.raises(SystemExit, match="at least 1"):
        main(["--rows", "0", "--out", str(tmp_path / "x.csv")])

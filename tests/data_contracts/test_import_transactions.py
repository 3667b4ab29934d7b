"""Imports are transactions (issue 15, item 6): each has an id and a manifest, re-importing a source file
replaces what its earlier import wrote, a failed import leaves nothing in the landing zone, and cases whose
workflow runs backwards in time are quarantined with a reason. Run on slices of the real LA 311 sample."""

import json

import duckdb
import pandas as pd
import pytest

from data_contracts.importers.landing import import_frame, read_csv
from data_contracts.importers.mapping import MAPPINGS, Mapping
from orchestration.cli import main
from orchestration.defs.resources import Warehouse
from orchestration.ingest import ingest_source
from tests.conftest import LA311

pytestmark = pytest.mark.skipif(not LA311.exists(), reason=f"real sample not found at {LA311}")
LA_YAML = (MAPPINGS / "la311.yaml").read_text(encoding="utf-8")


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "exports" / "la311_january.csv"
    path.parent.mkdir()
    read_csv(LA311).head(400).to_csv(path, index=False)
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    return tmp_path / "data"


def _import(data_dir, export, mapping="la311") -> None:
    main(["--data-dir", str(data_dir), "import", "csv", "--mapping", str(mapping), str(export)])


def _landing_files(data_dir) -> list[str]:
    landing = data_dir / "landing"
    return sorted(str(p.relative_to(landing)) for p in landing.rglob("*") if p.is_file()) if landing.exists() else []


def _cases(data_dir) -> pd.DataFrame:
    return pd.concat(read_csv(p) for p in sorted((data_dir / "landing" / "incidents").glob("*/cases.csv")))


def test_reimporting_a_file_with_a_corrected_mapping_replaces_the_first_import(tmp_path, data_dir, export,
                                                                              capsys):
    wrong = tmp_path / "wrong.yaml"     # the analyst first mapped the report time to the update column
    wrong.write_text(LA_YAML.replace("reported_at: createddate", "reported_at: updateddate")
                     .replace("closed_at: closeddate", "closed_at: servicedate"), encoding="utf-8")
    _import(data_dir, export, wrong)
    first_days = {f.split("/")[1] for f in _landing_files(data_dir) if f.endswith("cases.csv")}
    assert len(first_days) > 1
    wrong_days = sorted(f.split("/")[1].removeprefix("dt=") for f in _landing_files(data_dir))
    assert wrong_days[0] < "2020-01-01"        # service dates before the report: close events of December
    capsys.readouterr()
    _import(data_dir, export)
    # the days to materialize again reach over the first import's days, so its rows leave the warehouse too
    assert f"--start {wrong_days[0]} --end {max(wrong_days[-1], '2020-06-25')}" in capsys.readouterr().out
    cases = _cases(data_dir)
    assert len(cases) == 400 and cases["case_id"].is_unique          # no stale copies of the first import
    assert {f.split("/")[1] for f in _landing_files(data_dir) if f.endswith("cases.csv")} == {"dt=2020-01-01"}
    events = pd.concat(read_csv(p) for p in (data_dir / "landing" / "incidents").glob("*/events.csv"))
    assert not events.duplicated(["case_id", "seq"]).any()


def test_each_import_has_an_id_and_a_manifest(data_dir, export, capsys):
    _import(data_dir, export)
    out = capsys.readouterr().out
    manifests = sorted((data_dir / "imports").glob("*.json"))
    assert len(manifests) == 1
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    assert manifest["import_id"] == manifests[0].stem and manifest["import_id"] in out
    assert manifest["source"]["path"] == str(export.resolve()) and len(manifest["source"]["sha256"]) == 64
    assert manifest["mapping"]["name"] == "la311"
    assert manifest["rows"] == {"read": 400, "cases": 400, "events": manifest["rows"]["events"],
                                "areas": manifest["rows"]["areas"]}
    written = {f["path"]: f["rows"] for f in manifest["landing_files"]}
    assert sorted(written) == _landing_files(data_dir)
    assert sum(rows for path, rows in written.items() if path.endswith("cases.csv")) == 400
    _import(data_dir, export)                                         # the same file again
    again = next(json.loads(m.read_text(encoding="utf-8")) for m in (data_dir / "imports").glob("*.json")
                 if m.stem != manifest["import_id"])
    assert again["replaces"] == [manifest["import_id"]]
    active = [m for m in (data_dir / "imports").glob("*.json")
              if not json.loads(m.read_text(encoding="utf-8")).get("replaced_by")]
    assert len(active) == 1


def test_a_failed_import_leaves_nothing_behind(data_dir, export, monkeypatch):
    from data_contracts.importers.areas import CellGrid

    def disk_full(self, valid_from):     # the last file of the import (the grids) cannot be written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CellGrid, "collection", disk_full)
    with pytest.raises(SystemExit, match="No space left"):
        _import(data_dir, export)
    assert _landing_files(data_dir) == []
    monkeypatch.undo()
    _import(data_dir, export)                 # a failed re-import keeps the earlier import as it was
    before = _landing_files(data_dir)
    monkeypatch.setattr(CellGrid, "collection", disk_full)
    with pytest.raises(SystemExit):
        _import(data_dir, export)
    assert _landing_files(data_dir) == before
    assert len(_cases(data_dir)) == 400


def test_cases_closed_before_they_were_reported_are_quarantined_with_a_reason(tmp_path):
    frame = read_csv(LA311).head(400)
    backwards = frame.index[frame["status"] == "Closed"][:3]
    frame.loc[backwards, ["updateddate", "closeddate"]] = "12/31/19 9:00"     # closed the day before it was made
    landing = tmp_path / "landing"
    result = import_frame(frame, Mapping.load("la311"), landing)
    assert result.first_day == "2019-12-31"       # the days `import --materialize` runs include the close events
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    for source in ("grids", "incidents"):
        ingest_source(warehouse, landing, source, pd.Timestamp(result.first_day).date(),
                      pd.Timestamp(result.last_day).date(), b"k" * 32)
    ids = set(frame.loc[backwards, "srnumber"])
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        quarantined = con.execute("select json_extract_string(original, '$.case_id'), rule, column_name "
                                  "from quarantine.incident_cases where rule = 'impossible_order'").fetchall()
        assert {q[0] for q in quarantined} == ids
        assert {(q[1], q[2]) for q in quarantined} == {("impossible_order", "reported_at")}
        loaded = {c for (c,) in con.execute("select case_id from raw.incident_cases").fetchall()}
        assert not ids & loaded
        events = con.execute("select json_extract_string(original, '$.case_id'), rule from "
                             "quarantine.incident_events where rule = 'impossible_order'").fetchall()
        assert {e[0] for e in events} == ids                                     # the case's events go with it
        assert not ids & {c for (c,) in con.execute("select case_id from raw.incident_events").fetchall()}
        rows_in, loaded_n, quarantined_n = con.execute(
            "select sum(rows_in), sum(rows_loaded), sum(rows_quarantined) from meta.ingest_log "
            "where table_name = 'incident_cases'").fetchone()
        assert rows_in == 400 == loaded_n + quarantined_n
    from dashboards.i18n import LABELS

    # the data-quality page names the rule in both languages
    assert set(LABELS["rule_impossible_order"]) == {"zh", "en"}


def test_two_exports_that_share_days_both_stay_and_each_can_be_replaced(tmp_path, data_dir):
    rows = read_csv(LA311).head(400)
    morning, evening = tmp_path / "exports" / "morning.csv", tmp_path / "exports" / "evening.csv"
    morning.parent.mkdir()
    rows.iloc[:200].to_csv(morning, index=False)       # both exports hold cases of 1 January
    rows.iloc[200:].to_csv(evening, index=False)
    _import(data_dir, morning)
    _import(data_dir, evening)
    cases = _cases(data_dir)
    assert len(cases) == 400 and cases["case_id"].is_unique            # the second did not overwrite the first
    rows.iloc[:190].to_csv(morning, index=False)       # a corrected morning export, ten cases fewer
    _import(data_dir, morning)
    cases = _cases(data_dir)
    assert set(cases["case_id"]) == set(rows["srnumber"].iloc[:190]) | set(rows["srnumber"].iloc[200:])
    events = pd.concat(read_csv(p) for p in (data_dir / "landing" / "incidents").glob("*/events.csv"))
    assert set(events["case_id"]) == set(cases["case_id"])

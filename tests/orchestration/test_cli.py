"""The gridsight CLI writes where it is told and never deletes data the simulator did not make."""

import pytest

from gridsight.settings import Paths
from orchestration.cli import main, reset_demo_world


def test_simulate_writes_the_landing_zone(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    main(["--data-dir", str(tmp_path), "simulate", "--small", "--start", "2026-01-01", "--end", "2026-01-03"])
    days = sorted(p.name for p in (tmp_path / "landing" / "incidents").iterdir())
    assert days == ["dt=2026-01-01", "dt=2026-01-02", "dt=2026-01-03"]
    assert (tmp_path / "truth" / "summary.json").exists()
    assert "[simulate] done" in capsys.readouterr().out


def test_demo_reset_keeps_real_landing_data(tmp_path):
    real = tmp_path / "landing" / "incidents" / "dt=2026-01-01"
    real.mkdir(parents=True)
    (real / "cases.csv").write_text("case_id\n")
    with pytest.raises(SystemExit, match="not a demo world"):
        reset_demo_world(Paths(tmp_path))
    assert (real / "cases.csv").exists()


def test_demo_reset_clears_a_previous_demo_world(tmp_path):
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "summary.json").write_text("{}")
    (tmp_path / "landing" / "grids").mkdir(parents=True)
    (tmp_path / "warehouse.duckdb").write_text("")
    reset_demo_world(Paths(tmp_path))
    assert not (tmp_path / "landing").exists() and not (tmp_path / "warehouse.duckdb").exists()


def test_calendar_command_shows_the_deployments_holidays_and_refuses_a_bad_file_in_one_line(tmp_path, monkeypatch,
                                                                                            capsys):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GRIDSIGHT_REGION", "US-CA")
    main(["calendar", "--first-year", "2026", "--last-year", "2026", "--list"])
    shown = capsys.readouterr().out
    assert "region US-CA" in shown and "2026-11-26  thanksgiving_day  (holidays)" in shown
    assert "[calendar] 2026: 15 holidays, 0 adjusted working days (holidays 365)" in shown
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "holidays.csv").write_text("date,name,is_workday\n2026-11-27,x,sometimes\n")
    with pytest.raises(SystemExit) as refused:
        main(["calendar"])
    assert str(refused.value) == (f"[calendar] {tmp_path / 'calendar' / 'holidays.csv'} line 2: "
                                  "is_workday 'sometimes' is not true or false")


def test_import_csv_needs_a_mapping_and_says_what_is_wrong(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    export = tmp_path / "export.csv"
    export.write_text("id,when\n1,2020-01-01\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--data-dir", str(tmp_path), "import", "csv", str(export)])
    assert "--mapping" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="lacks columns"):
        main(["--data-dir", str(tmp_path), "import", "csv", "--mapping", "la311", str(export)])
    assert not (tmp_path / "landing").exists()


def test_import_open311_writes_landing_files(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    export = tmp_path / "requests.json"
    export.write_text('[{"service_request_id": "1", "status": "open", "service_name": "Pothole", '
                      '"requested_datetime": "2020-03-01T10:00:00-05:00", "lat": 40.7, "long": -74.0}]',
                      encoding="utf-8")
    main(["--data-dir", str(tmp_path), "import", "open311", str(export)])
    assert (tmp_path / "landing" / "incidents" / "dt=2020-03-01" / "cases.csv").exists()
    assert (tmp_path / "landing" / "grids" / "dt=2020-03-01" / "grids.geojson").exists()
    out = capsys.readouterr().out
    assert "1 rows read" in out and "GRIDSIGHT_PARTITIONS_START=2020-03-01" in out


def _bound_address(command: list[str]) -> str:
    return command[command.index("--server.address") + 1]


def test_the_dashboard_listens_on_this_machine_only_unless_told_to_serve_the_lan(tmp_path, monkeypatch):
    """`gridsight dashboard` binds 127.0.0.1; --lan serves every interface, --address one of them."""
    import orchestration.cli as cli

    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    assert _bound_address(cli.dashboard_command(8501)) == "127.0.0.1"
    started = []
    monkeypatch.setattr(cli.os, "execv", lambda _exe, command: started.append(command))
    for argv, address in ((["dashboard"], "127.0.0.1"), (["dashboard", "--lan"], "0.0.0.0"),
                          (["dashboard", "--address", "192.168.1.20"], "192.168.1.20")):
        main(argv)
        assert _bound_address(started.pop()) == address
    with pytest.raises(SystemExit):
        main(["dashboard", "--lan", "--address", "192.168.1.20"])


@pytest.mark.parametrize(("name", "value", "said"), [
    ("GRIDSIGHT_TIMEZONE", "Beijing", "GRIDSIGHT_TIMEZONE='Beijing' is not a time zone"),
    ("GRIDSIGHT_REGION", "CALIFORNIA", "GRIDSIGHT_REGION='CALIFORNIA': unknown country code 'CALIFORNIA'"),
    ("GRIDSIGHT_REGION", "GB-XYZ", "GRIDSIGHT_REGION='GB-XYZ': GB has no subdivision 'XYZ'"),
])
def test_a_mistyped_time_zone_or_region_stops_every_command_in_one_line(tmp_path, monkeypatch, name, value, said):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        main(["simulate", "--small", "--start", "2026-01-01", "--end", "2026-01-01"])
    assert str(stopped.value).startswith(f"[gridsight] {said}") and "\n" not in str(stopped.value)
    assert not (tmp_path / "landing").exists()   # nothing ran

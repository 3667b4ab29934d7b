"""The devices page (设备物联) and the cockpit's device tiles on a copy of the world's snapshot with the device
marts of docs/devices.md added as hand-written rows: the figures are those rows' (online rate, alarms,
false-alarm share, median minutes to acknowledge, alarms to cases, welfare checks), a grid worker sees their
own grid only whatever they ask for, households are masked and their list is audited, zh and en; a snapshot
without device marts (or with empty ones) says "no device data"."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.errors import StreamlitAPIException

from tests.conftest import REPO, write_test_users
from tests.dashboards.conftest import drawn_downloads, frame_with, metrics, open_app

pytestmark = pytest.mark.slow   # the session world

PAGE = REPO / "dashboards" / "views" / "devices.py"
COCKPIT = REPO / "dashboards" / "views" / "cockpit.py"
G1, G2 = "D01-S01-C01-G01", "D01-S01-C02-G02"   # worker_c01_g01's grid, worker_c02_g02's grid


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[c.strip() for c in columns.split(",")])


def device_marts(world) -> dict[str, pd.DataFrame]:
    """The device marts with the columns of docs/devices.md exactly, in G1 and G2 of the world."""
    snapshot = _snapshot_dir(world.data_dir)
    with duckdb.connect() as con:
        where = con.execute(f"""select grid_id, centroid_lat, centroid_lon from '{snapshot}/marts__dim_grids.parquet'
                                where grid_id in (?, ?)""", [G1, G2]).fetchall()
        homes = [row[0] for row in con.execute(
            f"select household_id from '{snapshot}/marts__mart_household_visits.parquet' where grid_id = ? "
            "order by household_id limit 2", [G2]).fetchall()]
    place = {grid: (lat, lon) for grid, lat, lon in where}
    (lat1, lon1), (lat2, lon2) = place[G1], place[G2]
    health = _frame("device_type, grid_id, date_day, devices_active, device_days_online, alarms, false_alarms, "
                    "confirmed_alarms, suppressed_alarms, faults, minutes_to_acknowledge_p50", [
        ("smoke_detector", G1, dt.date(2026, 2, 28), 10, 9.5, 2, 1, 1, 0, 0, 7.0),
        ("smoke_detector", G1, dt.date(2026, 3, 1), 10, 9.0, 1, 0, 1, 1, 1, 6.0),
        ("smoke_detector", G2, dt.date(2026, 3, 1), 2, 2.0, 1, 0, 0, 0, 0, None),
        ("door_magnet", G2, dt.date(2026, 2, 28), 4, 4.0, 0, 0, 0, 0, 0, None),
        ("door_magnet", G2, dt.date(2026, 3, 1), 4, 3.0, 0, 0, 0, 0, 0, None),
        ("smoke_detector", G1, dt.date(2026, 1, 10), 10, 0.0, 50, 50, 0, 0, 0, 1.0)])   # before the period
    alarms = _frame("alarm_id, device_id, device_type, grid_id, code, severity, raised_at, last_repeat_at, repeats, "
                    "acknowledged_at, acknowledged_by, disposition, cleared_at, cleared_by, is_open, is_suppressed, "
                    "case_id, case_resolved_at, minutes_to_acknowledge, hours_to_resolve", [
        ("A1", "SD-1", "smoke_detector", G1, "smoke", "high", ts("2026-02-28 08:00"), None, 0, ts("2026-02-28 08:04"),
         "duty", "confirmed", ts("2026-02-28 09:00"), "duty", False, False, "C-1", ts("2026-03-01 08:00"), 4.0, 24.0),
        ("A2", "SD-2", "smoke_detector", G1, "smoke", "high", ts("2026-02-28 12:00"), None, 2, ts("2026-02-28 12:10"),
         "duty", "false_alarm", ts("2026-02-28 12:10"), "duty", False, False, None, None, 10.0, None),
        ("A3", "SD-1", "smoke_detector", G1, "smoke", "high", ts("2026-03-01 07:00"), None, 1, ts("2026-03-01 07:06"),
         "duty", "confirmed", None, None, True, False, "C-2", None, 6.0, None),
        ("A4", "SD-3", "smoke_detector", G1, "smoke", "high", ts("2026-03-01 01:00"), None, 9, None, None,
         "unreviewed", None, None, True, True, None, None, None, None),   # flapping: suppressed, never counted
        ("A5", "SD-9", "smoke_detector", G2, "smoke", "high", ts("2026-03-01 10:00"), None, 0, None, None,
         "unreviewed", None, None, True, False, None, None, None, None),
        ("A6", "SD-1", "smoke_detector", G1, "smoke", "high", ts("2026-01-10 10:00"), None, 0, ts("2026-01-10 10:01"),
         "duty", "confirmed", ts("2026-01-10 11:00"), "duty", False, False, "C-0", ts("2026-01-11 10:00"), 1.0, 24.0)])
    offline = _frame("device_id, device_type, grid_id, lat, lon, offline_since, hours_offline, fault_code", [
        ("SD-7", "smoke_detector", G1, lat1, lon1, ts("2026-02-27 06:00"), 66.0, None),
        ("DM-2", "door_magnet", G2, lat2, lon2, ts("2026-03-01 12:00"), 12.0, "battery_low")])
    welfare = _frame("check_id, grid_id, reason, quiet_since, raised_at, outcome, outcome_at, "
                     "outcome_by, settled_by_call, hours_to_close, is_open", [
        ("W1", G2, "no_activity", ts("2026-02-28 20:00"), ts("2026-03-01 08:00"), None, None, None, None,
         None, True),
        ("W2", G2, "continuous_water", ts("2026-02-27 01:00"), ts("2026-02-27 07:00"), "safe_after_call",
         ts("2026-02-27 07:30"), "duty", True, 0.5, False),
        ("W3", G1, "no_activity", ts("2026-02-20 00:00"), ts("2026-02-20 10:00"), "visited_safe",
         ts("2026-02-20 13:00"), "worker", False, 3.0, False)])
    households = _frame("check_id, household_id, grid_id", [("W1", homes[0], G2), ("W2", homes[1], G2),
                                                             ("W3", f"{G1}-H0003", G1)])
    bins = _frame("device_id, grid_id, lat, lon, fill_level, read_at, threshold, collections_30d", [
        ("B-1", G1, lat1 + 0.002, lon1 + 0.002, 92.0, ts("2026-03-01 09:00"), 80.0, 6),
        ("B-2", G2, lat2 + 0.002, lon2 + 0.002, 85.0, ts("2026-03-01 09:30"), 80.0, 2)])
    with (REPO / "dbt_project" / "seeds" / "device_types.csv").open(encoding="utf-8") as seed:
        types = pd.DataFrame(list(csv.DictReader(seed)))[["device_type", "name_zh", "name_en"]]
    # The alarmed devices, without a place: a registry that does not say where each device stands.
    devices = _frame("device_id, device_type, grid_id", [(a.device_id, a.device_type, a.grid_id)
                                                         for a in alarms.drop_duplicates("device_id").itertuples()])
    return {"mart_device_health": health, "fct_alarms": alarms, "mart_devices_offline": offline,
            "fct_welfare_checks": welfare, "fct_welfare_check_households": households,
            "mart_bins_over_threshold": bins, "dim_device_types": types,
            "dim_devices": devices}, homes


def _snapshot_dir(data_dir: Path) -> Path:
    serving = data_dir / "serving"
    return serving / (serving / "CURRENT").read_text(encoding="utf-8").strip()


def with_marts(world, tmp_path: Path, tables: dict[str, pd.DataFrame], access: str = "by_grid",
               drop: tuple[str, ...] = ()) -> Path:
    """A data folder whose snapshot is the world's with `tables` added (or replacing the world's) as marts,
    declared in the manifest as published does: `access` (dim_device_types: district, a seed's names; the
    welfare checks' households: households); the marts `drop` taken out."""
    source = _snapshot_dir(world.data_dir)
    target = tmp_path / "serving" / source.name
    shutil.copytree(source, target)
    (tmp_path / "serving" / "CURRENT").write_text(source.name, encoding="utf-8")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    for name in drop:
        (target / f"marts__{name}.parquet").unlink()
        del manifest["tables"][f"marts__{name}"], manifest["access"][f"marts__{name}"]
    with duckdb.connect() as con:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"copy frame to '{target / f'marts__{name}.parquet'}' (format parquet)")
            con.unregister("frame")
            manifest["tables"][f"marts__{name}"] = len(frame)
            manifest["access"][f"marts__{name}"] = {"dim_device_types": "district",
                                                    "fct_welfare_check_households": "households"}.get(name, access)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_test_users(tmp_path)
    return tmp_path


@pytest.fixture
def fleet(world, tmp_path):
    tables, homes = device_marts(world)
    return with_marts(world, tmp_path, tables), homes


def _page(monkeypatch, data_dir, user="leader", lang=None):
    return open_app(monkeypatch, data_dir, script=PAGE, user=user, lang=lang)


def _row(table: pd.DataFrame, column: str, value) -> dict:
    return table[table[column] == value].iloc[0].to_dict()


def test_fleet_health_is_the_rows_figures(fleet, monkeypatch):
    data_dir, _ = fleet
    app = _page(monkeypatch, data_dir)
    shown = metrics(app)
    # 14 days to 2026-03-01: the January rows are out; A4 is suppressed (flapping) and never counted.
    assert shown["设备数"] == "16"                       # 10 + 2 smoke detectors and 4 door magnets on the last day
    assert shown["在线率"] == f"{27.5 / 30:.1%}"         # (9.5 + 9 + 2 + 4 + 3) / (10 + 10 + 2 + 4 + 4)
    assert shown["告警"] == "4" and shown["误报比例"] == "25.0%"
    assert shown["响应时长中位数(分钟)"] == "6.0"        # median of A1 4, A2 10, A3 6
    by_type = frame_with(app, "设备类型")
    assert list(by_type["设备类型"]) == ["智能门磁", "烟感报警器"]   # lowest online rate first, seed names
    smoke = _row(by_type, "设备类型", "烟感报警器")
    assert (smoke["设备数"], smoke["在线率"], smoke["告警"], smoke["误报比例"]) == (12, f"{20.5 / 22:.1%}", 4, "25.0%")
    assert (smoke["确认告警"], smoke["抖动抑制"], smoke["故障"], smoke["响应时长中位数(分钟)"]) == (2, 1, 1, "6.0")
    assert _row(by_type, "设备类型", "智能门磁")["在线率"] == "87.5%"
    by_grid = next(d.value for d in app.dataframe if "网格" in d.value.columns and "在线率" in d.value.columns)
    assert len(by_grid) == 2 and set(by_grid["设备数"]) == {10, 6}


def test_offline_list_map_alarms_welfare_and_bins(fleet, monkeypatch):
    data_dir, homes = fleet
    app = _page(monkeypatch, data_dir)
    offline = frame_with(app, "离线小时")
    assert list(offline["设备编号"]) == ["SD-7", "DM-2"] and list(offline["离线小时"]) == [66.0, 12.0]
    assert list(offline["离线起始"]) == ["2026-02-27 06:00", "2026-03-01 12:00"]
    assert list(offline["故障码"]) == ["", "battery_low"]
    charts = {c.proto.id: json.loads(c.proto.spec) for c in app.get("plotly_chart")}
    device_map = next(spec for spec in charts.values() if spec["data"][0]["type"] == "choropleth")
    layers = {trace["name"]: trace for trace in device_map["data"][1:]}
    assert set(layers) == {"离线设备", "满溢垃圾桶"} and layers["离线设备"]["text"] == ["SD-7", "DM-2"]
    assert "此快照没有设备位置,告警未上图。" in [c.value for c in app.caption]
    assert "geo" in device_map["layout"] and "mapbox" not in json.dumps(device_map["layout"])   # no tiles
    funnel = next(spec for spec in charts.values() if spec["data"][0]["type"] == "funnel")
    assert funnel["data"][0]["x"] == [4, 2, 2, 1]   # alarms, confirmed, with a case, case resolved
    shown = metrics(app)
    assert shown["办结时长中位数(小时)"] == "24.0" and shown["未关闭告警"] == "2"
    open_alarms = frame_with(app, "告警类型")
    assert list(open_alarms["设备编号"]) == ["SD-1", "SD-9"]   # A3, A5 open; A4 suppressed
    assert list(open_alarms["告警类型"]) == ["烟雾", "烟雾"] and list(open_alarms["研判"]) == ["确认", "未研判"]
    assert (shown["待核查"], shown["周期内触发"], shown["电话确认比例"], shown["关闭时长中位数(小时)"]) == (
        "1", "3", "50.0%", "1.8")   # W1 open; W2 by a call (0.5 h), W3 a visit (3 h)
    # A leader sees the welfare figures, never the households.
    assert "逐户核查名单仅对可查看住户信息的角色显示。" in [c.value for c in app.caption]
    assert not any("户号" in d.value.columns for d in app.dataframe)
    bins = frame_with(app, "满溢度(%)")
    assert list(bins["设备编号"]) == ["B-1", "B-2"] and list(bins["近30天清运次数"]) == [6, 2]
    assert not any(h in json.dumps([d.value.astype(str).values.tolist() for d in app.dataframe]) for h in homes)


def test_english_labels_and_type_names(fleet, monkeypatch):
    data_dir, _ = fleet
    app = _page(monkeypatch, data_dir, lang="en")
    assert app.title[0].value == "Devices and sensors"
    shown = metrics(app)
    assert shown["Online rate"] == f"{27.5 / 30:.1%}" and shown["False-alarm share"] == "25.0%"
    assert list(frame_with(app, "Device type")["Device type"]) == ["Door magnet (elderly care)", "Smoke detector"]
    assert app.multiselect(key="device_types").label == "Device type"


def test_a_grid_worker_sees_their_own_grid_and_the_masked_welfare_list_audited(fleet, monkeypatch):
    data_dir, homes = fleet
    downloads = drawn_downloads(monkeypatch)
    app = _page(monkeypatch, data_dir, user="worker_c02_g02")
    assert app.multiselect(key="device_grids").options == ["华茂社区第2网格"]
    shown = metrics(app)
    assert shown["设备数"] == "6" and shown["告警"] == "1" and shown["未关闭告警"] == "1"
    assert list(frame_with(app, "离线小时")["设备编号"]) == ["DM-2"]
    welfare = frame_with(app, "户号")
    assert list(welfare["状态"]) == ["待核查", "已关闭"]   # open first
    assert list(welfare["户号"]) == [f"****{homes[0][-2:]}", f"****{homes[1][-2:]}"]
    assert all(place for place in welfare["楼栋-单元-房间"])   # where to go, from the visit list
    assert list(welfare["触发原因"]) == ["无活动", "持续用水"] and list(welfare["结果"]) == ["", "电话确认安全"]
    assert not any(h in json.dumps(welfare.astype(str).values.tolist()) for h in homes)
    entries = [json.loads(line) for line in (data_dir / "audit" / "audit.jsonl").read_text().splitlines()]
    listed = [e for e in entries if e["action"] == "household_list" and e.get("list") == "welfare_checks"]
    assert listed and (listed[-1]["rows"], listed[-1]["grids"], listed[-1]["user_id"]) == (2, [G2], "worker_c02_g02")
    exported = downloads["export_welfare"]["download"]().decode("utf-8-sig")
    assert f"****{homes[0][-2:]}" in exported and homes[0] not in exported
    assert [e["table"] for e in map(json.loads, (data_dir / "audit" / "audit.jsonl").read_text().splitlines())
            if e["action"] == "export"][-1] == "welfare_checks"


def test_type_filter_values_not_in_the_data_show_nothing(fleet, monkeypatch):
    data_dir, _ = fleet
    app = _page(monkeypatch, data_dir)
    app.multiselect(key="device_types").set_value([]).run()
    assert not app.exception and "所选设备类型与网格下没有设备数据。" in [i.value for i in app.info]
    assert "离线小时" not in [c for d in app.dataframe for c in d.value.columns]
    from dashboards.data import current_snapshot
    from dashboards.queries import devices

    monkeypatch.setenv("GRIDSIGHT_USER", "leader")
    snapshot = current_snapshot()
    start, end = dt.date(2026, 2, 16), dt.date(2026, 3, 1)
    for hostile in (["no_such_type"], ["smoke_detector' or '1'='1"], ["%"]):
        assert devices.health(snapshot, "device_type", start, end, hostile, [G1, G2]).empty
        assert devices.offline(snapshot, hostile, [G1, G2]).empty
        assert devices.open_alarms(snapshot, hostile, [G1, G2]).empty
        assert int(devices.follow_through(snapshot, start, end, hostile, [G1, G2])["alarms"]) == 0
    with pytest.raises(ValueError):
        devices.health(snapshot, "grid_id; drop table x", start, end, ["smoke_detector"], [G1])


def test_a_grid_worker_asking_for_another_grid_gets_nothing(fleet, monkeypatch):
    data_dir, _ = fleet
    app = _page(monkeypatch, data_dir, user="worker_c01_g01")
    assert app.multiselect(key="device_grids").options == ["华茂1958商圈A区"]
    with pytest.raises((TypeError, StreamlitAPIException)):   # the widget offers no other grid
        app.multiselect(key="device_grids").set_value([G2]).run()
    from dashboards.data import current_snapshot
    from dashboards.queries import cockpit, devices

    monkeypatch.setenv("GRIDSIGHT_USER", "worker_c01_g01")
    snapshot = current_snapshot()
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    types = ["smoke_detector", "door_magnet", "trash_bin"]
    assert devices.health(snapshot, "grid_id", start, end, types, [G2]).empty
    assert devices.offline(snapshot, types, [G2]).empty and devices.open_alarms(snapshot, types, [G2]).empty
    assert devices.welfare_checks(snapshot, start, end, [G2], with_rooms=True).empty
    assert int(devices.welfare_summary(snapshot, start, end, [G2])["raised"]) == 0
    assert devices.bins_over_threshold(snapshot, [G2]).empty
    assert list(devices.grid_outlines(snapshot)["grid_id"]) == [G1]
    assert int(devices.follow_through(snapshot, start, end, types, [G1, G2])["open_alarms"]) == 1   # A3 only
    assert cockpit.device_tiles(snapshot, G2) == {"open_alarms": 0, "devices_offline": 0, "open_welfare_checks": 0}
    assert cockpit.device_tiles(snapshot, "D01") == {"open_alarms": 1, "devices_offline": 1,
                                                     "open_welfare_checks": 0}


def test_cockpit_tiles_read_the_device_marts(fleet, monkeypatch):
    data_dir, _ = fleet
    cockpit = open_app(monkeypatch, data_dir, script=COCKPIT)
    shown = metrics(cockpit)
    assert (shown["未关闭告警"], shown["当前离线设备"], shown["待核查独居老人"]) == ("2", "2", "1")
    assert "设备在线率" in shown
    worker = open_app(monkeypatch, data_dir, script=COCKPIT, user="worker_c01_g01", lang="en")
    shown = metrics(worker)
    assert (shown["Open alarms"], shown["Devices offline now"], shown["Open welfare checks"]) == ("1", "1", "0")


@pytest.mark.parametrize("empty", [True, False])
def test_without_device_marts_the_pages_say_no_device_data(world, tmp_path, monkeypatch, empty):
    if empty:   # a real city's snapshot: the marts published, no device in them
        tables, _ = device_marts(world)
        data_dir = with_marts(world, tmp_path, {n: f.iloc[0:0] for n, f in tables.items() if n != "dim_device_types"})
    else:   # a snapshot from before the device marts
        data_dir = with_marts(world, tmp_path, {}, drop=tuple(device_marts(world)[0]))
    page = _page(monkeypatch, data_dir)
    assert [i.value for i in page.info] == ["此快照没有设备数据(未接入物联设备)。"] and not page.dataframe
    cockpit = open_app(monkeypatch, data_dir, script=COCKPIT)
    assert "此快照没有设备数据(未接入物联设备)。" in [c.value for c in cockpit.caption]
    assert "未关闭告警" not in metrics(cockpit)


def test_open_alarms_are_mapped_where_the_snapshot_places_devices(world, tmp_path, monkeypatch):
    tables, _ = device_marts(world)
    offline = tables["mart_devices_offline"]
    lat, lon = offline["lat"].iloc[0], offline["lon"].iloc[0]
    places = _frame("device_id, device_type, grid_id, lat, lon", [("SD-1", "smoke_detector", G1, lat, lon),
                                                                   ("SD-9", "smoke_detector", G2, lat, lon)])
    app = _page(monkeypatch, with_marts(world, tmp_path, {**tables, "dim_devices": places}))
    device_map = next(json.loads(c.proto.spec) for c in app.get("plotly_chart")
                      if json.loads(c.proto.spec)["data"][0]["type"] == "choropleth")
    alarms = next(trace for trace in device_map["data"] if trace.get("name") == "未关闭告警")
    assert alarms["text"] == ["SD-1", "SD-9"]
    assert "此快照没有设备位置,告警未上图。" not in [c.value for c in app.caption]

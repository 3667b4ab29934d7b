"""One import command for the register, devices and foot traffic: each export goes through its mapping
into the landing files its contract names, as one transaction, checked before anything is written. Run on
the real Edinburgh bin sensors and Melbourne counters, and on a simulated district's register exported under
Chinese headers and values; then the same mappings turned hostile."""

import datetime as dt
import json
import shutil

import duckdb
import pandas as pd
import pytest

from data_contracts.importers import devices, foot_traffic, population
from data_contracts.importers.landing import read_csv
from data_contracts.importers.mapping import MAPPINGS, MappingError
from data_contracts.importers.sources import import_file
from models_ml import melbourne
from orchestration.cli import main
from orchestration.defs.resources import Warehouse
from orchestration.ingest import ingest_source
from simulator.core import WorldConfig, simulate
from tests.conftest import REALDATA

EDINBURGH = REALDATA / "edinburgh_litter_bin_sensor_collections_2016.csv"
MELBOURNE = REALDATA / "melbourne_pedestrian_hourly_2015_2016_tsibble.csv"
needs_edinburgh = pytest.mark.skipif(not EDINBURGH.exists(), reason=f"real sample not found at {EDINBURGH}")
needs_melbourne = pytest.mark.skipif(not MELBOURNE.exists(), reason=f"real sample not found at {MELBOURNE}")
FILL = "Fill level before collection (%) [Nb 100% is actually a bin that's 80% full]"
KEY = b"k" * 32


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("GRIDSIGHT_DATA_DIR", raising=False)
    return tmp_path / "data"


@pytest.fixture
def district_clock(monkeypatch):
    """Import as a deployment in Edinburgh would (the district's own time zone)."""
    monkeypatch.setattr("gridsight.settings.TIMEZONE", "Europe/London")


def _import(kind, file, mapping, data_dir):
    return import_file(kind, file, mapping, data_dir / "landing", data_dir / "imports")


def _landing(data_dir, source, name):
    return pd.concat([read_csv(p).assign(dt=p.parent.name[3:])
                      for p in sorted((data_dir / "landing" / source).glob(f"dt=*/{name}"))], ignore_index=True)


def _files(data_dir):
    landing = data_dir / "landing"
    return sorted(str(p.relative_to(landing)) for p in landing.rglob("*") if p.is_file()) if landing.exists() else []


def _mapping(tmp_path, name, edit):
    """A copy of a shipped mapping, changed by `edit(text) -> text`."""
    path = tmp_path / f"{name}_edited.yaml"
    path.write_text(edit((MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


# --- devices: the Edinburgh litter-bin sensors -------------------------------------------------------------

@needs_edinburgh
def test_edinburgh_bins_land_as_one_device_per_bin_and_one_reading_per_collection(data_dir, district_clock):
    source = pd.read_csv(EDINBURGH, dtype=str, keep_default_na=False)
    result = _import("devices", EDINBURGH, "edinburgh_bins", data_dir)
    assert result.written == {"telemetry.csv": 10_000, "registry.csv": 334}
    assert (result.first_day, result.last_day) == ("2016-06-03", "2016-08-09")
    registry = _landing(data_dir, "devices", "registry.csv")
    assert len(registry) == registry["device_id"].nunique() == source["Site"].nunique() == 334
    assert set(registry["device_type"]) == {"trash_bin"} and set(registry["vendor"]) == {"Enevo"}
    assert (registry["lat"] == "").all() and (registry["lon"] == "").all()      # the export has no coordinates
    bin_street = source.drop_duplicates("Site").set_index("Site")["Address"]
    assert registry.set_index("device_id")["grid_id"].equals(bin_street.reindex(registry["device_id"]).rename("grid_id")
                                                            .rename_axis("device_id"))
    first_seen = source.groupby("Site")["Date & Time of bin collection (Europe/London)"].min().str[:10]
    assert registry.set_index("device_id")["installed_at"].to_dict() == first_seen.to_dict()
    telemetry = _landing(data_dir, "devices", "telemetry.csv")
    assert len(telemetry) == 10_000
    assert set(telemetry["event_type"]) == {"reading"} and set(telemetry["code"]) == {"fill_before_collection"}
    one = source.iloc[0]            # Site 325048, 2016-08-09 15:46:34 London time, 78 % full
    row = telemetry[(telemetry["device_id"] == one["Site"])
                    & (telemetry["ts"] == one["Date & Time of bin collection (Europe/London)"])]
    assert row[["value", "dt"]].values.tolist() == [[one[FILL], "2016-08-09"]]
    assert telemetry["value"].astype(float).sum() == source[FILL].astype(float).sum()


@needs_edinburgh
def test_collection_times_move_to_the_district_clock(data_dir, monkeypatch):
    monkeypatch.setattr("gridsight.settings.TIMEZONE", "Asia/Shanghai")     # a deployment in China: +7 h in summer
    _import("devices", EDINBURGH, "edinburgh_bins", data_dir)
    telemetry = _landing(data_dir, "devices", "telemetry.csv")
    row = telemetry[(telemetry["device_id"] == "325048") & (telemetry["ts"] == "2016-08-09 22:46:34")]
    assert row[["value", "dt"]].values.tolist() == [["78", "2016-08-09"]]      # 15:46:34 in London


@needs_edinburgh
@pytest.mark.slow   # ingests the 10,000 readings (~5 s)
def test_edinburgh_readings_load_without_quarantine(tmp_path, data_dir, district_clock):
    result = _import("devices", EDINBURGH, "edinburgh_bins", data_dir)
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "devices", dt.date.fromisoformat(result.first_day),
                          dt.date.fromisoformat(result.last_day), KEY)
    assert {(t.table, t.rows_in, t.rows_loaded, t.rows_quarantined) for t in loads} == {
        ("device_registry", 334, 334, 0), ("device_telemetry", 10_000, 10_000, 0),
        ("device_alarm_actions", 0, 0, 0), ("device_welfare_outcomes", 0, 0, 0)}   # an export has neither
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        read = con.execute("select count(*), round(avg(value), 4) from raw.device_telemetry").fetchone()
    assert read == (10_000, 76.9064)       # the mean fill level of the source column


@needs_edinburgh
def test_reimporting_the_bins_replaces_the_first_import(tmp_path, data_dir, district_clock):
    first = _import("devices", EDINBURGH, "edinburgh_bins", data_dir)
    files = _files(data_dir)
    second = _import("devices", EDINBURGH, "edinburgh_bins", data_dir)
    assert second.replaces == (first.import_id,) and _files(data_dir) == files
    assert len(_landing(data_dir, "devices", "telemetry.csv")) == 10_000
    manifest = json.loads((data_dir / "imports" / f"{first.import_id}.json").read_text(encoding="utf-8"))
    assert manifest["replaced_by"] == second.import_id


# --- foot traffic: Melbourne counters, long and wide --------------------------------------------------------

@needs_melbourne
@pytest.mark.slow   # reads the 66,037 counts twice (~3 s)
def test_melbourne_through_the_mapping_is_the_series_the_adapter_reads():
    through_mapping = foot_traffic.series(MELBOURNE, foot_traffic.load_mapping("melbourne_counts"))
    adapter = melbourne.series(melbourne.read_melbourne(MELBOURNE)).sort_values(["zone_id", "ts"], ignore_index=True)
    pd.testing.assert_frame_equal(through_mapping, adapter)
    assert len(through_mapping) == 66_037 and through_mapping["zone_id"].nunique() == 4


def _wide(tmp_path, hours=500):
    """The first hours of the Melbourne sample, one column per sensor."""
    long = pd.read_csv(MELBOURNE, dtype=str, keep_default_na=False)
    wide = long.pivot(index="Date_Time_UTC", columns="Sensor", values="Count").head(hours).fillna("")
    path = tmp_path / "wide.csv"
    wide.reset_index().rename(columns={"Date_Time_UTC": "hour_utc"}).to_csv(path, index=False)
    return path, wide


def _wide_mapping(tmp_path, extra=""):
    path = tmp_path / "wide.yaml"
    path.write_text("name: melbourne_wide\nsource: foot_traffic\nlayout: wide\ntimezone: Australia/Melbourne\n"
                    "columns: {ts: hour_utc}\nconstants: {district_code: MEL, district_name_zh: 墨尔本, "
                    "district_name_en: Melbourne, grid_id: MEL, safe_capacity: 4000}\n" + extra, encoding="utf-8")
    return path


@needs_melbourne
@pytest.mark.slow   # reads the whole long file to compare (~3 s)
def test_a_wide_file_lands_one_zone_per_counter_column(tmp_path, data_dir, district_clock):
    path, wide = _wide(tmp_path)
    result = _import("foot-traffic", path, _wide_mapping(tmp_path), data_dir)
    cells = int((wide != "").sum().sum())
    assert result.written["counts.csv"] == cells
    assert result.written["zones.csv"] == int((wide != "").any().sum()) == 3   # one sensor reported later
    assert result.facts["empty_cells"] == wide.size - cells
    zones = _landing(data_dir, "foot_traffic", "zones.csv").set_index("zone_id")
    assert zones.loc["qv_market_elizabeth_st_west", ["name_en", "safe_capacity"]].tolist() == [
        "QV Market-Elizabeth St (West)", "4000"]
    counts = _landing(data_dir, "foot_traffic", "counts.csv")
    assert (counts["count_out"] == "").all()                 # the sensors do not tell directions
    # the same hours through the long mapping give the same counts
    long = foot_traffic.series(MELBOURNE, foot_traffic.load_mapping("melbourne_counts"))
    from_wide = foot_traffic.series(path, foot_traffic.load_mapping(_wide_mapping(tmp_path)))
    pd.testing.assert_frame_equal(from_wide, long.merge(from_wide[["zone_id", "ts"]]))


@needs_melbourne
def test_melbourne_counts_land_and_load(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr("gridsight.settings.TIMEZONE", "Australia/Melbourne")
    frame = pd.read_csv(MELBOURNE, dtype=str, keep_default_na=False)
    path = tmp_path / "melbourne_jan.csv"
    frame[frame["Date"] < "2015-01-08"].to_csv(path, index=False)
    result = _import("foot-traffic", path, "melbourne_counts", data_dir)
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "foot_traffic", dt.date.fromisoformat(result.first_day),
                          dt.date.fromisoformat(result.last_day), KEY)
    week = frame[frame["Date"] < "2015-01-08"]
    assert {(t.table, t.rows_loaded, t.rows_quarantined) for t in loads} == {
        ("foot_traffic_zones", week["Sensor"].nunique(), 0), ("foot_traffic_counts", len(week), 0)}
    assert result.first_day == "2015-01-01"       # Melbourne clock: the UTC times of the file's first local day


# --- population: a register under Chinese headers and values ------------------------------------------------

ZH_HEADERS = {v: k for k, v in {  # canonical → the export's header (as in mappings/register_zh.yaml)
    "姓名": "name", "身份证号": "id_number", "联系电话": "phone", "性别": "sex", "出生日期": "birth_date",
    "民族": "ethnicity", "户编号": "household_id", "与户主关系": "relation_to_head", "楼栋": "building",
    "单元": "unit", "房号": "room", "网格编码": "grid_id", "人口类型": "residence_type", "是否租户": "is_renter",
    "房东户编号": "landlord_household_id", "入住日期": "move_in_date", "登记日期": "registered_on",
    "注销日期": "deregistered_on", "职业": "occupation", "单位类型": "employer_type", "文化程度": "education",
    "婚姻状况": "marital_status", "独居老人": "elderly_alone", "残疾人": "disabled", "慢性病": "chronic_illness",
    "低保": "low_income", "退役军人": "veteran", "留守儿童": "minor_left_behind", "重点人员": "focus_person",
    "宠物数": "pets", "车牌号": "vehicle_plates", "户类别": "household_tier", "变更类型": "change_type",
    "变更日期": "changed_at"}.items()}
ZH_VALUES = {"sex": {"M": "男", "F": "女"},
             "relation_to_head": {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"},
             "residence_type": {"registered": "户籍人口", "resident": "常住人口", "floating": "流动人口"},
             "household_tier": {"red": "红", "yellow": "黄", "green": "绿"},
             "change_type": {"snapshot": "全量", "register": "新登记", "update": "变更", "deregister": "注销"}}
DATES = ("birth_date", "move_in_date", "registered_on", "deregistered_on", "changed_at")
FLAGS = ("is_renter", "elderly_alone", "disabled", "chronic_illness", "low_income", "veteran", "minor_left_behind",
         "focus_person")


@pytest.fixture(scope="module")
def world_register(tmp_path_factory):
    """A small simulated district's register (with the simulator's broken rows) as landing files, and the
    same rows exported under Chinese headers, values and dates."""
    root = tmp_path_factory.mktemp("world")
    simulate(root, WorldConfig.small(dt.date(2026, 3, 1), dt.date(2026, 3, 8)), progress=lambda _m: None)
    original = pd.concat([read_csv(p).assign(dt=p.parent.name[3:])
                          for p in sorted((root / "landing" / "population").glob("dt=*/register.csv"))],
                         ignore_index=True)
    export = original.drop(columns="dt")
    for name, codes in ZH_VALUES.items():
        export[name] = export[name].map(codes).fillna(export[name])     # broken values stay as they are
    for name in FLAGS:
        export[name] = export[name].map({"True": "是", "False": "否"}).fillna(export[name])
    for name in DATES:
        at = pd.to_datetime(export[name], format="%Y-%m-%d", errors="coerce")
        export[name] = at.dt.strftime("%Y年%m月%d日").where(at.notna(), export[name])
    path = root / "实有人口导出.csv"
    export.rename(columns=ZH_HEADERS).to_csv(path, index=False)
    return original, path, root


def _zh_mapping(tmp_path):
    return _mapping(tmp_path, "register_zh", lambda t: t + "unmapped: {sex: quarantine}\n")


def test_a_chinese_register_export_lands_as_the_original_register(tmp_path, data_dir, world_register):
    original, path, _ = world_register
    result = _import("population", path, _zh_mapping(tmp_path), data_dir)
    landed = _landing(data_dir, "population", "register.csv")
    expected = original.copy()
    for name in FLAGS:      # flags land as true/false, the spelling ingest reads
        expected[name] = expected[name].str.lower()
    pd.testing.assert_frame_equal(landed, expected)
    assert result.rows_read == len(original) and result.written == {"register.csv": len(original)}
    assert result.files == original["dt"].nunique() == 8
    assert (result.first_day, result.last_day) == ("2026-03-01", "2026-03-08")
    assert result.facts["unmapped"] == {"sex": {"X": int((original["sex"] == "X").sum())}}
    assert "sex: X (" in result.summary()


def test_an_unmapped_sex_stops_the_import_with_its_count(data_dir, world_register):
    original, path, _ = world_register
    with pytest.raises(MappingError, match=r"sex: 'X' \(\d+\).*values\.sex"):
        _import("population", path, "register_zh", data_dir)
    assert _files(data_dir) == []


def test_the_register_loads_with_the_privacy_rules_of_ingest(tmp_path, data_dir, world_register):
    original, path, root = world_register
    result = _import("population", path, _zh_mapping(tmp_path), data_dir)
    shutil.copytree(root / "landing" / "grids", data_dir / "landing" / "grids")     # the district's grids
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    (load,) = ingest_source(warehouse, data_dir / "landing", "population", dt.date.fromisoformat(result.first_day),
                            dt.date.fromisoformat(result.last_day), KEY)
    truth = json.loads((root / "truth" / "summary.json").read_text(encoding="utf-8"))
    injected = sum(len(rows) for file, rows in truth["bad_rows"].items() if file.startswith("population/"))
    # exactly the rows the simulator broke are quarantined, as from the simulator's own landing files
    assert load.rows_in == len(original) and load.reconciled and load.rows_quarantined == injected > 0
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        columns = {c for (c,) in con.execute("select column_name from information_schema.columns where "
                                             "table_name = 'population_register'").fetchall()}
    assert {"name", "id_number", "phone", "birth_date", "vehicle_plates"}.isdisjoint(columns)
    assert {"name_mask", "id_number_key", "phone_key", "birth_date_year"} <= columns


# --- every mapping turned hostile ---------------------------------------------------------------------------

@needs_edinburgh
@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("timestamp_format:", "timestamp-format:"), r"unknown key 'timestamp-format'.*did you mean "
                                                                    r"'timestamp_format'"),
    (lambda t: t.replace("device_id: Site", "device_id: Sight"), r"lacks column 'Sight'; did you mean 'Site'"),
    (lambda t: t.replace('"%Y-%m-%d %H:%M:%S"', '"%d/%m/%Y %H:%M"'), r"timestamp format '%d/%m/%Y %H:%M' in "
                                                                     r"Europe/London does not read '2016-08-09"),
    (lambda t: t.replace("device_type: trash_bin", "device_type: smart_bin"),
     r"constants.device_type: 'smart_bin' is not one of .*trash_bin"),
    (lambda t: t.replace("event_type: reading", "event_type: measurement"), r"'measurement' is not one of"),
    (lambda t: t.replace("timezone: Europe/London", "timezone: Europe/Londn"),
     r"timezone 'Europe/Londn' is not an IANA time zone .*; did you mean 'Europe/London'"),
    (lambda t: t.replace("  grid_id: Address", ""), r"grid_id needs a column"),
    (lambda t: t.replace("source: devices", "source: population"), r"population mapping, not one for devices"),
    (lambda t: t + "values:\n  grid_id: {Princes Street: EDI-01}\n", r"source values with no mapping — "
                                                                      r"grid_id: 'Promenade' \(477\)"),
])
def test_a_device_mapping_that_does_not_fit_writes_nothing(tmp_path, data_dir, edit, message):
    with pytest.raises(MappingError, match=message):
        _import("devices", EDINBURGH, _mapping(tmp_path, "edinburgh_bins", edit), data_dir)
    assert _files(data_dir) == [] and not (data_dir / "imports").exists()


@needs_edinburgh
def test_an_area_map_with_a_default_places_the_other_streets(tmp_path, data_dir, district_clock):
    mapping = _mapping(tmp_path, "edinburgh_bins", lambda t: t + "values:\n  grid_id: {Princes Street: EDI-01}\n"
                                                                  "unmapped: {grid_id: EDI-00}\n")
    result = _import("devices", EDINBURGH, mapping, data_dir)
    registry = _landing(data_dir, "devices", "registry.csv")
    assert set(registry["grid_id"]) == {"EDI-01", "EDI-00"}
    assert result.facts["unmapped"]["grid_id"]["Promenade"] == 477


def test_a_register_mapping_that_does_not_fit_writes_nothing(tmp_path, data_dir, world_register):
    _, path, _ = world_register
    cases = [
        (lambda t: t.replace("  sex: {男: M, 女: F}", "  sex: {男: male, 女: F}"), r"values.sex.男: 'male' is not one "
                                                                                 r"of M, F"),
        (lambda t: t.replace("  phone: 联系电话\n", "  phone: 电话\n"),
         r"lacks column '电话'; did you mean '联系电话'"),
        (lambda t: t.replace("  pets: 宠物数\n", ""), r"pets needs a column .* or a constant"),
        (lambda t: t.replace('"%Y年%m月%d日"', '"%Y-%m-%d"'), r"does not read '9999年99月99日'"),
        (lambda t: t.replace("booleans: {是: true, 否: false}", "booleans: {是: 有, 否: false}"),
         r"booleans.是: '有' is not true or false"),
    ]
    for edit, message in cases:
        with pytest.raises(MappingError, match=message):
            _import("population", path, _mapping(tmp_path, "register_zh", edit), data_dir)
        assert _files(data_dir) == []


@needs_melbourne
def test_hostile_count_files_are_refused_in_one_line(tmp_path, data_dir):
    path, wide = _wide(tmp_path, hours=48)
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    duplicate = tmp_path / "duplicate.csv"           # a counter column named twice
    duplicate.write_text("\n".join([",".join(header + [header[1]])] + [r + ",5" for r in text[1:]]), encoding="utf-8")
    with pytest.raises(MappingError, match=rf"column '{header[1]}' appears twice \(columns 2 and 6\)"):
        _import("foot-traffic", duplicate, _wide_mapping(tmp_path), data_dir)
    binary = tmp_path / "counts.csv"                  # a spreadsheet saved under a .csv name
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(MappingError, match="not a CSV file"):
        _import("foot-traffic", binary, _wide_mapping(tmp_path), data_dir)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("时间,南门\n2015-01-01T00:00:00Z,3\n".encode("gbk"))
    with pytest.raises(MappingError, match="not UTF-8"):
        _import("foot-traffic", gbk, _wide_mapping(tmp_path), data_dir)
    with pytest.raises(MappingError, match="layout 'tall' is long"):
        _import("foot-traffic", path, _mapping(tmp_path, "melbourne_counts",
                                               lambda t: t.replace("layout: long", "layout: tall")), data_dir)
    with pytest.raises(MappingError, match="cannot read the mapping"):
        _import("foot-traffic", path, tmp_path / "no_such_mapping.yaml", data_dir)
    assert _files(data_dir) == []


@needs_melbourne
def test_negative_and_huge_counts_are_quarantined_on_import_and_refused_by_the_backtest(tmp_path, data_dir,
                                                                                        district_clock):
    path, wide = _wide(tmp_path, hours=48)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    counter = frame.columns[1]
    frame.loc[3, counter], frame.loc[4, counter] = "-12", "1e30"
    frame.to_csv(path, index=False)
    mapping = _wide_mapping(tmp_path)
    result = _import("foot-traffic", path, mapping, data_dir)
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "foot_traffic", dt.date.fromisoformat(result.first_day),
                          dt.date.fromisoformat(result.last_day), KEY)
    counts = next(t for t in loads if t.table == "foot_traffic_counts")
    assert counts.rows_in == result.written["counts.csv"] and counts.rows_quarantined == 2 and counts.reconciled
    assert {reason for reason, _ in counts.reasons} >= {"out_of_range:count_in"}
    with pytest.raises(MappingError, match="1 counts with a negative count"):
        foot_traffic.series(path, foot_traffic.load_mapping(mapping))


def test_cli_imports_each_source_and_refuses_without_a_mapping(tmp_path, data_dir, capsys, world_register):
    _, path, _ = world_register
    with pytest.raises(SystemExit):
        main(["--data-dir", str(data_dir), "import", "population", str(path)])
    assert "import population needs --mapping (e.g. --mapping register_zh)" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="nothing imported — .*'X'"):
        main(["--data-dir", str(data_dir), "import", "population", str(path), "--mapping", "register_zh"])
    main(["--data-dir", str(data_dir), "import", "population", str(path), "--mapping", str(_zh_mapping(tmp_path))])
    assert "register rows in 8 landing files; days 2026-03-01 … 2026-03-08" in capsys.readouterr().out


def test_the_shipped_mappings_load():
    assert population.load_mapping("register_zh").values["sex"] == {"男": "M", "女": "F"}
    assert devices.load_mapping("edinburgh_bins").timezone == "Europe/London"
    assert foot_traffic.load_mapping("melbourne_counts").constants["safe_capacity"] == "5000"


class StubPlacer:
    """The district's grid polygons, as the placer's API gives them: east of 0° is grid E, west is W,
    north of 60° lies outside every grid."""

    def __init__(self):
        self.calls = []

    def place(self, lat, lon, names=None, at=None):
        self.calls.append((list(lat), list(lon), None if names is None else list(names), at))
        grid = pd.Series(["E" if x > 0 else "W" for x in lon], index=lat.index).where(lat < 60, "")
        return grid, pd.Series(["" if y < 60 else "outside_grids" for y in lat], index=lat.index)


def _fleet(tmp_path):
    path = tmp_path / "fleet.csv"
    path.write_text("sensor,kind,lat,lon,since,maker\nA1,Smoke,55.95,-3.19,2024-05-01,Acme\n"
                    "A2,Smoke,55.95,0.12,2024-06-01,Acme\nA3,Gas,61.2,1.0,2024-07-01,Acme\n", encoding="utf-8")
    mapping = tmp_path / "fleet.yaml"
    mapping.write_text("name: fleet\nsource: devices\ncolumns: {device_id: sensor, device_type: kind, lat: lat, "
                       "lon: lon, installed_at: since, vendor: maker}\n"
                       "values: {device_type: {Smoke: smoke_detector, Gas: gas_detector}}\n", encoding="utf-8")
    return path, mapping


def test_devices_with_coordinates_are_placed_by_the_placer(tmp_path, data_dir):
    path, mapping = _fleet(tmp_path)
    placer = StubPlacer()
    result = import_file("devices", path, mapping, data_dir / "landing", data_dir / "imports", placer=placer)
    registry = _landing(data_dir, "devices", "registry.csv").set_index("device_id")
    assert registry["grid_id"].to_dict() == {"A1": "W", "A2": "E", "A3": ""}   # A3: ingest quarantines it
    assert registry["device_type"].to_dict() == {"A1": "smoke_detector", "A2": "smoke_detector", "A3": "gas_detector"}
    assert result.facts["unplaced"] == {"outside_grids": 1} and "not placed: outside_grids (1)" in result.summary()
    (lat, lon, names, at), = placer.calls
    assert lat == [55.95, 55.95, 61.2] and names is None and list(at.dt.month) == [5, 6, 7]
    assert result.written == {"registry.csv": 3} and result.first_day == str(dt.date.today()) or result.files == 1


def test_devices_with_coordinates_and_no_grids_are_refused(tmp_path, data_dir):
    path, mapping = _fleet(tmp_path)
    with pytest.raises(MappingError, match="no grid polygons to place devices"):
        _import("devices", path, mapping, data_dir)
    assert _files(data_dir) == []


@pytest.mark.parametrize(("content", "message"), [
    ("sensor,kind,lat,lon,since,maker\n", "no rows under the header"),
    ("sensor,kind,lat,lon,since,maker\nA1,Smoke,1,2,2024-05-01,Acme,extra,more\n", "not a CSV gridsight can read"),
    ("", "empty, or no header row"),
])
def test_an_export_that_is_not_a_table_is_refused(tmp_path, data_dir, content, message):
    _, mapping = _fleet(tmp_path)
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        import_file("devices", path, mapping, data_dir / "landing", data_dir / "imports", placer=StubPlacer())
    assert _files(data_dir) == []


def test_path_tricks_are_refused_in_one_line(tmp_path, data_dir, monkeypatch):
    _, mapping = _fleet(tmp_path)
    for path, message in ((tmp_path, "not a file"), (tmp_path / "missing.csv", "cannot read it"),
                          (tmp_path / ".." / "nowhere" / "x.csv", "cannot read it")):
        with pytest.raises(MappingError, match=message):
            _import("devices", path, mapping, data_dir)
    big = tmp_path / "big.csv"
    big.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setattr("data_contracts.importers.source_mapping.MAX_BYTES", 4)
    with pytest.raises(MappingError, match="more than an import reads"):
        _import("devices", big, mapping, data_dir)
    for text, message in (("- a list\n- of things\n", "a mapping is a YAML dictionary"),
                          ("source: devices\ncolumns: [Site]\n", "columns is a dictionary"),
                          ("source: devices\nvalues: {device_type: [a, b]}\n", "values.device_type is a dictionary"),
                          ("source: devices\ncolumns: {device_id: a: b\n", "cannot read the mapping")):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(MappingError, match=message):
            _import("devices", big, bad, data_dir)
    assert _files(data_dir) == []


def test_huge_and_unreadable_readings_are_quarantined_not_loaded(tmp_path, data_dir, district_clock):
    path = tmp_path / "readings.csv"
    path.write_text("bin,at,fill\nB1,2016-06-01 10:00:00,55\nB1,2016-06-01 11:00:00,1e400\n"
                    "B1,2016-06-01 12:00:00,-inf\nB1,2016-06-01 13:00:00,full\nB1,2016-06-01 14:00:00,1e300\n",
                    encoding="utf-8")
    mapping = tmp_path / "bins.yaml"
    mapping.write_text("source: devices\ncolumns: {device_id: bin, ts: at, value: fill}\n"
                       "constants: {device_type: trash_bin, vendor: Enevo, event_type: reading, grid_id: G1}\n",
                       encoding="utf-8")
    _import("devices", path, mapping, data_dir)
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "devices", dt.date(2016, 6, 1), dt.date(2016, 6, 1), KEY)
    events = next(t for t in loads if t.table == "device_telemetry")
    # 1e300 is a number, but no bin is 1e300 % full: outside the trash bin's physical range (device_types seed)
    assert (events.rows_loaded, events.rows_quarantined) == (1, 4)
    assert dict(events.reasons) == {"invalid_double:value": 3, "out_of_range:value": 1}


def test_a_clock_time_that_does_not_exist_keeps_its_text_and_reason(tmp_path, data_dir, district_clock):
    path = tmp_path / "spring.csv"      # 2016-03-27 01:30 does not exist in London (clocks went 01:00 → 02:00)
    path.write_text("bin,at,fill\nB1,2016-03-27 00:30:00,10\nB1,2016-03-27 01:30:00,20\nB1,2016-03-27 02:30:00,30\n",
                    encoding="utf-8")
    mapping = tmp_path / "bins.yaml"
    mapping.write_text("source: devices\ntimezone: Europe/London\ncolumns: {device_id: bin, ts: at, value: fill}\n"
                       "constants: {device_type: trash_bin, vendor: Enevo, event_type: reading, grid_id: G1}\n",
                       encoding="utf-8")
    result = _import("devices", path, mapping, data_dir)
    telemetry = _landing(data_dir, "devices", "telemetry.csv")
    assert telemetry["ts"].tolist() == ["2016-03-27 00:30:00", "2016-03-27 01:30:00 (not a clock time in "
                                        "Europe/London)", "2016-03-27 02:30:00"]
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "devices", dt.date.fromisoformat(result.first_day),
                          dt.date.fromisoformat(result.last_day), KEY)
    events = next(t for t in loads if t.table == "device_telemetry")
    assert (events.rows_loaded, events.rows_quarantined, events.reasons) == (2, 1, (("invalid_timestamp:ts", 1),))


@pytest.mark.skipif(not (REALDATA / "la311_2020-01_seed_hackforla.csv").exists(), reason="LA 311 sample not found")
def test_incidents_is_another_name_for_csv(tmp_path, data_dir, capsys):
    export = tmp_path / "la.csv"
    read_csv(REALDATA / "la311_2020-01_seed_hackforla.csv").head(60).to_csv(export, index=False)
    main(["--data-dir", str(data_dir), "import", "incidents", str(export), "--mapping", "la311"])
    assert "60 rows read → 60 cases" in capsys.readouterr().out


def _counts(tmp_path, rows, extra=""):
    path = tmp_path / "counts.csv"
    path.write_text("counter,hour,n\n" + "".join(f"{c},{h},{n}\n" for c, h, n in rows), encoding="utf-8")
    mapping = tmp_path / "counts.yaml"
    mapping.write_text("source: foot_traffic\ncolumns: {counter_id: counter, ts: hour, count_in: n}\n"
                       "constants: {district_code: D1, district_name_zh: 中心区, district_name_en: Centre, "
                       "grid_id: G1, safe_capacity: 500}\n" + extra, encoding="utf-8")
    return path, mapping


@pytest.mark.parametrize(("rows", "extra", "message"), [
    ([("North Gate", "2026-01-01 10:00", 3), ("north-gate", "2026-01-01 10:00", 4)], "",
     "counters 'North Gate' and 'north-gate' would share the id 'north_gate'"),
    ([("!!!", "2026-01-01 10:00", 3)], "", "'!!!' has no letters or digits"),
    ([("A", "2026-01-01 10:00", 3)], "layout: wide\n", "a wide layout takes its counters from the column headers"),
    ([("A", "2026-01-01 10:00", 3)], "layuot: wide\n", "unknown key 'layuot'; did you mean 'layout'"),
    ([("A", "2026-01-01 10:00", 3)], "timezone: Mars/Olympus\n", "'Mars/Olympus' is not an IANA time zone"),
    ([("A", "01.01.2026 10:00", 3)], "", r"timestamp format 'ISO 8601' in Asia/Shanghai does not read "
                                         r"'01.01.2026 10:00'"),
])
def test_count_mappings_that_do_not_fit_write_nothing(tmp_path, data_dir, rows, extra, message):
    path, mapping = _counts(tmp_path, rows, extra)
    with pytest.raises(MappingError, match=message):
        _import("foot-traffic", path, mapping, data_dir)
    assert _files(data_dir) == []


def test_a_safe_capacity_must_be_a_number_of_people(tmp_path, data_dir):
    path, mapping = _counts(tmp_path, [("A", "2026-01-01 10:00", 3)])
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("safe_capacity: 500", "safe_capacity: lots"),
                       encoding="utf-8")
    with pytest.raises(MappingError, match="safe_capacity 'lots' is not a whole number"):
        _import("foot-traffic", path, mapping, data_dir)


def test_rows_without_a_counter_or_a_count_reach_ingest_and_are_quarantined(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr("gridsight.settings.TIMEZONE", "Asia/Shanghai")
    path, mapping = _counts(tmp_path, [("A", "2026-01-01 10:00", 3), ("", "2026-01-01 10:00", 4),
                                       ("A", "2026-01-01 11:00", "n/a"), ("A", "2026-01-01 12:00", "inf")])
    result = _import("foot-traffic", path, mapping, data_dir)
    assert result.written["counts.csv"] == 4                       # nothing dropped on the way
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    loads = ingest_source(warehouse, data_dir / "landing", "foot_traffic", dt.date(2026, 1, 1), dt.date(2026, 1, 1),
                          KEY)
    counts = next(t for t in loads if t.table == "foot_traffic_counts")
    assert (counts.rows_loaded, counts.rows_quarantined) == (1, 3) and counts.reconciled
    with pytest.raises(MappingError, match="unreadable count"):
        foot_traffic.series(path, foot_traffic.load_mapping(mapping))


def test_a_register_snapshot_without_change_columns_takes_constants(tmp_path, data_dir, world_register):
    original, path, _ = world_register
    export = pd.read_csv(path, dtype=str, keep_default_na=False)
    snapshot = export[export["变更类型"] == "全量"].drop(columns=["变更类型", "变更日期"])
    plain = tmp_path / "snapshot.csv"
    snapshot.to_csv(plain, index=False)
    mapping = _mapping(tmp_path, "register_zh", lambda t: t.replace("  change_type: 变更类型\n", "").replace(
        "  changed_at: 变更日期\n", "") + "constants: {change_type: snapshot, changed_at: 2026-03-01}\n"
        "unmapped: {sex: quarantine}\n")
    result = _import("population", plain, mapping, data_dir)
    landed = _landing(data_dir, "population", "register.csv")
    assert result.files == 1 and set(landed["dt"]) == {"2026-03-01"} and len(landed) == len(snapshot)
    assert set(landed["change_type"]) == {"snapshot"} and set(landed["changed_at"]) == {"2026-03-01"}
    bad = _mapping(tmp_path, "register_zh", lambda t: t.replace("  changed_at: 变更日期\n", "")
                   + "constants: {changed_at: 1 March 2026}\nunmapped: {sex: quarantine}\n")
    with pytest.raises(MappingError, match=r"constants.changed_at \(ISO 8601\)"):
        _import("population", path, bad, data_dir)


def test_an_import_names_grid_ids_no_grids_file_holds(tmp_path, data_dir, world_register):
    original, path, root = world_register
    before = _import("population", path, _zh_mapping(tmp_path), data_dir)
    world_grids = set(original["grid_id"]) - {"", "D99-S99-C99-G99"}
    assert set(before.facts["unknown_grids"]) >= world_grids                  # every row would be quarantined
    assert "grid ids no grids file holds" in before.summary()
    shutil.copytree(root / "landing" / "grids", data_dir / "landing" / "grids")
    after = _import("population", path, _zh_mapping(tmp_path), data_dir)
    assert after.facts["unknown_grids"] == ["D99-S99-C99-G99"]                 # the simulator's broken row
    assert after.replaces == (before.import_id,)                               # re-importing is safe
    assert len(_landing(data_dir, "population", "register.csv")) == len(original)


def test_counters_share_a_mapped_zone_and_zones_are_placed_by_the_placer(tmp_path, data_dir):
    path = tmp_path / "gates.csv"
    path.write_text("gate,square,lat,lon,hour,in,out\n"
                    "North gate,Market Square,55.95,-3.19,2026-01-01 10:00,30,12\n"
                    "South gate,Market Square,55.95,-3.19,2026-01-01 10:00,20,25\n"
                    "Pier,Harbour,61.0,0.5,2026-01-01 10:00,7,9\n", encoding="utf-8")
    mapping = tmp_path / "gates.yaml"
    mapping.write_text("source: foot_traffic\ncolumns: {counter_id: gate, zone_id: square, lat: lat, lon: lon, "
                       "ts: hour, count_in: in, count_out: out}\nconstants: {district_code: D1, "
                       "district_name_zh: 中心区, district_name_en: Centre, safe_capacity: 800}\n", encoding="utf-8")
    placer = StubPlacer()
    result = import_file("foot-traffic", path, mapping, data_dir / "landing", data_dir / "imports", placer=placer)
    zones = _landing(data_dir, "foot_traffic", "zones.csv").set_index("zone_id")
    assert zones["grid_id"].to_dict() == {"market_square": "W", "harbour": ""}     # the pier lies outside
    assert zones.loc["market_square", "name_en"] == "Market Square"
    assert result.facts["zones_unplaced"] == {"outside_grids": 1}
    counts = _landing(data_dir, "foot_traffic", "counts.csv")
    assert counts[["counter_id", "zone_id", "count_in", "count_out"]].values.tolist() == [
        ["north_gate", "market_square", "30", "12"], ["south_gate", "market_square", "20", "25"],
        ["pier", "harbour", "7", "9"]]

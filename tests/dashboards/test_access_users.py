"""Scope in the users file fails closed: `"grids": []` means no areas, only an absent `grids` means the
whole district, and a grid worker always needs grids."""

import json

import pytest

from dashboards import access
from tests.dashboards.conftest import open_app

USERS = {"users": [
    {"user_id": "nobody", "display_name": "Nobody", "role": "leader", "grids": []},
    {"user_id": "empty_analyst", "role": "analyst", "grids": []},
    {"user_id": "empty_admin", "role": "admin", "grids": []},
    {"user_id": "boss", "display_name": "Boss", "role": "leader"},
    {"user_id": "w1", "display_name": "W1", "role": "grid_worker", "grids": ["D01-S01-C01-G01"]}]}


def _write(folder, users) -> None:
    (folder / "users.json").write_text(json.dumps(users), encoding="utf-8")


def test_an_empty_grids_list_is_no_areas_and_an_absent_one_the_district(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    _write(tmp_path, USERS)
    users = access.load_users()
    assert users["nobody"].scope == () and users["empty_analyst"].scope == () and users["empty_admin"].scope == ()
    assert users["boss"].scope is None
    assert users["w1"].scope == ("D01-S01-C01-G01",)


@pytest.mark.parametrize("grids", [{}, {"grids": []}, {"grids": None}])
def test_a_grid_worker_without_grids_is_refused(tmp_path, monkeypatch, grids):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    _write(tmp_path, {"users": [{"user_id": "w0", "role": "grid_worker", **grids}]})
    with pytest.raises(ValueError, match="grid worker 'w0' needs the grids"):
        access.load_users()


@pytest.mark.parametrize("grids", ["D01-S01", [1, 2], {"a": 1}])
def test_grids_that_are_not_a_list_of_ids_are_refused(tmp_path, monkeypatch, grids):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    _write(tmp_path, {"users": [{"user_id": "x", "role": "leader", "grids": grids}]})
    with pytest.raises(ValueError, match="'x'.*grids"):
        access.load_users()


def test_the_audit_log_records_an_empty_scope_as_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    from dashboards import audit

    audit.audit(access.User("nobody", "Nobody", "admin", ()), "export", rows=0)
    assert audit.audit_entries()[0]["scope"] == []


@pytest.mark.slow
@pytest.mark.parametrize("user", ["nobody", "empty_analyst", "empty_admin"])
@pytest.mark.parametrize("page", ["cockpit", "incidents", "population", "foot_traffic"])
def test_a_user_with_no_areas_sees_nothing_and_is_told_so(world, tmp_path, monkeypatch, user, page):
    import shutil

    from tests.conftest import REPO

    shutil.copytree(world.data_dir / "serving", tmp_path / "serving")
    _write(tmp_path, USERS)
    app = open_app(monkeypatch, tmp_path, script=REPO / "dashboards" / "views" / f"{page}.py", user=user)
    assert any("没有分配" in i.value for i in app.info), [i.value for i in app.info]
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")

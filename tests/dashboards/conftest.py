"""Dashboard tests: the Streamlit app under AppTest on a data folder, and readers of what a page shows."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, demo_password, write_test_users

APP = REPO / "dashboards" / "app.py"


def open_app(monkeypatch, data_dir: Path, *, script: Path = APP, lang: str | None = None,
             today: dt.date | None = None, user: str | None = "leader", pinned: bool = False) -> AppTest:
    """The app (or one page script on its own) reading `data_dir`, in `lang` with `today` pinned, signed in
    as `user` (a demo user) through the sign-in form — or, for a page script alone or with `pinned`, in the
    GRIDSIGHT_USER single-user mode; `user=None` stays at the sign-in form. Fails on an exception."""
    from dashboards import access

    write_test_users(data_dir)
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(data_dir))
    if today is not None:
        monkeypatch.setenv("GRIDSIGHT_TODAY", today.isoformat())
    if user is not None and (pinned or script != APP):
        monkeypatch.setenv(access.USER_ENV, user)
    else:
        monkeypatch.delenv(access.USER_ENV, raising=False)
    app = AppTest.from_file(str(script), default_timeout=60)
    if lang is not None:
        app.session_state["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    if user is not None and script == APP and not pinned:
        sign_in(app, user)
    return app


def sign_in(app: AppTest, user_id: str, password: str | None = None) -> AppTest:
    """Fill and submit the sign-in form (the demo user's password unless given); fails on an exception."""
    app.text_input(key="signin_user").input(user_id)
    app.text_input(key="signin_password").input(password if password is not None else demo_password(user_id))
    app.button[0].click().run()   # the form's submit button comes first
    assert not app.exception, app.exception
    return app


def switch_page(app: AppTest, page: str) -> AppTest:
    """Switch to `views/<page>.py` and run it; fails on an exception."""
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict:
    return {m.label: m.value for m in app.metric}


def frame_with(app: AppTest, column: str) -> pd.DataFrame:
    """The first table shown that has `column`."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def plotted(values) -> list:
    """A plotly trace's x or y, decoded if plotly sent it as a base64 typed array."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def doctored(world, tmp_path, **tables: pd.DataFrame):
    """A data folder whose snapshot is the world's, with some marts replaced by `tables`."""
    source = world.data_dir / "serving"
    version = (source / "CURRENT").read_text(encoding="utf-8").strip()
    target = tmp_path / "serving"
    shutil.copytree(source / version, target / version)
    (target / "CURRENT").write_text(version, encoding="utf-8")
    with duckdb.connect() as con:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"copy frame to '{target / version / f'marts__{name}.parquet'}' (format parquet)")
            con.unregister("frame")
    return tmp_path


def drawn_downloads(monkeypatch) -> dict:
    """Every st.download_button drawn from now on: its key → its arguments, with `download()` doing what a
    click does — the bytes, built and audited then (AppTest cannot click one)."""
    import streamlit as st

    drawn, original = {}, st.download_button

    def capture(label, data, **kwargs):
        drawn[kwargs.get("key")] = {"download": data if callable(data) else lambda: data, **kwargs}
        return original(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    return drawn

"""Signing in (dashboards/sign_in.py) under AppTest and as functions: the form, failures and the lock, sign-out,
sessions that end when a user is disabled or their password reset, the session token, identity-provider
claims, the single-user mode, and `gridsight users`."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
import sys

import jwt
import pytest

from dashboards import access, sign_in, users
from gridsight.settings import LOCK_AFTER_FAILURES
from tests.conftest import REPO, demo_password, write_test_users
from tests.dashboards.conftest import open_app
from tests.dashboards.conftest import sign_in as submit


def _audit(data_dir) -> list[dict]:
    path = data_dir / "audit" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _errors(app) -> list[str]:
    return [e.value for e in app.error]


def _shows_data(app) -> bool:
    return bool(app.metric or app.dataframe or app.get("plotly_chart"))


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(access.USER_ENV, raising=False)
    write_test_users(tmp_path)
    return tmp_path


def test_nothing_but_the_form_before_sign_in(world, monkeypatch):
    app = open_app(monkeypatch, world.data_dir, user=None)
    assert [t.value for t in app.title] == ["登录 gridsight"]
    assert not _shows_data(app) and not app.sidebar.markdown   # no banner, no menu, no user block
    assert app.text_input(key="signin_password").proto.type == app.text_input(key="signin_password").proto.PASSWORD


def test_a_wrong_password_or_unknown_user_gets_one_message_and_is_audited_without_it(world, monkeypatch):
    app = open_app(monkeypatch, world.data_dir, user=None)
    before = len(_audit(world.data_dir))
    submit(app, "leader", "not-the-password-123")
    wrong = _errors(app)
    submit(app, "13907311234", "also-not-it-4567")   # a phone number typed as a user name
    assert wrong == _errors(app) == ["用户名或密码错误。"] and not _shows_data(app)
    entries = _audit(world.data_dir)[before:]
    assert [(e["user_id"], e["action"], e["reason"]) for e in entries] == [
        ("leader", "sign_in_failed", "wrong_password"), ("", "sign_in_failed", "unknown_user")]
    text = (world.data_dir / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    assert "not-the-password" not in text and "also-not-it" not in text and "13907311234" not in text


def test_repeated_failures_lock_the_user_even_with_the_right_password(data_dir, monkeypatch):
    app = open_app(monkeypatch, data_dir, user=None)
    for attempt in range(LOCK_AFTER_FAILURES):
        submit(app, "analyst", f"wrong-password-{attempt}")
    submit(app, "analyst")   # the right password, too late
    assert _errors(app) == ["用户名或密码错误。"] and not _shows_data(app)   # no hint that "analyst" exists
    assert _audit(data_dir)[-1]["reason"] == "locked"
    assert sign_in.lock_ends("analyst") is not None and sign_in.lock_ends("leader") is None
    # a restart does not lift it: the count lives in the audit log, not in the process
    assert open_app(monkeypatch, data_dir, user="analyst").title[0].value == "登录 gridsight"
    # the lock ends LOCK_MINUTES after the first failure
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert sign_in.lock_ends("analyst", later) is None
    # an administrator's new password lifts it at once
    _users_cli(data_dir, "reset-password", "analyst", password="a-fresh-password-9")
    submit(app, "analyst", "a-fresh-password-9")
    assert app.sidebar.button(key="sign_out")


def test_sign_in_then_sign_out(world, monkeypatch):
    app = open_app(monkeypatch, world.data_dir, user="analyst")
    assert app.title[0].value == "网格化治理大数据分析决策平台" and app.metric
    app.sidebar.button(key="sign_out").click().run()
    assert not app.exception and app.title[0].value == "登录 gridsight" and not _shows_data(app)
    actions = [e["action"] for e in _audit(world.data_dir) if e["user_id"] == "analyst"]
    assert actions[-3:] == ["sign_in", "page_view", "sign_out"]


def test_disabling_a_user_or_resetting_their_password_ends_their_session(data_dir, monkeypatch):
    app = open_app(monkeypatch, data_dir, user="leader")
    assert app.sidebar.button(key="sign_out")
    _users_cli(data_dir, "disable", "leader")
    app.run()
    assert app.title[0].value == "登录 gridsight" and "会话已结束" in app.warning[0].value
    submit(app, "leader")
    assert _errors(app) == ["用户名或密码错误。"] and _audit(data_dir)[-1]["reason"] == "disabled"
    _users_cli(data_dir, "enable", "leader")
    submit(app, "leader")
    assert app.sidebar.button(key="sign_out")
    _users_cli(data_dir, "reset-password", "leader", password="a-brand-new-password")
    app.run()
    assert app.title[0].value == "登录 gridsight"
    submit(app, "leader", "a-brand-new-password")
    assert app.sidebar.button(key="sign_out")


def test_parallel_attempts_cannot_outrun_the_lock(data_dir):
    """Sessions guessing at once: attempts run one at a time, so the lock holds after LOCK_AFTER_FAILURES."""
    from concurrent.futures import ThreadPoolExecutor

    guesses = [f"wrong-guess-{n:03d}" for n in range(3 * LOCK_AFTER_FAILURES)] + [demo_password("admin")]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda password: sign_in.attempt("admin", password)[1], guesses))
    assert outcomes.count("wrong_password") == LOCK_AFTER_FAILURES and "ok" not in outcomes
    assert outcomes.count("locked") == len(guesses) - LOCK_AFTER_FAILURES


def test_a_cookie_dies_with_a_sign_out_a_disable_or_a_new_password(data_dir):
    def token():
        return sign_in.session_token(access.load_users()["leader"],
                                     dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2))

    copied = token()
    from dashboards.audit import audit

    audit(access.load_users()["leader"], "sign_out")   # signed out in some browser: every copy ends
    assert sign_in.user_of_token(copied) is None
    copied = token()
    _users_cli(data_dir, "disable", "leader")
    _users_cli(data_dir, "enable", "leader")   # enabling again does not bring old cookies back
    assert sign_in.user_of_token(copied) is None
    assert sign_in.user_of_token(sign_in.session_token(access.load_users()["leader"])) is not None   # a new one


def test_the_session_token_is_signed_expires_and_names_the_password(data_dir):
    user = access.load_users()["leader"]
    token = sign_in.session_token(user)
    assert sign_in.user_of_token(token) == user
    expired = sign_in.session_token(user, dt.datetime.now(dt.UTC) - dt.timedelta(hours=13))
    forged = jwt.encode({"sub": "admin", "ver": sign_in.fingerprint(access.load_users()["admin"]),
                         "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, "guessed-key" * 4, "HS256")
    unsigned = jwt.encode({"sub": "admin", "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, None, "none")
    assert [sign_in.user_of_token(t) for t in (expired, forged, unsigned, "garbage", token[:-2])] == [None] * 5
    assert stat.S_IMODE((data_dir / "secrets" / "session.key").stat().st_mode) == 0o600
    _users_cli(data_dir, "reset-password", "leader", password="another-password-1")
    assert sign_in.user_of_token(token) is None   # a stolen cookie dies with the old password


def test_identity_provider_claims_find_a_user_or_nobody(data_dir):
    entries = users.read_users(data_dir / "users.json")
    entries[0]["email"] = "Leader@Example.org"
    entries[1].update(email="analyst@example.org", disabled=True)
    users.write_users(data_dir / "users.json", entries)
    known = access.load_users()
    assert sign_in.user_of_claims({"email": "leader@example.org"}, known).user_id == "leader"
    assert sign_in.user_of_claims({"email": "analyst@example.org", "gridsight_role": "admin"}, known) is None
    worker = sign_in.user_of_claims({"email": "w@example.org", "name": "王五", "gridsight_role": "grid_worker",
                                     "gridsight_grids": ["D01-S01-C01-G01"]}, known)
    assert (worker.role, worker.scope, worker.display_name) == ("grid_worker", ("D01-S01-C01-G01",), "王五")
    assert worker.user_id == "idp:w@example.org" and not users.USER_ID.fullmatch(worker.user_id)   # no clash
    # a users-file id that looks like the e-mail does not lend its role to the claims
    entries.append({"user_id": "w@example.org", "role": "admin", "password_hash": None})
    users.write_users(data_dir / "users.json", entries)
    again = sign_in.user_of_claims({"email": "w@example.org", "gridsight_role": "grid_worker",
                                    "gridsight_grids": ["D01-S01-C01-G01"]}, access.load_users())
    assert (again.user_id, again.role) == ("idp:w@example.org", "grid_worker")
    for claims in ({"email": "x@example.org"}, {"email": "x@example.org", "gridsight_role": "mayor"},
                   {"email": "x@example.org", "gridsight_role": "grid_worker"},
                   {"email": "x@example.org", "gridsight_role": "leader", "gridsight_grids": "D01"},
                   {"email": "x@example.org", "gridsight_role": "admin"},   # admins only from the users file
                   {"email": "x@example.org", "gridsight_role": "leader", "email_verified": False},
                   {"gridsight_role": "admin"}):
        assert sign_in.user_of_claims(claims, known) is None, claims


def test_single_user_mode_says_so_and_refuses_an_unknown_user(world, monkeypatch):
    app = open_app(monkeypatch, world.data_dir, user="analyst", pinned=True)
    assert app.metric and "GRIDSIGHT_USER" in app.sidebar.caption[0].value and not app.sidebar.button
    monkeypatch.setenv(access.USER_ENV, "mallory")
    with pytest.raises(access.NotSignedIn, match="mallory"):
        access.current_user()


def test_without_users_the_form_says_how_to_add_one(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(access.USER_ENV, raising=False)
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO / "dashboards" / "app.py"), default_timeout=60).run()
    assert not app.exception and "gridsight users add" in app.info[0].value and not app.text_input


def test_demo_users_are_written_once_with_the_readme_passwords(tmp_path):
    path = tmp_path / "users.json"
    assert users.write_demo_users(path) and not users.write_demo_users(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = {e["user_id"]: e for e in users.read_users(path)}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for demo in users.DEMO_USERS:
        assert users.password_matches(demo["password"], written[demo["user_id"]]["password_hash"])
        assert demo["password"] not in path.read_text(encoding="utf-8")
        assert f"`{demo['user_id']}` / `{demo['password']}`" in readme, f"README does not list {demo['user_id']}"


def _users_cli(data_dir, *args, password: str | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "--data-dir", str(data_dir), "users", *args,
                           *(["--password-stdin"] if password is not None else [])],
                          input=f"{password}\n" if password is not None else None, capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done


def test_users_command_adds_lists_and_refuses_bad_input(data_dir):
    _users_cli(data_dir, "add", "wang_li", "--role", "grid_worker", "--grids", "D01-S01-C01-G01,D01-S01-C01-G02",
               "--name", "王丽", "--name-en", "Wang Li", password="wang-li-password")
    listed = _users_cli(data_dir, "list").stdout
    assert "wang_li  grid_worker  D01-S01-C01-G01,D01-S01-C01-G02  王丽  enabled  password" in listed
    assert "$2b$" not in listed and "wang-li-password" not in listed
    wang = access.load_users()["wang_li"]
    assert users.password_matches("wang-li-password", wang.password_hash) and wang.display_name_en == "Wang Li"
    assert stat.S_IMODE((data_dir / "users.json").stat().st_mode) == 0o600
    added = _audit(data_dir)[-1]
    assert (added["action"], added["target"], added["user_id"][:3]) == ("user_added", "wang_li", "os:")
    assert "wang-li-password" not in (data_dir / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    for args, password, message in (
            (("add", "wang_li", "--role", "leader"), "another-password", "exists"),
            (("add", "x", "--role", "mayor"), "another-password", "invalid choice"),
            (("add", "x", "--role", "grid_worker"), "another-password", "needs the grids"),
            (("add", "../../etc", "--role", "leader"), "another-password", "user id"),
            (("add", "x", "--role", "leader"), "short", "at least 10 characters"),
            (("add", "x", "--role", "leader"), "x" * 73, "at most 72 bytes"),
            (("reset-password", "nobody"), "another-password", "no user 'nobody'"),
            (("disable", "nobody"), None, "no user 'nobody'")):
        done = subprocess.run([sys.executable, "-m", "orchestration.cli", "--data-dir", str(data_dir), "users",
                               *args, *(["--password-stdin"] if password else [])],
                              input=f"{password}\n" if password else None, capture_output=True, text=True, cwd=REPO)
        assert done.returncode != 0 and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert set(access.load_users()) == {u["user_id"] for u in users.DEMO_USERS} | {"wang_li"}


def test_a_demo_password_signs_in_only_its_user(data_dir, monkeypatch):
    app = open_app(monkeypatch, data_dir, user=None)
    submit(app, "admin", demo_password("leader"))
    assert _errors(app) == ["用户名或密码错误。"]

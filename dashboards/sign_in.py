"""Signing in to the dashboards: nothing renders data before it (app.py calls `signed_in_user()` first).

- Password: the users file's bcrypt hash (dashboards/users.py). A failed sign-in says only "wrong user name
  or password"; LOCK_AFTER_FAILURES failures of one user within LOCK_MINUTES lock that user until
  LOCK_MINUTES after the first of them (counted from the audit log, so a restart does not reset it; a
  successful sign-in or a password reset starts the count again).
- Session cookie: after a sign-in the browser keeps a signed token (PyJWT, HS256, key in
  secrets/session.key) that signs the user in on the next page load until it expires (SESSION_HOURS). It
  names the user and a fingerprint of their password hash, so resetting a password or disabling the user
  ends every session at the next page run. The cookie is read from the request (`st.context.cookies`) and
  written by extra-streamlit-components' cookie manager (Streamlit itself cannot set one).
- Identity provider: when `.streamlit/secrets.toml` has an `[auth]` section, the form also offers Streamlit's
  OIDC sign-in (`st.login`); the user's e-mail finds their entry in the users file, else the claims
  `gridsight_role` and `gridsight_grids` give role and areas; anyone else is refused.
- GRIDSIGHT_USER: the single-user mode (dashboards/access.py); no form.
Every sign-in, failure (with its reason, never the password) and sign-out is audited.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from functools import lru_cache

import bcrypt
import extra_streamlit_components as stx
import jwt
import streamlit as st

from dashboards.access import SESSION_CLAIMS_USER, SESSION_USER, User, load_users, pinned_user
from dashboards.audit import audit, audit_entries, record
from dashboards.i18n import t
from dashboards.users import ROLES, password_matches
from gridsight import keys
from gridsight.settings import LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_HOURS, Paths

COOKIE = "gridsight_session"
SESSION_KEY_ENV = "GRIDSIGHT_SESSION_KEY"
ROLE_CLAIM, GRIDS_CLAIM = "gridsight_role", "gridsight_grids"
_FINGERPRINT = "signed_in_fingerprint"   # session keys besides access.SESSION_USER
_PENDING_COOKIE = "signed_in_cookie"
_SIGNED_OUT = "signed_out"


def fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _session_key() -> bytes:
    return keys.load_key(Paths.from_env().session_key_file, SESSION_KEY_ENV)


def session_token(user: User, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return jwt.encode({"sub": user.user_id, "ver": fingerprint(user), "iat": now,
                       "exp": now + dt.timedelta(hours=SESSION_HOURS)}, _session_key(), algorithm="HS256")


def user_of_token(token: str) -> User | None:
    """The enabled user a valid, unexpired token names, if its fingerprint still matches and the user has not
    signed out, been disabled or had their password reset since it was issued (a copied cookie dies too)."""
    try:
        claims = jwt.decode(token, _session_key(), algorithms=["HS256"],
                            options={"require": ["exp", "sub", "iat"]})
    except jwt.InvalidTokenError:
        return None
    user = load_users().get(claims["sub"])
    if not user or user.disabled or claims.get("ver") != fingerprint(user):
        return None
    issued = dt.datetime.fromtimestamp(claims["iat"], dt.UTC)
    for entry in audit_entries(since=issued, actions=["sign_out", "user_disabled", "password_reset"], limit=None):
        who = entry.get("target") if entry["action"] != "sign_out" else entry.get("user_id")
        if who == user.user_id and dt.datetime.fromisoformat(entry["at"]) > issued:   # both in whole seconds
            return None
    return user


def lock_ends(user_id: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the user's lock ends, if they are locked now."""
    now = now or dt.datetime.now(dt.UTC)
    window = dt.timedelta(minutes=LOCK_MINUTES)
    failures = []
    for entry in audit_entries(since=now - window, actions=["sign_in", "sign_in_failed", "password_reset"],
                               limit=None):   # newest first
        if (entry.get("target") if entry["action"] == "password_reset" else entry.get("user_id")) != user_id:
            continue
        if entry["action"] != "sign_in_failed":   # a sign-in or a new password starts the count again
            break
        if entry.get("reason") == "wrong_password":
            failures.append(dt.datetime.fromisoformat(entry["at"]))
    return min(failures) + window if len(failures) >= LOCK_AFTER_FAILURES else None


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return bcrypt.hashpw(b"no such user", bcrypt.gensalt()).decode()


def attempt(user_id: str, password: str) -> tuple[User | None, str]:
    """Check one sign-in: (the user, "ok") or (None, why) with why in wrong_password, unknown_user,
    disabled, no_password, locked. Audited either way. Attempts run one at a time (a file lock, so parallel
    sessions cannot all pass the lock check before a failure is written), and every one costs the same: the
    lock is looked up and a bcrypt check made whoever asks."""
    lock = Paths.from_env().audit_log.parent / "sign_in.lock"
    lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        user = load_users().get(user_id)
        locked = lock_ends(user_id) is not None
        matches = password_matches(password, user.password_hash if user and user.password_hash and not locked
                                   else _decoy_hash())
        if user is None:
            record("", "", [], "sign_in_failed", reason="unknown_user")   # no areas: nobody
            return None, "unknown_user"
        if locked:
            reason = "locked"
        elif not user.password_hash or not matches:
            reason = "wrong_password" if user.password_hash else "no_password"
        elif user.disabled:
            reason = "disabled"
        else:
            audit(user, "sign_in", method="password")
            return user, "ok"
        audit(user, "sign_in_failed", reason=reason)
        return None, reason


def _start_session(user: User, *, cookie: bool) -> None:
    st.session_state[SESSION_USER] = user.user_id
    if user.user_id.startswith("idp:"):   # an identity provider's user known from their claims alone
        st.session_state[SESSION_CLAIMS_USER] = user
    st.session_state[_FINGERPRINT] = fingerprint(user)
    st.session_state.pop(_SIGNED_OUT, None)
    if cookie:
        st.session_state[_PENDING_COOKIE] = ("set", session_token(user))


def sign_out(user: User) -> None:
    """End this session (and the browser's cookie); the next run shows the form."""
    audit(user, "sign_out")
    for key in (SESSION_USER, SESSION_CLAIMS_USER, _FINGERPRINT):
        st.session_state.pop(key, None)
    st.session_state[_SIGNED_OUT] = True   # this session's request still carries the old cookie
    st.session_state[_PENDING_COOKIE] = ("delete", None)
    if identity_provider_configured() and st.user.is_logged_in:
        st.logout()


def _send_pending_cookie() -> None:
    """Set or delete the session cookie in the browser; repeated each run until the browser confirms."""
    pending = st.session_state.get(_PENDING_COOKIE)
    if not pending:
        return
    method, token = pending
    options = {"path": "/", "sameSite": "strict", "secure": str(st.context.url or "").startswith("https:"),
               "expires": (dt.datetime.now() + dt.timedelta(hours=SESSION_HOURS)).isoformat()}
    with st.sidebar:   # two invisible frames: at the sidebar's foot they push no page content down
        component = stx.CookieManager(key="gridsight_cookies").cookie_manager
        done = component(method=method, cookie=COOKIE, value=token, options=options,
                         key=f"gridsight_cookie_{method}", default=False)
    if done:
        del st.session_state[_PENDING_COOKIE]


def identity_provider_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:   # no secrets file: Streamlit raises rather than answering
        return False


def user_of_claims(claims: dict, users: dict[str, User]) -> User | None:
    """The gridsight user an identity provider's claims name: their users-file entry by verified e-mail
    (enabled only), else role and areas from the claims — never admin, which only the users file grants —
    under the id `idp:<e-mail>`, which no users-file id can take (ids have no colon); None otherwise."""
    email = str(claims.get("email") or "").lower()
    if not email or claims.get("email_verified") is False:
        return None
    for user in users.values():
        if user.email and user.email.lower() == email:
            return None if user.disabled else user
    role, grids = claims.get(ROLE_CLAIM), claims.get(GRIDS_CLAIM)
    if role not in ROLES or role == "admin" or (grids is not None and not (
            isinstance(grids, list) and all(isinstance(g, str) for g in grids))):
        return None
    if role == "grid_worker" and not grids:
        return None
    return User(f"idp:{email}", str(claims.get("name") or email), role, None if grids is None else tuple(grids),
                email=email)


def _session_user() -> User | None:
    """The user this session signed in, while still enabled and with the same password."""
    if SESSION_CLAIMS_USER in st.session_state:
        return st.session_state[SESSION_CLAIMS_USER]
    user = load_users().get(st.session_state.get(SESSION_USER, ""))
    if user is not None and not user.disabled and st.session_state.get(_FINGERPRINT) == fingerprint(user):
        return user
    if st.session_state.pop(SESSION_USER, None):
        st.session_state.pop(_FINGERPRINT, None)
        st.session_state["session_ended"] = True
    return None


def _resumed_user() -> User | None:
    """A user the browser's cookie or the identity provider signs in, unless this session signed out."""
    if st.session_state.get(_SIGNED_OUT):
        return None
    token = st.context.cookies.get(COOKIE)
    user = user_of_token(token) if token else None
    if user is not None:
        _start_session(user, cookie=False)
        return user
    if identity_provider_configured() and st.user.is_logged_in:
        user = user_of_claims(st.user.to_dict(), load_users())
        if user is None:
            st.error(t("sign_in_not_a_user"))
            st.button(t("sign_out"), on_click=st.logout)
            st.stop()
        _start_session(user, cookie=False)
        audit(user, "sign_in", method="identity_provider")
        return user
    return None


def _form() -> User | None:
    """The sign-in form; the user once a submission succeeds."""
    box = st.empty()
    with box.container():
        st.title(t("sign_in_title"))
        users = load_users()
        if not users:
            st.info(t("sign_in_no_users"))
            return None
        if st.session_state.pop("session_ended", False):
            st.warning(t("sign_in_session_ended"))
        with st.form("signin", clear_on_submit=True):
            user_id = st.text_input(t("sign_in_user"), key="signin_user")
            password = st.text_input(t("sign_in_password"), type="password", key="signin_password")
            submitted = st.form_submit_button(t("sign_in_button"), type="primary")
        st.caption(t("sign_in_lock_rule", failures=LOCK_AFTER_FAILURES, minutes=LOCK_MINUTES))
        if identity_provider_configured():
            st.button(t("sign_in_provider"), on_click=st.login)
        if any(user.demo and not user.disabled for user in users.values()):
            st.caption(t("sign_in_demo_users"))
        if not submitted:
            return None
        user, _ = attempt(user_id.strip(), password)
        if user is None:   # one message whatever the reason: it does not tell which user names exist
            st.error(t("sign_in_failed"))
            return None
    box.empty()
    _start_session(user, cookie=True)
    return user


def signed_in_user() -> User | None:
    """The user of this session; None while there is none yet, with the sign-in form drawn."""
    pinned = pinned_user()
    if pinned is not None:
        return pinned
    user = _session_user() or _resumed_user() or _form()
    _send_pending_cookie()
    return user

"""Who is using the dashboards and what they may see: the one place for access rules.

- Roles (DESIGN §7): leader, analyst, grid_worker, admin. `PERMISSIONS` says what each may do, `PAGES`
  which permission each page needs (app.py's menu shows a role only its pages; a page outside it does not
  open by URL either).
- Scope: the area ids a user may see (`grids` in the users file; any level — a street includes all its
  grids). Only an absent `grids` means the whole district (`None`); `"grids": []` means no areas at all
  (fails closed), and a grid worker always needs grids. dashboards/data.py applies it to every published
  table as the table declares (`config: meta: access`) before anything is cached, and exposes
  household-level tables only to roles with `view_households`.
- Users: the users file (dashboards/users.py). The signed-in user is the one dashboards/sign_in.py put in
  the session; nothing reads data without one (`current_user` raises `NotSignedIn`). `GRIDSIGHT_USER=<id>`
  is the explicit single-user mode for a deployment behind the organisation's own sign-on: every session of
  the process is that user, and the page says so.
- Audit: dashboards/audit.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import streamlit as st

from dashboards.users import ROLES, read_users
from gridsight.settings import Paths

USER_ENV = "GRIDSIGHT_USER"
# st.session_state keys sign_in.py sets, nothing else: the user id, and a user an identity provider's claims
# alone describe (not in the users file).
SESSION_USER, SESSION_CLAIMS_USER = "signed_in_user", "signed_in_claims_user"
PERMISSIONS: dict[str, frozenset[str]] = {
    "leader": frozenset({"view_aggregates", "export_aggregates", "view_data_quality"}),
    "analyst": frozenset({"view_aggregates", "export_aggregates", "view_data_quality"}),
    "grid_worker": frozenset({"view_aggregates", "view_households", "export_households"}),
    "admin": frozenset({"view_aggregates", "export_aggregates", "view_households", "export_households",
                        "view_data_quality", "read_audit"}),
}
assert set(PERMISSIONS) == set(ROLES)
# The permission each page needs (page = its file in dashboards/views/).
PAGES = {"cockpit": "view_aggregates", "hotspots": "view_aggregates", "incidents": "view_aggregates",
         "population": "view_aggregates", "household_visits": "view_households",
         "foot_traffic": "view_aggregates", "devices": "view_aggregates",
         "ratings": "view_aggregates",
         "data_quality": "view_data_quality", "audit_log": "read_audit"}


class NotSignedIn(PermissionError):
    """No one is signed in to this session: no data is read."""


@dataclass(frozen=True)
class User:
    user_id: str
    display_name: str
    role: str
    grids: tuple[str, ...] | None   # area ids the user may see; None = the whole district, () = none
    display_name_en: str | None = None
    email: str | None = None
    disabled: bool = False
    demo: bool = False
    password_hash: str | None = field(default=None, repr=False)

    def name(self, lang: str) -> str:
        """The display name for the page's language ("zh" or "en")."""
        return self.display_name_en if lang == "en" and self.display_name_en else self.display_name

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    @property
    def scope(self) -> tuple[str, ...] | None:
        return self.grids

    def may_open(self, page: str) -> bool:
        return self.can(PAGES[page])


def load_users() -> dict[str, User]:
    """Every user of the users file (disabled ones included), by id. A bad file raises a clear error."""
    path = Paths.from_env().users_file
    return _users(path, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _users(path: Path, _mtime_ns: int) -> dict[str, User]:   # re-read when the file changes
    return {entry["user_id"]: User(entry["user_id"], entry.get("display_name", entry["user_id"]), entry["role"],
                                   None if entry.get("grids") is None else tuple(entry["grids"]),
                                   entry.get("display_name_en"), entry.get("email"), bool(entry.get("disabled")),
                                   bool(entry.get("demo")), entry.get("password_hash"))
            for entry in read_users(path)}


def pinned_user_id() -> str | None:
    """The user GRIDSIGHT_USER pins for this process (single-user mode), if any."""
    return os.environ.get(USER_ENV) or None


def pinned_user() -> User | None:
    """The single-user mode's user; a pinned id that is unknown or disabled is refused."""
    pinned = pinned_user_id()
    if pinned is None:
        return None
    user = load_users().get(pinned)
    if user is None or user.disabled:
        raise NotSignedIn(f"{USER_ENV}={pinned!r} is not an enabled user of the users file")
    return user


def current_user() -> User:
    """The signed-in user of this session (or the single-user mode's); NotSignedIn when there is none or
    they have since been disabled."""
    pinned = pinned_user()
    if pinned is not None:
        return pinned
    if SESSION_CLAIMS_USER in st.session_state:
        return st.session_state[SESSION_CLAIMS_USER]
    user = load_users().get(st.session_state.get(SESSION_USER, ""))
    if user is None or user.disabled:
        raise NotSignedIn("sign in first")
    return user

"""Who is using the dashboards, what they may see, and the audit log: the one place for access rules.

- Roles (DESIGN §7): leader, analyst, grid_worker, admin. `PERMISSIONS` says what each may do.
- Scope: the area ids a user may see (`grids` in the users file; any level — a street includes all its
  grids). Only an absent `grids` means the whole district (`None`); `"grids": []` means no areas at all
  (fails closed), and a grid worker always needs grids. dashboards/data.py applies it to every published
  table as the table declares (`config: meta: access`) before anything is cached, and exposes
  household-level tables only to roles with `view_households`.
- Users: `$GRIDSIGHT_DATA_DIR/users.json` (`{"users": [{"user_id", "display_name", "role", "grids"}]}`,
  optionally `display_name_en`, shown in English mode; without it the one name is shown in both),
  else the built-in demo users below. `GRIDSIGHT_USER=<user_id>` pins the user for the whole process
  (e.g. one dashboard per grid worker); otherwise the sidebar offers a demo switch. This is a demo
  sign-in, not authentication: a deployment puts the app behind the organisation's single sign-on and
  sets GRIDSIGHT_USER (or replaces `current_user`) from it.
- Audit: dashboards/audit.py.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import streamlit as st

from gridsight.settings import Paths

USER_ENV = "GRIDSIGHT_USER"
ROLES = ("leader", "analyst", "grid_worker", "admin")
PERMISSIONS: dict[str, frozenset[str]] = {
    "leader": frozenset({"view_aggregates", "export_aggregates"}),
    "analyst": frozenset({"view_aggregates", "export_aggregates"}),
    "grid_worker": frozenset({"view_aggregates", "view_households", "export_households"}),
    "admin": frozenset({"view_aggregates", "export_aggregates", "view_households", "export_households",
                        "read_audit"}),
}
DEMO_USERS = (
    {"user_id": "leader", "display_name": "街道领导(演示)", "display_name_en": "Street leader (demo)",
     "role": "leader", "grids": None},
    {"user_id": "analyst", "display_name": "数据分析员(演示)", "display_name_en": "Data analyst (demo)",
     "role": "analyst", "grids": None},
    {"user_id": "worker_c01_g01", "display_name": "网格员 C01-G01(演示)",
     "display_name_en": "Grid worker C01-G01 (demo)", "role": "grid_worker", "grids": ["D01-S01-C01-G01"]},
    {"user_id": "worker_c02_g02", "display_name": "网格员 C02-G02(演示)",
     "display_name_en": "Grid worker C02-G02 (demo)", "role": "grid_worker", "grids": ["D01-S01-C02-G02"]},
    {"user_id": "admin", "display_name": "系统管理员(演示)", "display_name_en": "Administrator (demo)",
     "role": "admin", "grids": None},
)


@dataclass(frozen=True)
class User:
    user_id: str
    display_name: str
    role: str
    grids: tuple[str, ...] | None   # area ids the user may see; None = the whole district, () = none
    display_name_en: str | None = None

    def name(self, lang: str) -> str:
        """The display name for the page's language ("zh" or "en")."""
        return self.display_name_en if lang == "en" and self.display_name_en else self.display_name

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    @property
    def scope(self) -> tuple[str, ...] | None:
        return self.grids


def load_users() -> dict[str, User]:
    """Users from $GRIDSIGHT_DATA_DIR/users.json, else the demo users. A bad file raises a clear error."""
    path = Paths.from_env().users_file
    entries = json.loads(path.read_text(encoding="utf-8"))["users"] if path.exists() else DEMO_USERS
    users = {}
    for entry in entries:
        role = entry["role"]
        if role not in ROLES:
            raise ValueError(f"{path}: user {entry['user_id']!r} has unknown role {role!r}; roles: {', '.join(ROLES)}")
        grids = entry.get("grids")
        if role == "grid_worker" and not grids:
            raise ValueError(f"{path}: grid worker {entry['user_id']!r} needs the grids they work in")
        if grids is not None and not (isinstance(grids, list) and all(isinstance(g, str) for g in grids)):
            raise ValueError(f"{path}: user {entry['user_id']!r}: grids must be a list of area ids, not {grids!r}")
        users[entry["user_id"]] = User(entry["user_id"], entry.get("display_name", entry["user_id"]), role,
                                       None if grids is None else tuple(grids), entry.get("display_name_en"))
    return users


def pinned_user_id() -> str | None:
    """The user GRIDSIGHT_USER pins for this process, if any."""
    return os.environ.get(USER_ENV) or None


def current_user() -> User:
    """The signed-in user: GRIDSIGHT_USER if set, else the demo choice in the session, else the first leader."""
    users = load_users()
    pinned = pinned_user_id()
    if pinned:
        if pinned not in users:
            raise ValueError(f"{USER_ENV}={pinned!r} is not in the users file; known: {', '.join(users)}")
        return users[pinned]
    chosen = st.session_state.get("user_id")
    if chosen in users:
        return users[chosen]
    return next((u for u in users.values() if u.role == "leader"), next(iter(users.values())))

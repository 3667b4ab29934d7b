"""The users file, $GRIDSIGHT_DATA_DIR/users.json: who may sign in to the dashboards, with which role and areas.

    {"users": [{"user_id": "wang_li", "display_name": "王丽", "display_name_en": "Wang Li",
                "role": "grid_worker", "grids": ["D01-S01-C01-G01"], "password_hash": "$2b$12$…",
                "email": "wang.li@example.org", "disabled": false}]}

Passwords are stored only as bcrypt hashes (the `bcrypt` library, 12 rounds); `gridsight users` adds,
disables, enables, resets and lists users (orchestration/cli.py), and every change is audited. The file is
rewritten atomically and stays 0600. `gridsight demo` writes the demo users below when no users file exists;
their passwords are public (README), so a real deployment disables or resets them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import bcrypt

ROLES = ("leader", "analyst", "grid_worker", "admin")
USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72   # bcrypt reads no further
# The demo users: a street leader, an analyst, two grid workers and an admin (README lists the passwords).
DEMO_USERS = (
    {"user_id": "leader", "display_name": "街道领导(演示)", "display_name_en": "Street leader (demo)",
     "role": "leader", "password": "demo-leader"},
    {"user_id": "analyst", "display_name": "数据分析员(演示)", "display_name_en": "Data analyst (demo)",
     "role": "analyst", "password": "demo-analyst"},
    {"user_id": "worker_c01_g01", "display_name": "网格员 C01-G01(演示)",
     "display_name_en": "Grid worker C01-G01 (demo)", "role": "grid_worker", "grids": ["D01-S01-C01-G01"],
     "password": "demo-c01-g01"},
    {"user_id": "worker_c02_g02", "display_name": "网格员 C02-G02(演示)",
     "display_name_en": "Grid worker C02-G02 (demo)", "role": "grid_worker", "grids": ["D01-S01-C02-G02"],
     "password": "demo-c02-g02"},
    {"user_id": "admin", "display_name": "系统管理员(演示)", "display_name_en": "Administrator (demo)",
     "role": "admin", "password": "demo-admin"},
)


class UsersFileError(ValueError):
    """The users file, or a change to it, is not valid; the message says what to fix."""


def hash_password(password: str) -> str:
    check_password_strength(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def password_matches(password: str, password_hash: str | None) -> bool:
    """Whether `password` is the one hashed; a user without a hash never matches."""
    encoded = password.encode()
    if not password_hash or len(encoded) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:   # not a bcrypt hash
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UsersFileError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise UsersFileError(f"a password may have at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no further)")


def validate(entry: dict, where: Path | str) -> dict:
    """`entry` if it is a valid user; else a one-line UsersFileError naming the user and the field."""
    user_id = entry.get("user_id")
    if not isinstance(user_id, str) or not USER_ID.fullmatch(user_id):
        raise UsersFileError(f"{where}: user id {user_id!r} must be 1–64 letters, digits or _ . @ - "
                             f"(starting with a letter or digit)")
    if entry.get("role") not in ROLES:
        raise UsersFileError(f"{where}: user {user_id!r} has unknown role {entry.get('role')!r}; "
                             f"roles: {', '.join(ROLES)}")
    grids = entry.get("grids")
    if grids is not None and not (isinstance(grids, list) and all(isinstance(g, str) for g in grids)):
        raise UsersFileError(f"{where}: user {user_id!r}: grids must be a list of area ids, not {grids!r}")
    if entry["role"] == "grid_worker" and not grids:
        raise UsersFileError(f"{where}: grid worker {user_id!r} needs the grids they work in")
    return entry


def read_users(path: Path) -> list[dict]:
    """The entries of the users file (none when it does not exist), each validated."""
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["users"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise UsersFileError(f"{path}: not a users file ({error}); expected {{\"users\": [...]}}") from None
    seen = set()
    for entry in entries:
        validate(entry, path)
        if entry["user_id"] in seen:
            raise UsersFileError(f"{path}: user {entry['user_id']!r} is listed twice")
        seen.add(entry["user_id"])
    return entries


def write_users(path: Path, entries: list[dict]) -> None:
    """Replace the users file atomically (a reader never sees half a file); 0600."""
    for entry in entries:
        validate(entry, path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"users": entries}, handle, ensure_ascii=False, indent=2)
    os.replace(temporary, path)


@contextmanager
def users_file_lock(path: Path):
    """One writer of the users file at a time (gridsight users, gridsight demo)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def write_demo_users(path: Path) -> bool:
    """Write the demo users when there is no users file yet (an existing one is never touched)."""
    with users_file_lock(path):
        if path.exists():
            return False
        _write_demo_users(path)
    return True


def _write_demo_users(path: Path) -> None:
    write_users(path, [{**{k: v for k, v in user.items() if k != "password"}, "demo": True,
                        "password_hash": hash_password(user["password"])} for user in DEMO_USERS])

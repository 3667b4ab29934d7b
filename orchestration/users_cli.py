"""`gridsight users add|disable|enable|reset-password|list`: the dashboards' users file (dashboards/users.py).

Passwords are read without echo (or one line from standard input with --password-stdin, for scripts), never
taken as an argument (it would stay in the shell history and the process list) and never printed or logged.
Every change is audited as the operating-system account that made it.
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager

from dashboards.audit import record
from dashboards.users import (
    ROLES,
    UsersFileError,
    check_password_strength,
    hash_password,
    read_users,
    users_file_lock,
    validate,
    write_users,
)
from gridsight.settings import Paths


@contextmanager
def _editing():
    """The users file's entries, written back on success; one editor at a time."""
    path = Paths.from_env().users_file
    with users_file_lock(path):
        entries = read_users(path)
        yield entries
        write_users(path, entries)


def _entry(entries: list[dict], user_id: str) -> dict:
    for entry in entries:
        if entry["user_id"] == user_id:
            return entry
    raise UsersFileError(f"no user {user_id!r} (gridsight users list shows them)")


def _password(args) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("password again: ") != password:
            raise UsersFileError("the two passwords differ")
    check_password_strength(password)
    return password


def _audit(action: str, user_id: str, **detail) -> None:
    record(f"os:{getpass.getuser()}", "admin", "all", action, target=user_id, **detail)


def cmd_add(args) -> None:
    grids = [g.strip() for g in args.grids.split(",") if g.strip()] if args.grids is not None else None
    entry = {"user_id": args.user_id, "display_name": args.name or args.user_id, "role": args.role}
    entry.update({k: v for k, v in (("display_name_en", args.name_en), ("email", args.email),
                                    ("grids", grids)) if v is not None})
    with _editing() as entries:
        if any(e["user_id"] == args.user_id for e in entries):
            raise UsersFileError(f"user {args.user_id!r} exists: use reset-password, enable or disable")
        validate(entry, "gridsight users add")   # before asking for a password
        entry["password_hash"] = hash_password(_password(args))
        entries.append(entry)
    _audit("user_added", args.user_id, target_role=args.role, grids=grids if grids is not None else "all")
    print(f"added {args.user_id} ({args.role})")


def _set_disabled(args, disabled: bool) -> None:
    with _editing() as entries:
        _entry(entries, args.user_id)["disabled"] = disabled
    _audit("user_disabled" if disabled else "user_enabled", args.user_id)
    print(f"{'disabled' if disabled else 'enabled'} {args.user_id}: "
          f"{'their sessions end at the next page run' if disabled else 'they can sign in again'}")


def cmd_reset_password(args) -> None:
    with _editing() as entries:
        entry = _entry(entries, args.user_id)
        entry["password_hash"] = hash_password(_password(args))
        entry.pop("demo", None)   # a demo user with a new password is no longer one with a public password
    _audit("password_reset", args.user_id)
    print(f"new password set for {args.user_id}; their other sessions end at the next page run")


def cmd_list(args) -> None:
    rows = [(e["user_id"], e["role"], ",".join(e["grids"]) if e.get("grids") is not None else "(all)",
             e.get("display_name", ""), "disabled" if e.get("disabled") else "enabled",
             "password" if e.get("password_hash") else "no password", "demo" if e.get("demo") else "")
            for e in read_users(Paths.from_env().users_file)]
    if not rows:
        print(f"no users in {Paths.from_env().users_file}: add one with gridsight users add")
    for row in rows:
        print("  ".join(row).rstrip())


def _run(func):
    def run(args):
        try:
            func(args)
        except UsersFileError as error:
            raise SystemExit(f"[users] {error}") from None
    return run


def add_parser(sub) -> None:
    users = sub.add_parser("users", help="dashboard users: add, disable, enable, reset-password, list")
    commands = users.add_subparsers(dest="users_command", required=True)
    p = commands.add_parser("add", help="add a user (asks for the password)")
    p.add_argument("user_id")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--grids", help="comma-separated area ids they may see (any level); leave out for the whole "
                                   "district (not for grid workers); an empty string for none")
    p.add_argument("--name", help="display name (Chinese)")
    p.add_argument("--name-en", help="display name in English mode")
    p.add_argument("--email", help="e-mail an identity provider signs them in with")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_run(cmd_add))
    for name, func, text in (("disable", lambda a: _set_disabled(a, True), "stop a user signing in"),
                             ("enable", lambda a: _set_disabled(a, False), "let a disabled user sign in again")):
        p = commands.add_parser(name, help=text)
        p.add_argument("user_id")
        p.set_defaults(func=_run(func))
    p = commands.add_parser("reset-password", help="set a new password (asks for it)")
    p.add_argument("user_id")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_run(cmd_reset_password))
    p = commands.add_parser("list", help="every user with role, areas and state (never a password)")
    p.set_defaults(func=_run(cmd_list))

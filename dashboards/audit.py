"""The audit trail: who signed in, viewed or exported what, and who changed which user, when (DESIGN §7).

One JSON line per entry, `{at, user_id, role, action, scope, …detail}`, appended to
`$GRIDSIGHT_DATA_DIR/audit/audit.jsonl` (outside the warehouse and the snapshots; 0600). Entries hold who,
what, which areas, pages and filters, how many rows — never personal data and never a password.

Append-only: nothing is ever rewritten or deleted. Before an append, a file larger than
`settings.audit_max_bytes()` or whose first entry is from an earlier month (UTC) is renamed to
`audit-YYYY-MM.jsonl` (the month of its first entry; `-2`, `-3` … when taken) and a new file starts; an
operator archives old months. Appends and rotation hold an exclusive lock on `audit/audit.lock`, so
processes writing at once lose no line and rotate once; readers take it shared.

Without streamlit at import: the `gridsight users` CLI calls `record()` directly.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import numbers
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gridsight.settings import Paths, audit_max_bytes

if TYPE_CHECKING:
    from dashboards.access import User

# Every kind of entry; anything else is refused, so a typo cannot start a silent new kind.
ACTIONS = (
    "sign_in",          # a user signed in
    "sign_in_failed",   # a sign-in was refused (detail: reason; never the password)
    "sign_out",         # a user signed out
    "page_view",        # a page was shown (detail: page, filters); once per change of page or filters
    "export",           # a CSV download of a table (detail: table, rows, file, areas …)
    "household_list",   # a household-level list was shown (detail: grids, tiers, rows, snapshot)
    "audit_export",     # an admin downloaded audit entries (detail: rows, file, the filters)
    "user_added",       # a dashboard user was created (detail: target, target_role, grids)
    "user_disabled",    # a user may no longer sign in (detail: target)
    "user_enabled",     # a disabled user may sign in again (detail: target)
    "password_reset",   # a user's password was set anew (detail: target; never the password)
    "user_changed",     # a user's role, areas or name changed (detail: target and what changed)
)
# Detail keys that would hold a secret are refused, at any depth (filters included).
SECRET_KEY = re.compile(r"pass|pwd|secret|token|credential|cookie|(^|_)(otp|salt|hash|key)($|_)", re.IGNORECASE)
# The fields every entry has; a detail may not override them.
FIELDS = ("at", "user_id", "role", "action", "scope")
# Widget keys of the sign-in form: never read into a page view.
SIGN_IN_PREFIX = "signin_"
ROTATED = re.compile(r"audit-(\d{4})-(\d{2})(?:-(\d+))?\.jsonl")

_FILTERS = "_audit_page_filters"       # session key: filter name → value, declared during this run
_LAST_VIEW = "_audit_last_page_view"   # session key: the last page view recorded in this session


def audit_path() -> Path:
    return Paths.from_env().audit_log


def now() -> dt.datetime:
    """The time entries are stamped with (UTC; tests replace it)."""
    return dt.datetime.now(dt.UTC)


def _plain(value: Any, where: str) -> Any:
    """`value` as JSON-simple data, or a ValueError naming `where`."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit detail {where}: keys must be text, not {key!r}")
            if SECRET_KEY.search(key):
                raise ValueError(f"audit detail {where}.{key}: secrets are never logged")
            out[key] = _plain(item, f"{where}.{key}")
        return out
    raise ValueError(f"audit detail {where}: {type(value).__name__} is not JSON-simple "
                     "(text, number, bool, None, list, dict; dates as ISO strings)")


def check_entry(action: str, detail: dict) -> dict:
    """`detail` as it would be logged for `action`, or a ValueError (unknown action, a secret-like key,
    a value that is not JSON-simple). Exports call it before offering the download."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; known: {', '.join(ACTIONS)}")
    if taken := [key for key in FIELDS if key in detail]:
        raise ValueError(f"audit detail may not set {', '.join(taken)}: every entry has its own "
                         f"(name a target user's as target_{taken[0]})")
    return _plain(detail, "detail")


@contextmanager
def _locked(folder: Path, mode: int) -> Iterator[None]:
    fd = os.open(folder / "audit.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)   # releases the lock


def _parsed(line: str) -> tuple[dict, dt.datetime] | None:
    """A line's entry and when it was written, or None for a corrupt line."""
    try:
        entry = json.loads(line)
        at = dt.datetime.fromisoformat(entry["at"])
    except (ValueError, TypeError, KeyError):
        return None
    return entry, at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _first_at(path: Path) -> dt.datetime | None:
    """When the first readable entry of `path` was written."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return next((parsed[1] for line in handle if (parsed := _parsed(line))), None)


def _rotate_if_due(path: Path, at: dt.datetime) -> None:
    """Rename the current file to audit-YYYY-MM[-n].jsonl when it is too large or from an earlier month.
    os.link never replaces an existing name; the caller holds the exclusive lock."""
    max_bytes = audit_max_bytes()   # a bad setting fails on the first entry, not the first rotation
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    month = (_first_at(path) or at).astimezone(dt.UTC).strftime("%Y-%m")
    if size <= max_bytes and month >= at.astimezone(dt.UTC).strftime("%Y-%m"):
        return
    n = 1
    while True:
        try:
            os.link(path, path.with_name(f"audit-{month}.jsonl" if n == 1 else f"audit-{month}-{n}.jsonl"))
            break
        except FileExistsError:
            n += 1
    os.unlink(path)


def record(actor_id: str, role: str, scope: str | Iterable[str], action: str, /, **detail) -> dict:
    """Append one entry `{at, user_id, role, action, scope, …detail}` and return it. For callers without a
    dashboard user, e.g. the users CLI: record(f"os:{account}", "admin", "all", "user_added", target=…).
    `scope` is "all" or the area ids; `actor_id` and `role` are "" for a sign-in of an unknown user (the
    typed name is not logged: it may be a password typed in the wrong field). Raises ValueError on an
    unknown action or a secret-like or non-JSON-simple detail."""
    if not (isinstance(actor_id, str) and isinstance(role, str)):
        raise ValueError(f"audit entry needs a user id and a role as text, not {actor_id!r}, {role!r}")
    plain = check_entry(action, detail)
    scope = scope if isinstance(scope, str) else list(scope)
    if scope != "all" and (isinstance(scope, str) or not all(isinstance(area, str) for area in scope)):
        raise ValueError(f"audit scope must be 'all' or area ids, not {scope!r}")
    path = audit_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(path.parent, fcntl.LOCK_EX):
        at = now()
        _rotate_if_due(path, at)
        entry = {"at": at.isoformat(timespec="seconds"), "user_id": actor_id, "role": role, "action": action,
                 "scope": scope, **plain}
        line = json.dumps(entry, ensure_ascii=False, allow_nan=False) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
    return entry


def audit(user: User, action: str, /, **detail) -> dict:
    """Append one entry for a dashboard user (who, what, when, their scope, …detail)."""
    return record(user.user_id, user.role, "all" if user.scope is None else user.scope, action, **detail)


class AuditEntries(list):
    """Entries, newest first; `unreadable`: how many lines of the files read could not be parsed."""
    unreadable: int = 0


def _month(year: int, month: int, later: int = 0) -> dt.datetime:
    """The start (UTC) of the month `later` months after year-month."""
    index = year * 12 + month - 1 + later
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.UTC)


def _files(folder: Path, since: dt.datetime | None, until: dt.datetime | None) -> list[Path]:
    """The log files that can hold entries in [since, until), newest first: the current file, and each
    rotated file from its month to the end of the next rotated file's month (a file older than rotation may
    span months), the last one up to now."""
    rotated = sorted(((int(m[1]), int(m[2]), int(m[3] or 1)), path) for path in folder.glob("audit-*.jsonl")
                     if (m := ROTATED.fullmatch(path.name)) and 1 <= int(m[2]) <= 12)
    chosen = []
    for i, ((year, month, _), path) in enumerate(rotated):
        end = _month(*rotated[i + 1][0][:2], later=1) if i + 1 < len(rotated) else None
        if (until is None or _month(year, month) < until) and (since is None or end is None or end > since):
            chosen.append(path)
    return [folder / "audit.jsonl", *reversed(chosen)]


def audit_entries(since: dt.datetime | None = None, until: dt.datetime | None = None,
                  users: Iterable[str] | None = None, actions: Iterable[str] | None = None,
                  limit: int | None = 500) -> AuditEntries:
    """Entries at or after `since` and before `until` (aware datetimes), by `users` and of `actions` (None:
    any), newest first, at most `limit` (None: all), from the current file and the rotated ones whose month
    overlaps. A corrupt line is skipped and counted in `.unreadable`."""
    for bound in (since, until):
        if bound is not None and (not isinstance(bound, dt.datetime) or bound.tzinfo is None):
            raise ValueError(f"audit_entries: since/until must be datetimes with a time zone, not {bound!r}")
    users = None if users is None else set(users)
    actions = None if actions is None else set(actions)
    found = AuditEntries()
    folder = audit_path().parent
    if not folder.exists():
        return found
    with _locked(folder, fcntl.LOCK_SH):
        for path in _files(folder, since, until):
            if not path.exists():
                continue
            for line in reversed(path.read_text(encoding="utf-8", errors="replace").splitlines()):
                if not line.strip():
                    continue
                if (parsed := _parsed(line)) is None:
                    found.unreadable += 1
                    continue
                entry, at = parsed
                if ((since is None or at >= since) and (until is None or at < until)
                        and (users is None or entry.get("user_id") in users)
                        and (actions is None or entry.get("action") in actions)):
                    found.append(entry)
                    if limit is not None and len(found) >= limit:
                        return found
    return found


def filter_value(value: Any) -> Any:
    """A widget's value as JSON-simple data: dates as ISO strings, tuples and sets as lists."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(filter_value(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [filter_value(v) for v in value]
    if value is None or isinstance(value, (str, bool, numbers.Number)):
        return value
    return str(value)


def declare_filter(name: str, value: Any) -> None:
    """Note `value` as filter `name` of the page being drawn (never a sign-in widget's)."""
    import streamlit as st

    if not name.startswith(SIGN_IN_PREFIX):
        st.session_state.setdefault(_FILTERS, {})[name] = filter_value(value)


def page_filter(widget: Callable, *args, key: str, name: str | None = None, **kwargs) -> Any:
    """`widget(*args, key=key, **kwargs)` as a filter of the page: returns its value and notes it for the page
    view as `name` (default: the key up to a `__` suffix, e.g. drill_street__zh → drill_street).
    remembered() widgets are filters already."""
    value = widget(*args, key=key, **kwargs)
    if not key.startswith(SIGN_IN_PREFIX):
        declare_filter(name or key.split("__")[0], value)
    return value


def page_filters() -> dict:
    """The filters the page has declared so far in this run, by name."""
    import streamlit as st

    return dict(st.session_state.get(_FILTERS, {}))


def _record_view(user: User, page: str, filters: dict, last: dict) -> bool:
    view = (user.user_id, page, json.dumps(check_entry("page_view", {"filters": filters}), sort_keys=True))
    if last.get("view") == view:
        return False
    audit(user, "page_view", page=page, filters=filters)
    last["view"] = view
    return True


def record_page_view(user: User, page: str, filters: dict) -> bool:
    """Record a page_view {page, filters} unless it is the same as the last one this session recorded
    (a rerun without a change writes nothing; each change of page, filter or user writes one entry).
    Returns whether an entry was written."""
    import streamlit as st

    return _record_view(user, page, filters, st.session_state.setdefault(_LAST_VIEW, {}))


@contextmanager
def page_view(user: User, page: str) -> Iterator[None]:
    """Around a page's run (app.py: `with page_view(user, page): navigation.run()`): collects the filters the
    page declares and records the page view when the run ends — also when the page stops early (a refusal,
    no data yet): after st.stop() the session state cannot be read, so the run's filters and the last view
    are held here. A run interrupted by a rerun records nothing; its rerun does."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import RerunException

    filters = st.session_state[_FILTERS] = {}
    last = st.session_state.setdefault(_LAST_VIEW, {})
    try:
        yield
    except RerunException:
        raise
    except BaseException:
        _record_view(user, page, filters, last)
        raise
    _record_view(user, page, filters, last)

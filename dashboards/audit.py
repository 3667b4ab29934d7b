"""The audit log: who signed in, viewed or exported what, when (DESIGN §7).

`audit()` appends one JSON line per export or household-list view to `$GRIDSIGHT_DATA_DIR/audit/audit.jsonl`
(outside the warehouse and the snapshots; opened append-only, 0600). Entries hold who, what, which grids
and how many rows — never personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from dashboards.access import User
from gridsight.settings import Paths


def audit_path() -> Path:
    return Paths.from_env().audit_log


def record(actor_id: str, role: str, scope, action: str, **detail) -> None:
    """Append one entry (who, what, when, which grids, how many rows) to the append-only audit log."""
    entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "user_id": actor_id,
             "role": role, "action": action, "scope": scope, **detail}
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")


def audit(user: User, action: str, **detail) -> None:
    """record() for a dashboard user."""
    record(user.user_id, user.role, "all" if user.scope is None else list(user.scope), action, **detail)


def audit_entries(limit: int = 500) -> list[dict]:
    """The newest `limit` audit entries, newest first (for admins)."""
    path = audit_path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in reversed(lines[-limit:]) if line.strip()]

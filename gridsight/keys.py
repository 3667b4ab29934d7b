"""Secret keys in the data folder (the pseudonymization key, the dashboards' session-signing key): from an
environment variable, else from a key file created 0600 on first use; a key that is short or in a file
others can read is refused."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

MIN_KEY_CHARS = 32
NEW_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"


def load_key(key_file: Path, env: str, error: type[Exception] = ValueError, *, replacing: str = "") -> bytes:
    """The key in $`env`, else in `key_file` (created 0600 with a random key if absent). `replacing` says what
    deleting a weak key file costs (appended to the refusal)."""
    if env in os.environ:
        key = os.environ[env].strip()
        if len(key) < MIN_KEY_CHARS:
            raise error(f"{env} is {len(key)} characters, a key needs at least {MIN_KEY_CHARS} "
                        f"characters: set it to the output of {NEW_KEY}, or unset it to use {key_file}")
        return key.encode()
    key_file = Path(key_file)
    if not key_file.exists():
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        raise error(f"{key_file} is readable by others (mode {mode:o}): run chmod 600 {key_file}")
    key = key_file.read_text().strip()
    if len(key) < MIN_KEY_CHARS:
        raise error(f"{key_file} holds a {len(key)}-character key, a key needs at least {MIN_KEY_CHARS} "
                    f"characters: delete it to have a strong one created{replacing}, or write the output of "
                    f"{NEW_KEY} into it")
    return key.encode()

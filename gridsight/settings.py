"""The deployment's settings, the one module every layer reads: where the data lives, the district's time
zone and "today", the first day of the daily partitions, and the thresholds the pipeline acts on.

Everything lives under GRIDSIGHT_DATA_DIR (default: ./data in the repository):
landing/ (source files), imports/ (one manifest per import), codes/ (the district's own code lists),
warehouse.duckdb, serving/ (published snapshots), truth/ (demo world only), models/ (trained models),
secrets/ (pseudonymization and session-signing keys), logs/ (one file per materialization run),
audit/ (the dashboards' append-only audit log), users.json (dashboard users), dagster_home/.

Environment variables (read when asked, so tests and the CLI can set them):
GRIDSIGHT_DATA_DIR, GRIDSIGHT_TIMEZONE, GRIDSIGHT_REGION (the holiday calendar), GRIDSIGHT_PARTITIONS_START,
GRIDSIGHT_TODAY (pins "today"),
GRIDSIGHT_AUDIT_MAX_BYTES (when the audit log starts a new file), GRIDSIGHT_MAX_QUARANTINE_SHARE (the ingest
gate, per source).
Thresholds that SQL applies (SLA alert tiers, scorecard colours, staleness) live in dbt: see docs/rules.md.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO / "dbt_project"
DATA_DIR_ENV = "GRIDSIGHT_DATA_DIR"

# The district's time zone (an IANA name): daily partitions, schedules, "today" and the times the pages show
# are in it. Read once here for the Dagster definitions; `timezone()` reads it when asked.
TIMEZONE_ENV, DEFAULT_TIMEZONE = "GRIDSIGHT_TIMEZONE", "Asia/Shanghai"
# The district's holiday calendar: CN (chinese-calendar, then the `holidays` package's China list for years
# it does not know yet), or any country / country-subdivision code of the `holidays` package (US-CA, GB-SCT,
# AU-VIC …). Either way <data>/calendar/holidays.csv (date,name,is_workday) overrides single days.
REGION_ENV, DEFAULT_REGION = "GRIDSIGHT_REGION", "CN"
# The calendar handed to dim_date spans these years (days outside: weekends only, in_official_calendar false).
CALENDAR_FIRST_YEAR = 2000
CALENDAR_YEARS_AHEAD = 2
# First day a daily partition exists for; the demo world's two years of history start after it.
PARTITIONS_START = os.environ.get("GRIDSIGHT_PARTITIONS_START", "2024-01-01")
# A run whose ingest quarantines more than this share of a source's rows is blocked (asset check
# quarantine_share); per source in QUARANTINE_SHARE_BY_SOURCE, or GRIDSIGHT_MAX_QUARANTINE_SHARE ("0.1" for
# every source, "incidents=0.2,population=0.01" per source) — see max_quarantine_share.
MAX_QUARANTINE_SHARE = 0.05
QUARANTINE_SHARE_BY_SOURCE: dict[str, float] = {}
QUARANTINE_SHARE_ENV = "GRIDSIGHT_MAX_QUARANTINE_SHARE"
# Boundary imports: overlaps and gaps between sibling areas smaller than this (m²) are slivers of digitising,
# not reported; a households or shops value above BOUNDARY_MAX_COUNT is refused as no count.
BOUNDARY_SLIVER_M2 = 1.0
BOUNDARY_MAX_COUNT = 10_000_000
# Dashboard sign-in: a session cookie lasts this many hours; this many failed sign-ins of one user within
# the lock period lock that user until the lock period has passed since the last failure.
SESSION_HOURS = float(os.environ.get("GRIDSIGHT_SESSION_HOURS", "12"))
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
# The audit log starts a new file past this size (and at each new month); nothing is deleted.
AUDIT_MAX_BYTES = 10 * 1024 * 1024


def timezone() -> str:
    """GRIDSIGHT_TIMEZONE (an IANA zone such as America/Los_Angeles), else Asia/Shanghai."""
    value = os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        raise ValueError(f"{TIMEZONE_ENV}={value!r} is not a time zone: give an IANA name such as "
                         "Asia/Shanghai, America/Los_Angeles or Europe/London") from None
    return value


# Unchecked here, so that importing the settings never fails; every entry point calls check_region_and_time().
TIMEZONE = os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE


def region() -> str:
    """GRIDSIGHT_REGION upper-cased (CN, US-CA, GB-SCT …), else CN; models_ml.calendar checks it is known."""
    return (os.environ.get(REGION_ENV, "").strip() or DEFAULT_REGION).upper()


def check_region_and_time() -> None:
    """Refuse a time zone or region the deployment cannot use with one line (ValueError), before anything runs."""
    from models_ml.calendar import split_region  # the holidays package knows which regions exist

    timezone()
    split_region(region())


def data_dir() -> Path:
    """The data folder: GRIDSIGHT_DATA_DIR, else ./data in the repository."""
    return Path(os.environ.get(DATA_DIR_ENV, REPO / "data")).resolve()


def make_data_dir_private(root: Path | None = None) -> Path:
    """What this process creates is private to its account (umask 077: files 0600, folders 0700) and the
    data folder (once it exists) is 0700, which also shields files an older version left 0644. Every entry
    point calls it first: the CLI, the Dagster code location, the dashboard app."""
    os.umask(0o077)
    root = Path(root) if root is not None else data_dir()
    if root.exists():
        root.chmod(0o700)
    return root


def audit_max_bytes() -> int:
    """GRIDSIGHT_AUDIT_MAX_BYTES (a positive whole number of bytes) when set, else AUDIT_MAX_BYTES."""
    value = os.environ.get("GRIDSIGHT_AUDIT_MAX_BYTES", "").strip()
    if not value:
        return AUDIT_MAX_BYTES
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"GRIDSIGHT_AUDIT_MAX_BYTES={value!r}: give a positive number of bytes, e.g. 10485760")
    return int(value)


def max_quarantine_share(source: str) -> float:
    """The share of a source's rows a run may quarantine before its ingest check blocks it:
    GRIDSIGHT_MAX_QUARANTINE_SHARE (one share, or source=share pairs), else QUARANTINE_SHARE_BY_SOURCE,
    else MAX_QUARANTINE_SHARE."""
    from data_contracts.specs import SOURCES

    shares = dict(QUARANTINE_SHARE_BY_SOURCE)
    value = os.environ.get(QUARANTINE_SHARE_ENV, "").strip()
    how = (f"{QUARANTINE_SHARE_ENV}={value!r}: give a share between 0 and 1 for every source (e.g. 0.1) or "
           f"per source (e.g. incidents=0.2,population=0.01; sources: {', '.join(SOURCES)})")
    if value:
        pairs = [p.strip() for p in value.split(",") if p.strip()]
        if len(pairs) == 1 and "=" not in pairs[0]:
            pairs = [f"{name}={pairs[0]}" for name in SOURCES]
        for pair in pairs:
            name, _, share = pair.partition("=")
            try:
                number = float(share)
            except ValueError:
                raise ValueError(how) from None
            if name.strip() not in SOURCES or not 0 <= number <= 1:
                raise ValueError(how)
            shares[name.strip()] = number
    return shares.get(source, MAX_QUARANTINE_SHARE)


def today() -> dt.date:
    """GRIDSIGHT_TODAY (YYYY-MM-DD) when set (tests pin it), else today's date in the district's time zone."""
    pinned = os.environ.get("GRIDSIGHT_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.datetime.now(ZoneInfo(timezone())).date()


@dataclass(frozen=True)
class Paths:
    root: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(data_dir())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def imports(self) -> Path:
        """One manifest per import (imports/<id>.json) and the rows it wrote (imports/<id>/)."""
        return self.root / "imports"

    @property
    def codes(self) -> Path:
        """The district's own code lists (codes/categories.csv, codes/channels.csv; see data_contracts.codes)."""
        return self.root / "codes"

    @property
    def holiday_file(self) -> Path:
        """The district's own holiday days (date,name,is_workday), overriding the region's calendar."""
        return self.root / "calendar" / "holidays.csv"

    @property
    def serving(self) -> Path:
        return self.root / "serving"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def key_file(self) -> Path:
        return self.root / "secrets" / "pseudonym.key"

    @property
    def session_key_file(self) -> Path:
        return self.root / "secrets" / "session.key"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def audit_log(self) -> Path:
        return self.root / "audit" / "audit.jsonl"

    @property
    def users_file(self) -> Path:
        return self.root / "users.json"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

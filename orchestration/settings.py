"""Where gridsight keeps its data, and the calendar of its daily partitions.

Everything lives under GRIDSIGHT_DATA_DIR (default: ./data in the repository):
landing/ (source files), warehouse.duckdb, serving/ (published snapshots), truth/ (demo world only),
models/ (trained models), secrets/ (pseudonymization key), logs/ (one file per materialization run),
audit/ (the dashboards' append-only audit log), users.json (demo sign-in), dagster_home/.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO / "dbt_project"
TIMEZONE = "Asia/Shanghai"
# First day a daily partition exists for; the demo world's two years of history start after it.
PARTITIONS_START = os.environ.get("GRIDSIGHT_PARTITIONS_START", "2024-01-01")


@dataclass(frozen=True)
class Paths:
    root: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(Path(os.environ.get("GRIDSIGHT_DATA_DIR", REPO / "data")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

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
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def audit_log(self) -> Path:
        return self.root / "audit" / "audit.jsonl"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"


def today_shanghai() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()

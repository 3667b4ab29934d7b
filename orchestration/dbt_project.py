"""The dbt project as Dagster sees it, and the one place its manifest is prepared. Kept apart from
@dbt_assets so the manifest can be prepared on a fresh clone (there is no target/manifest.json until
then): `python -m orchestration.dbt_project` (the Makefile's dbt-parse), the CLI and the tests call
`prepare_manifest()`."""

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from gridsight.settings import DBT_PROJECT_DIR

# dbt is not on PATH unless the virtual environment is activated: use the one next to this Python.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _is_current(manifest: Path) -> bool:
    """The manifest is newer than every file of the project it was parsed from."""
    if not manifest.exists():
        return False
    sources = [DBT_PROJECT_DIR / name for name in ("dbt_project.yml", "profiles.yml")]
    for folder in ("models", "seeds", "macros", "tests", "snapshots"):
        sources += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return manifest.stat().st_mtime_ns > max(p.stat().st_mtime_ns for p in sources)


def prepare_manifest() -> Path:
    """`dbt parse` the project, unless the manifest is newer than every project file, so Dagster's dbt
    assets can load."""
    if _is_current(dbt_project.manifest_path):
        return dbt_project.manifest_path
    subprocess.run([DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR)], cwd=DBT_PROJECT_DIR, check=True)
    return dbt_project.manifest_path


if __name__ == "__main__":
    prepare_manifest()

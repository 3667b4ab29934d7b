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


def prepare_manifest() -> Path:
    """`dbt parse` the project (partial parsing keeps it quick) so Dagster's dbt assets can load."""
    subprocess.run([DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR)], cwd=DBT_PROJECT_DIR, check=True)
    return dbt_project.manifest_path


if __name__ == "__main__":
    prepare_manifest()

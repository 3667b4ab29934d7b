"""The dbt project as Dagster sees it. Kept apart from @dbt_assets so `dbt parse` can run first on a
fresh clone (there is no target/manifest.json until then)."""

from dagster_dbt import DbtProject

from gridsight.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

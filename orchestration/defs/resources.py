"""The resources every area's assets receive: where the data lives, the DuckDB warehouse, and dbt."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from data_contracts.privacy import load_key
from gridsight.settings import Paths
from orchestration.dbt_project import DBT_EXECUTABLE, dbt_project


class GridsightData(dg.ConfigurableResource):
    """Where landing files, models and serving snapshots live: GRIDSIGHT_DATA_DIR, which dbt's profile
    reads too, so ingest and dbt always write the same warehouse."""

    @property
    def paths(self) -> Paths:
        return Paths.from_env()

    def pseudonym_key(self) -> bytes:
        return load_key(self.paths.key_file)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse, the one way assets and the CLI open it. `path` defaults to the settings'
    data folder (GRIDSIGHT_DATA_DIR/warehouse.duckdb), the file dbt's profile writes too."""

    path: str | None = None

    @property
    def file(self) -> Path:
        return Path(self.path) if self.path else Paths.from_env().warehouse

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that is closed when the block ends: DuckDB has one writer per file, so an asset
        closes it before the next step (dbt's subprocess, another asset) opens the same file."""
        if not read_only:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.file), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)


def gridsight_resources() -> dict[str, dg.ConfigurableResource]:
    """The resources of the code location, by the parameter name assets ask for them with."""
    return {"gridsight": GridsightData(), "warehouse": Warehouse(), "dbt": dbt_resource()}

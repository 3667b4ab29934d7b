"""Where trained models and their outputs live: model files with a version and training window, and
the ml.* tables (predictions, backtests), dbt sources that the ml marts the pages read are built on.

Models are saved with skops (no pickle): data/models/<name>/<version>.skops plus <version>.json with
the training window and whatever the trainer records (features, metrics). The newest version is the
one scoring uses.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from orchestration.dbt_catalog import ml_columns

if TYPE_CHECKING:
    from orchestration.defs.resources import Warehouse

ML_SCHEMA = "ml"


@dataclass(frozen=True)
class SavedModel:
    name: str
    version: str
    path: Path
    info: dict


def save_model(models_dir: Path, name: str, estimator, train_start: dt.date, train_end: dt.date,
               info: dict | None = None) -> SavedModel:
    """Save `estimator` as a new version of model `name`, trained on train_start..train_end."""
    import skops.io as sio

    folder = Path(models_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
    meta = {"name": name, "version": version, "train_start": str(train_start), "train_end": str(train_end),
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **(info or {})}
    path = folder / f"{version}.skops"
    sio.dump(estimator, path)
    (folder / f"{version}.json").write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    return SavedModel(name, version, path, meta)


def latest_model(models_dir: Path, name: str) -> SavedModel | None:
    """The newest saved version of model `name`, or None if it was never trained."""
    folder = Path(models_dir) / name
    versions = sorted(folder.glob("*.skops")) if folder.exists() else []
    if not versions:
        return None
    path = versions[-1]
    return SavedModel(name, path.stem, path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))


def load_estimator(saved: SavedModel):
    """The estimator of a saved model. Only files gridsight wrote itself are loaded, and only the
    scikit-learn / numpy types skops lists for them."""
    import skops.io as sio

    return sio.load(saved.path, trusted=sio.get_untrusted_types(file=saved.path))


def write_table(warehouse: Warehouse, table: str, frame: pd.DataFrame) -> int:
    """Replace ml.<table> with `frame` (one transaction); returns the rows written. The frame must have
    exactly the columns the table's dbt source declares, and is stored with the declared types (the
    contract the ml marts build on)."""
    declared = ml_columns(table)
    if set(frame.columns) != set(declared):
        raise ValueError(f"ml.{table}: columns {sorted(frame.columns)} differ from the declared {list(declared)}")
    select = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in declared.items())
    with warehouse.connect() as con:
        con.execute(f"create schema if not exists {ML_SCHEMA}")
        con.execute("begin transaction")
        con.execute(f"create or replace table {ML_SCHEMA}.{table} as select {select} from frame")
        con.execute("commit")
    return len(frame)


def read_sql(warehouse: Warehouse, sql: str, params: list | None = None) -> pd.DataFrame:
    """Read model inputs from the marts (read-only connection)."""
    with warehouse.connect(read_only=True) as con:
        return con.execute(sql, params or []).df()

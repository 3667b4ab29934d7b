"""Publishing copies a declared list: exactly the dbt models whose yml says `config: meta: access`."""

import json
import re

import pytest

from orchestration.dbt_catalog import SCOPES, published_marts
from orchestration.dbt_project import prepare_manifest
from tests.conftest import REPO

MART_NAME = re.compile(r"\b(?:dim|fct|mart)_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def declared() -> dict[str, str]:
    prepare_manifest()
    return published_marts()


def test_every_mart_the_pages_read_declares_its_access(declared):
    names = {qualified.split(".", 1)[1] for qualified in declared}
    read = {(name, str(path.relative_to(REPO))) for path in (REPO / "dashboards").rglob("*.py")
            for name in MART_NAME.findall(path.read_text(encoding="utf-8"))}
    assert read, "the pages read marts"
    missing = sorted(f"{name} ({path})" for name, path in read if name not in names)
    assert not missing, f"read by a page but no `config: meta: access` in its yml: {missing}"


def test_every_mart_declares_a_known_scope_and_only_marts_are_published(declared):
    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))
    marts = {f"{n['schema']}.{n['name']}" for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["schema"] == "marts"}
    assert set(declared) == marts   # every mart declares a scope, nothing outside the marts does
    assert set(declared.values()) <= set(SCOPES)
    households = {name.split(".")[1] for name, scope in declared.items() if scope == "households"}
    # the person- and household-level tables, shown only to roles that may view households
    assert households == {"fct_residents", "mart_household_visits", "fct_welfare_check_households"}


def test_an_unknown_scope_is_refused():
    node = {"resource_type": "model", "schema": "marts", "name": "mart_x", "alias": "mart_x",
            "config": {"meta": {"access": "everyone"}}}
    with pytest.raises(ValueError, match="everyone"):
        published_marts({"model.gridsight.mart_x": node})


def test_an_undeclared_table_is_not_published(tmp_path, declared):
    from orchestration.defs.resources import Warehouse
    from orchestration.serving import publish_snapshot

    with pytest.raises(ValueError, match="ml.flow_backtest_melbourne"):
        publish_snapshot(Warehouse(path=str(tmp_path / "warehouse.duckdb")), tmp_path / "serving",
                         ["ml.flow_backtest_melbourne"])
    assert not (tmp_path / "serving").exists()


def test_the_snapshot_holds_exactly_the_declared_marts(world, declared):
    folder = world.data_dir / "serving" / (world.data_dir / "serving" / "CURRENT").read_text()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == {name.replace(".", "__") for name in declared}
    assert {p.stem for p in folder.glob("*.parquet")} == set(manifest["tables"])

"""What the dbt project declares, read from its manifest (target/manifest.json): the marts a serving
snapshot publishes (each mart's yml says `config: meta: access: <scope>`) and the columns of every
ml.* table the model assets write (staging/ml/_ml__sources.yml)."""

from __future__ import annotations

import functools
import json

from orchestration.dbt_project import dbt_project

SCOPES = ("by_grid", "by_area", "by_zone", "households", "district")


def manifest() -> dict:
    """The parsed manifest, read again only when `dbt parse` has rewritten it."""
    return _read(dbt_project.manifest_path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _read(_mtime_ns: int) -> dict:
    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def published_marts(nodes: dict | None = None) -> dict[str, str]:
    """schema.table → access scope of every dbt model that declares one, in name order."""
    nodes = manifest()["nodes"] if nodes is None else nodes
    out = {}
    for node in nodes.values():
        access = node.get("config", {}).get("meta", {}).get("access")
        if node["resource_type"] == "model" and access:
            if access not in SCOPES:
                raise ValueError(f"{node['name']}: access {access!r} is none of {', '.join(SCOPES)}")
            out[f"{node['schema']}.{node['alias'] or node['name']}"] = access
    return dict(sorted(out.items()))


def ml_columns(table: str) -> dict[str, str]:
    """The declared columns of ml.<table> and their types, in order."""
    for source in manifest()["sources"].values():
        if source["source_name"] == "ml" and source["name"] == table:
            return {name: column["data_type"] for name, column in source["columns"].items()}
    raise KeyError(f"ml.{table} is not declared in dbt_project/models/staging/ml/_ml__sources.yml")

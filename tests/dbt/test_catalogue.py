"""The dbt docs are the catalogue: every mart and staging column described, every column holding personal
data tagged `meta.personal_data`, every dashboard page an exposure listing the marts it reads.
Read from target/manifest.json right after `dbt parse`."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from data_contracts.specs import PII_OUTPUTS
from orchestration.dbt_project import prepare_manifest

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "dashboards" / "views"
# How ingest replaces a personal identifier (column suffix): key(s) are pseudonyms, mask(s) display masks.
TAGS = {"key": "pseudonym", "keys": "pseudonym", "mask": "masked", "masks": "masked"}
# Modules a page imports that serve every page (snapshot, scope, labels, layout), not its own data
SHARED_MODULES = ("dashboards.data", "dashboards.access", "dashboards.i18n", "dashboards.components")


@pytest.fixture(scope="module")
def manifest() -> dict:
    prepare_manifest()
    return json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))


def models(manifest: dict, *layers: str) -> list[dict]:
    return [n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["path"].startswith(layers)]


def personal_data_tag(column: str) -> str | None:
    """The tag a column must carry, judged by the suffixes ingest gives pseudonyms and masks."""
    suffix = column.rsplit("_", 1)[-1]
    return TAGS.get(suffix) if "_" in column else None


def test_tags_cover_every_kind_of_pseudonym_and_mask_ingest_writes():
    suffixes = {suffix for outputs in PII_OUTPUTS.values() for suffix in outputs}
    assert {"key", "keys", "mask", "masks"} <= suffixes
    assert suffixes - set(TAGS) == {"region", "birth_year", "sex", "year"}   # what may be kept in clear


def test_every_mart_and_staging_column_is_described(manifest):
    marts = models(manifest, "marts/")
    assert len(marts) >= 20
    missing = [f"{m['name']}.{c}" for m in models(manifest, "marts/", "staging/")
               for c, column in m["columns"].items() if not column["description"].strip()]
    assert not missing, f"columns without a description: {missing}"
    assert not [m["name"] for m in models(manifest, "marts/", "staging/") if not m["description"].strip()]


def test_every_mart_declares_all_its_columns(manifest):
    """Descriptions cover every column only if the yml lists every column: marts enforce their contract."""
    unenforced = [m["name"] for m in models(manifest, "marts/") if not m["config"]["contract"]["enforced"]]
    assert not unenforced


def test_personal_data_columns_are_tagged(manifest):
    wrong = {}
    for model in models(manifest, ""):
        for name, column in model["columns"].items():
            tag = column["meta"].get("personal_data")
            if tag != personal_data_tag(name) or (tag is not None and tag not in ("pseudonym", "masked")):
                wrong[f"{model['name']}.{name}"] = tag
    assert not wrong, f"personal-data tags missing or wrong (pseudonym for *_key(s), masked for *_mask(s)): {wrong}"
    tagged = {f"{m['name']}.{c}" for m in models(manifest, "") for c, col in m["columns"].items()
              if col["meta"].get("personal_data")}
    assert {"stg_population__person_records.person_key", "stg_incidents__cases.reporter_key",
            "fct_residents.person_key", "fct_residents.name_mask", "mart_household_visits.head_name_mask",
            "mart_household_visits.head_phone_mask"} <= tagged


def page_sources(page: Path) -> str:
    """The page's code and that of the dashboards modules it imports for its data (not the shared ones)."""
    code = [page.read_text(encoding="utf-8")]
    for node in ast.walk(ast.parse(code[0])):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboards"):
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                path = REPO / (name.replace(".", "/") + ".py")
                if path.exists() and not name.startswith(SHARED_MODULES):
                    code.append(path.read_text(encoding="utf-8"))
    return "\n".join(code)


def test_every_dashboard_page_is_an_exposure_listing_the_marts_it_reads(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    marts = {m["name"] for m in models(manifest, "marts/")}
    pages = sorted(PAGES.glob("*.py"))
    assert len(pages) >= 8
    for page in pages:
        exposure = exposures.get(f"{page.stem}_page")
        assert exposure, f"dashboards/views/{page.name} has no exposure {page.stem}_page in models/_exposures.yml"
        assert exposure["type"] == "dashboard" and exposure["maturity"] and exposure["owner"]["name"]
        listed = {node.rsplit(".", 1)[-1] for node in exposure["depends_on"]["nodes"]}
        read = {m for m in marts if re.search(rf"\b{m}\b", page_sources(page))}
        assert read <= listed, f"{page.stem}_page does not list the marts {sorted(read - listed)} the page reads"


@pytest.mark.slow
def test_every_warehouse_column_of_personal_data_is_declared_and_tagged(manifest, marts):
    """Also columns the yml does not list: every column of every model in the warehouse."""
    declared = {(m["name"], c): col["meta"].get("personal_data")
                for m in models(manifest, "") for c, col in m["columns"].items()}
    columns = marts.execute("select table_name, column_name from information_schema.columns "
                            "where table_schema in ('staging', 'intermediate', 'marts')").fetchall()
    assert len(columns) > 300
    wrong = {f"{t}.{c}": declared.get((t, c)) for t, c in columns
             if personal_data_tag(c) and declared.get((t, c)) != personal_data_tag(c)}
    assert not wrong, f"personal-data columns not declared with their tag in the yml: {wrong}"

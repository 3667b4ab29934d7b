"""Shared fixtures: a small demo world materialized once per test session through the real stack."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORLD_START, WORLD_END = dt.date(2026, 1, 1), dt.date(2026, 3, 1)   # 60 days, includes Spring Festival eve
# The real public samples: ../shared/realdata next to the repository, or GRIDSIGHT_REALDATA (e.g. in a worktree)
REALDATA = Path(os.environ.get("GRIDSIGHT_REALDATA", REPO.parent / "shared" / "realdata"))
PSEUDONYM_KEY = "test-key-not-secret-long-enough-for-the-32-character-minimum"


@dataclass
class World:
    data_dir: Path
    truth: dict
    first_run: object
    second_run: object
    fingerprint_after_first: dict
    fingerprint_after_second: dict
    serving_versions: list[str]
    planted_case: str   # the case whose description and address hold PLANTED_NUMBERS in its landing file


# Hostile free text: a caller's mobile, landline and ID numbers typed into a description and an address.
PLANTED_NUMBERS = ("13907311234", "430102198807154536", "0731-8865 4321", "43010219880715453X")


def plant_numbers_in_free_text(landing: Path) -> str:
    """Type PLANTED_NUMBERS into the first case's description and address of the first incidents day."""
    import pandas as pd

    cases = sorted((landing / "incidents").glob("dt=*/cases.csv"))[0]
    frame = pd.read_csv(cases, dtype=str, keep_default_na=False)
    mobile, id_number, landline, id_x = PLANTED_NUMBERS
    frame.loc[0, "description"] += f"，请回电{mobile}，身份证{id_number}"
    frame.loc[0, "address"] += f" 电话 {landline} 证件{id_x}"
    frame.to_csv(cases, index=False)
    return frame.loc[0, "case_id"]


_TEST_USERS: dict = {}


def write_test_users(data_dir: Path) -> Path:
    """The demo users (dashboards.users.DEMO_USERS, their passwords as listed) in `data_dir`'s users file,
    unless it has one, hashed with bcrypt's cheapest cost so the many sign-ins of the tests stay quick."""
    import json

    import bcrypt

    from dashboards.users import DEMO_USERS

    path = Path(data_dir) / "users.json"
    if not path.exists():
        if not _TEST_USERS:
            _TEST_USERS["users"] = [{**{k: v for k, v in user.items() if k != "password"}, "demo": True,
                                     "password_hash": bcrypt.hashpw(user["password"].encode(),
                                                                    bcrypt.gensalt(4)).decode()}
                                    for user in DEMO_USERS]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_TEST_USERS, ensure_ascii=False), encoding="utf-8")
        path.chmod(0o600)
    return path


def demo_password(user_id: str) -> str:
    from dashboards.users import DEMO_USERS

    return next(user["password"] for user in DEMO_USERS if user["user_id"] == user_id)


def day_end(con, day, *columns: str, where: str = "true", params: tuple = ()) -> tuple:
    """Day-end stocks (backlog_end, residents …) of the sparse marts.mart_grid_daily at the end of `day`, summed
    over the L3 grids `where` picks (SQL on dim_grids `g`): each grid's latest row on or before the day."""
    sums = ", ".join(f"coalesce(sum({c}), 0)" for c in columns)
    return con.execute(f"""
        with latest as (
            select m.* from marts.mart_grid_daily as m join marts.dim_grids as g using (grid_id)
            where m.date_day <= ? and {where}
            qualify row_number() over (partition by m.grid_id order by m.date_day desc) = 1)
        select {sums} from latest""", [day, *params]).fetchone()


def warehouse_fingerprint(warehouse: Path) -> dict:
    """Row count and an order-independent content hash of every table, leaving out when things were
    loaded (columns *ingested_at, scanned_at) and when a model was saved (model_version, a timestamp)."""
    import duckdb

    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_type = 'BASE TABLE' order by 1, 2").fetchall()
        for schema, table in tables:
            cols = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "and not (column_name like '%ingested_at' or column_name in ('scanned_at', 'model_version')) "
                "order by ordinal_position",
                [schema, table]).fetchall()]
            select = ", ".join(f'"{c}"' for c in cols)
            out[f"{schema}.{table}"] = con.execute(
                f"select count(*), coalesce(sum(hash({select})), 0) from (select {select} from {schema}.{table}) t"
            ).fetchone()
    return out


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    """Simulate one street for 60 days, materialize everything twice through Dagster."""
    from simulator import WorldConfig, simulate

    data_dir = tmp_path_factory.mktemp("gridsight-data")
    mp = pytest.MonkeyPatch()
    mp.setenv("GRIDSIGHT_DATA_DIR", str(data_dir))
    mp.setenv("GRIDSIGHT_PSEUDONYM_KEY", PSEUDONYM_KEY)
    from gridsight.settings import make_data_dir_private
    from orchestration.dbt_project import prepare_manifest
    from orchestration.runner import materialize_range

    make_data_dir_private(data_dir)   # as every gridsight entry point does first (CLI, code location, dashboard)
    prepare_manifest()
    truth = simulate(data_dir, WorldConfig.small(WORLD_START, WORLD_END), progress=lambda _m: None)
    planted = plant_numbers_in_free_text(data_dir / "landing")
    first = materialize_range(WORLD_START, WORLD_END, progress=lambda _m: None)
    after_first = warehouse_fingerprint(data_dir / "warehouse.duckdb")
    versions = [(data_dir / "serving" / "CURRENT").read_text()]
    second = materialize_range(WORLD_START, WORLD_END, progress=lambda _m: None)
    after_second = warehouse_fingerprint(data_dir / "warehouse.duckdb")
    versions.append((data_dir / "serving" / "CURRENT").read_text())
    write_test_users(data_dir)
    yield World(data_dir, truth, first, second, after_first, after_second, versions, planted)
    mp.undo()


@pytest.fixture
def marts(world):
    """Read-only connection to the materialized warehouse."""
    import duckdb

    con = duckdb.connect(str(world.data_dir / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


LA311 = REALDATA / "la311_2020-01_seed_hackforla.csv"


@dataclass
class RealSample:
    data_dir: Path
    source: Path
    import_output: str


# An LA deployment: the sample under the region's holidays and time zone (settings GRIDSIGHT_REGION,
# GRIDSIGHT_TIMEZONE), seen today, years after the export ended.
LA_DEPLOYMENT = {"GRIDSIGHT_REGION": "US-CA", "GRIDSIGHT_TIMEZONE": "America/Los_Angeles"}


@pytest.fixture(scope="session")
def la311_us(tmp_path_factory) -> RealSample:
    """The real LA 311 sample through `gridsight import csv --mapping la311 --materialize` (the CLI, in a
    subprocess: its days predate the default partition calendar), in a deployment set to US-CA and
    America/Los_Angeles. Built once per session: `la311` is the same world."""
    if not LA311.exists():
        pytest.skip(f"real sample not found at {LA311}")
    data_dir = tmp_path_factory.mktemp("gridsight-la311-us")
    from orchestration.dbt_project import prepare_manifest

    prepare_manifest()
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data_dir), "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY,
           **LA_DEPLOYMENT}
    env.pop("GRIDSIGHT_TODAY", None)
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "import", "csv", "--mapping", "la311",
                           str(LA311), "--materialize"], env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    write_test_users(data_dir)
    return RealSample(data_dir, LA311, done.stdout)


@pytest.fixture(scope="session")
def la311(la311_us) -> RealSample:
    """The real LA 311 sample's row accounting and pages: the `la311_us` world (one import and materialization
    of the sample serves both; nothing the `la311` tests assert depends on the region). A test that opens the
    pages on it sets `LA_DEPLOYMENT` as the deployment would."""
    return la311_us


# The LA district: the city's neighbourhoods imported as its grids, then the sample placed in them (mapping
# la311_neighbourhoods) with the city's own request types as district categories (`LA_CODES`: their SLAs and
# zh/en labels) and a due-date and an SLA column of its own (rows DUE_ROW, SLA_ROW, 1-based in file order).
LA_NEIGHBOURHOODS = REALDATA / "los_angeles_neighborhoods_latimes.geojson"
LA_CODES = {
    "categories": {
        "sanitation/bulky_items": {"l1_name_en": "Sanitation", "l1_name_zh": "环卫", "l2_name_en": "Bulky item pickup",
                                   "l2_name_zh": "大件预约清运", "sla_accept_hours": 24, "sla_resolve_hours": 120},
        "sanitation/e_waste": {"l2_name_en": "Electronic waste", "l2_name_zh": "电子垃圾",
                               "sla_resolve_hours": 96},   # the level's names come from bulky_items
        "sanitation/appliances": {"l2_name_en": "Metal and appliances", "sla_resolve_hours": 96},   # no zh label
    },
    "channels": {"council_office": {"name_en": "Council office", "name_zh": "议员办公室"}},
}
DUE_ROW, SLA_ROW = 1, 2


@dataclass
class LADistrict:
    data_dir: Path
    rows: list[dict]      # the export's rows as imported: the sample's, with the columns `due` and `sla`
    grids_output: str     # `gridsight import grids` on the neighbourhoods
    import_output: str    # `gridsight import csv --materialize` on the export


def _gridsight(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data_dir), "GRIDSIGHT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", *args], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def write_la_codes_export(work: Path, base: str, codes: dict) -> tuple[Path, Path, list[dict]]:
    """The LA 311 sample as a district with its own codes: the shipped mapping `base` plus `codes`, the request
    types as district categories and a due-date and an SLA column (rows DUE_ROW, SLA_ROW); the mapping, the
    export and its rows."""
    import csv

    import yaml

    from data_contracts.importers.mapping import MAPPINGS

    spec = yaml.safe_load((MAPPINGS / f"{base}.yaml").read_text(encoding="utf-8"))
    spec["codes"] = codes
    spec["categories"].update({"Bulky Items": "sanitation/bulky_items", "Electronic Waste": "sanitation/e_waste",
                               "Metal/Household Appliances": "sanitation/appliances"})
    spec["channels"]["Council's Office"] = "council_office"
    spec["columns"].update({"due_at": "due", "sla_hours": "sla"})
    mapping = work / "la_district.yaml"
    mapping.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with open(LA311, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=1):
        row["due"], row["sla"] = "", ""
        if i == DUE_ROW:   # due one hour after its report: a late close is not on time
            created = dt.datetime.strptime(row["createddate"], "%m/%d/%y %H:%M")
            row["due"] = (created + dt.timedelta(hours=1)).strftime("%m/%d/%y %H:%M")
        if i == SLA_ROW:
            row["sla"] = "10000"
    export = work / "la311_with_due.csv"
    with open(export, "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    return mapping, export, rows


@pytest.fixture(scope="session")
def la_district(tmp_path_factory) -> LADistrict:
    """`gridsight import grids` on the LA neighbourhoods, then `gridsight import csv --materialize` of the sample
    with its due and SLA columns through la311_neighbourhoods plus `LA_CODES` (the product's default region): one
    world for integration/test_realdata_boundaries.py and integration/test_district_codes_pipeline.py."""


    from orchestration.dbt_project import prepare_manifest

    for path in (LA_NEIGHBOURHOODS, LA311):
        if not path.exists():
            pytest.skip(f"real sample not found at {path}")
    prepare_manifest()
    work = tmp_path_factory.mktemp("gridsight-la-district")
    mapping, export, rows = write_la_codes_export(work, "la311_neighbourhoods", LA_CODES)
    data_dir = work / "data"
    grids = _gridsight(data_dir, "import", "grids", str(LA_NEIGHBOURHOODS), "--mapping", "la_neighbourhoods",
                       "--valid-from", "2020-01-01")
    cases = _gridsight(data_dir, "import", "csv", "--mapping", str(mapping), str(export), "--materialize")
    write_test_users(data_dir)
    return LADistrict(data_dir, rows, grids, cases)


# Each session world, and the xdist group its tests run in: `la311` is `la311_us`, so one group builds it once.
SESSION_WORLDS = {"world": "world", "la311": "la311_us", "la311_us": "la311_us", "la_district": "la_district"}


@pytest.hookimpl(tryfirst=True)   # before xdist's worker hook, which appends each test's group to its id
def pytest_collection_modifyitems(items):
    """A test that needs a session-built world is slow, marked in its file or not: `-m "not slow"` never
    builds one. Under pytest-xdist (`make test` runs two workers, `--dist loadgroup`) the tests of one world
    run on one worker, so each world is built once, and so do a slow module's tests (its module fixtures)."""
    for item in items:
        worlds = sorted(SESSION_WORLDS.keys() & set(getattr(item, "fixturenames", ())))
        if worlds:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group(SESSION_WORLDS[worlds[0]]))
        elif item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))

"""`gridsight bench --devices`: the device telemetry ingest and the device marts at the demo volume and at
10× and 100×, each against the floor — DuckDB loading the same telemetry files with `read_csv` into a table.
Written to the `devices` section of bench/results/<date>-<scale>.json (see bench/README.md).

The volumes are made without simulating a city: the device source is simulated once at demo volume (or the
data folder's landing/devices is used) and scaled by replicating the fleet — every copy's device and
household ids get a suffix (`-c1`, `-c2`, …), the days stay the same — written with DuckDB's COPY."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from gridsight.settings import DBT_PROJECT_DIR, REPO
from orchestration.bench_imports import peak_tree_rss

FACTORS = (1, 10, 100)
GOAL = {"factor": 100, "ratio": 3.0}   # item 9 of the devices issue: ingest within 3× of the floor at 100×
FILES = ("registry.csv", "telemetry.csv", "alarm_actions.csv", "welfare_outcomes.csv")
# the ids a copy of the fleet renames (a household's devices and outcomes stay together)
SUFFIXED = {"registry.csv": ("device_id", "household_id"), "telemetry.csv": ("device_id",),
            "alarm_actions.csv": ("device_id",), "welfare_outcomes.csv": ("household_id",)}
# the device models (dbt paths): staging, intermediate and marts of the devices domain
DEVICE_MODELS = ("path:models/staging/devices", "path:models/intermediate/devices", "path:models/marts/devices")
OTHER_SOURCES = ("grids", "population", "incidents", "foot_traffic")   # empty, so the upstream models build


# --- the device source at demo volume and its copies ---------------------------------------------------------

def simulate_source(folder: Path, config=None, progress=print) -> Path:
    """The demo world's device source (registry, telemetry, actions, outcomes; `WorldConfig` default, 730 days
    ending yesterday) written as `simulate` writes it, without the rest of the city; returns its landing folder."""
    import numpy as np

    from gridsight.settings import today
    from orchestration.cli import DEMO_DAYS
    from simulator import devices, population
    from simulator.core import Landing, WorldConfig
    from simulator.world import build_world

    if config is None:
        end = today() - dt.timedelta(days=1)
        config = WorldConfig(start=end - dt.timedelta(days=DEMO_DAYS - 1), end=end)
    progress(f"[bench] simulating the device source of the demo world ({config.device_days} device days) …")
    rng = np.random.default_rng(config.seed)
    grids, _ = build_world(rng, config.streets, config.communities, config.grid_rows, config.grid_cols)
    register = population.generate(np.random.default_rng([config.seed, 1]), grids, config.start, config.end)
    fleet = devices.generate(np.random.default_rng([config.seed, 3]), grids, register, config.start, config.end,
                             config.device_days)
    landing = Landing(Path(folder) / "landing", config)
    landing.write("devices", "registry.csv", fleet.registry)
    landing.write("devices", "telemetry.csv", fleet.telemetry, flagged="bad")
    landing.write("devices", "alarm_actions.csv", fleet.actions)
    landing.write("devices", "welfare_outcomes.csv", fleet.outcomes)
    return Path(folder) / "landing" / "devices"


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scale_source(base: Path, landing: Path, factor: int) -> dict[str, int]:
    """Write `factor` copies of the fleet of `base` (a landing/devices folder) to `landing`/devices: the same
    days and files, copy k > 0 with `-c<k>` after every non-empty device and household id. Returns the rows
    written per file name."""
    import duckdb

    rows = dict.fromkeys(FILES, 0)
    con = duckdb.connect()
    try:
        for day in sorted(Path(base).glob("dt=*")):
            target = Path(landing) / "devices" / day.name
            target.mkdir(parents=True, exist_ok=True)
            for name in FILES:
                source = day / name
                if not source.exists():
                    continue
                header = _header(source)
                renamed = set(SUFFIXED[name])
                select = ", ".join(
                    f"case when k = 0 or trim(coalesce({_quoted(c)}, '')) = '' then {_quoted(c)} "
                    f"else {_quoted(c)} || '-c' || k end as {_quoted(c)}" if c in renamed else _quoted(c)
                    for c in header)
                columns = "{" + ", ".join(f"{_sql_text(c)}: 'VARCHAR'" for c in header) + "}"
                con.execute(
                    f"copy (select {select} from read_csv({_sql_text(str(source))}, header = true, delim = ',', "
                    f"quote = '\"', escape = '\"', auto_detect = false, columns = {columns}), "
                    f"range({int(factor)}) copies(k)) to {_sql_text(str(target / name))} (header, delimiter ',')")
                rows[name] += con.execute(
                    f"select count(*) from read_csv({_sql_text(str(target / name))}, header = true, "
                    f"auto_detect = false, columns = {columns}, quote = '\"', escape = '\"')").fetchone()[0]
    finally:
        con.close()
    return rows


def base_source(data_dir: Path, work: Path, progress=print) -> Path:
    """The data folder's landing/devices when it has telemetry, else the device source simulated into `work`."""
    own = Path(data_dir) / "landing" / "devices"
    if any(own.glob("dt=*/telemetry.csv")):
        progress(f"[bench] device source: {own}")
        return own
    return simulate_source(work / "base", progress=progress)


# --- the three measurements, each a process of its own (its peak memory is that of its process tree) ---------

def _measure(command: list[str], env: dict, log: Path) -> dict:
    began = time.monotonic()
    with open(log, "a", encoding="utf-8") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        peak = peak_tree_rss(psutil.Process(proc.pid), proc)
    seconds = time.monotonic() - began
    if proc.returncode:
        tail = log.read_text(encoding="utf-8").strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(command[:4])} … failed (exit {proc.returncode}): {' / '.join(tail)}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak)}


def _in_process(measured: dict, seconds: Path) -> dict:
    """`seconds`: the step itself, timed in its process (after Python and the product's modules started);
    `process_s`: the whole process."""
    return {**measured, "process_s": measured["seconds"], "seconds": round(float(seconds.read_text()), 2)}


def _step(step: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.bench_devices", step, *args]


def _dbt(*args: str, target: Path) -> list[str]:
    from orchestration.dbt_project import DBT_EXECUTABLE

    return [DBT_EXECUTABLE, *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target / "logs")]


def telemetry_files(landing: Path) -> list[Path]:
    return sorted((Path(landing) / "devices").glob("dt=*/telemetry.csv"))


def days_of(landing: Path) -> tuple[dt.date, dt.date]:
    days = sorted(dt.date.fromisoformat(p.name.removeprefix("dt=")) for p in (Path(landing) / "devices").glob("dt=*"))
    return days[0], days[-1]


def floor_load(database: Path, files: list[Path]) -> int:
    """The floor: a fresh DuckDB file, every telemetry file loaded with read_csv into one table; its rows."""
    import duckdb

    con = duckdb.connect(str(database))
    try:
        con.execute("create table t as select * from read_csv(?, header = true)", [[str(f) for f in files]])
        return con.execute("select count(*) from t").fetchone()[0]
    finally:
        con.close()


def ingest_devices(data_dir: Path, start: dt.date, end: dt.date) -> None:
    """The product's ingest of the device source, as the daily run calls it (contracts, quarantine,
    de-duplication, meta.ingest_log), into the data folder's warehouse."""
    from gridsight.settings import Paths
    from orchestration.defs.resources import GridsightData, Warehouse
    from orchestration.ingest import ingest_source

    paths = Paths(Path(data_dir))
    key = GridsightData().pseudonym_key()
    began = time.monotonic()
    loads = ingest_source(Warehouse(path=str(paths.warehouse)), paths.landing, "devices", start, end, key)
    (Path(data_dir) / "ingest.seconds").write_text(f"{time.monotonic() - began:.3f}")
    for load in loads:
        print(f"{load.table}: {load.rows_in:,} in, {load.rows_loaded:,} loaded, {load.rows_quarantined:,} "
              f"quarantined, {load.rows_deduplicated:,} de-duplicated", flush=True)


def prepare_others(data_dir: Path, start: dt.date, end: dt.date) -> None:
    """Empty raw tables of the other sources (no landing files), so the models the device marts read build."""
    from gridsight.settings import Paths
    from models_ml.calendar import deployment_calendar
    from orchestration.defs.calendar.assets import COLUMNS
    from orchestration.defs.resources import GridsightData, Warehouse
    from orchestration.ingest import ingest_source

    paths = Paths(Path(data_dir))
    key = GridsightData().pseudonym_key()
    warehouse = Warehouse(path=str(paths.warehouse))
    for source in OTHER_SOURCES:
        ingest_source(warehouse, paths.landing, source, start, end, key)
    days = deployment_calendar()[COLUMNS]  # noqa: F841 (read by DuckDB by name): the calendar asset's table
    with warehouse.connect() as con:
        con.execute("create or replace table raw.calendar as select cast(date as date) as date, is_workday, "
                    "is_holiday, is_adjusted_workday, holiday, source, region from days")


def ingest_counts(warehouse: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows_in, loaded, quarantined, deduplicated = con.execute(
            "select sum(rows_in), sum(rows_loaded), sum(rows_quarantined), sum(rows_deduplicated) "
            "from meta.ingest_log where table_name = 'device_telemetry'").fetchone()
        raw = con.execute("select count(*) from raw.device_telemetry").fetchone()[0]
        held = con.execute("select count(*) from quarantine.device_telemetry").fetchone()[0]
    finally:
        con.close()
    return {"rows_in": int(rows_in), "rows_loaded": int(loaded), "rows_quarantined": int(quarantined),
            "rows_deduplicated": int(deduplicated), "raw_rows": int(raw), "quarantine_rows": int(held)}


def bench_factor(base: Path, factor: int, work: Path, progress=print) -> dict:
    """One factor in a fresh data folder: the source scaled, the floor, the ingest and the device marts."""
    data_dir = work / "data"   # the same path for every factor (dbt's partial parse stays valid), fresh each time
    shutil.rmtree(data_dir, ignore_errors=True)
    landing = data_dir / "landing"
    began = time.monotonic()
    written = scale_source(base, landing, factor)
    progress(f"[bench] {factor}×: {written['telemetry.csv']:,} telemetry rows written in "
             f"{time.monotonic() - began:.0f} s")
    files = telemetry_files(landing)
    start, end = days_of(landing)
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data_dir)}
    env.pop("GRIDSIGHT_USER", None)
    log = work / f"{factor}x.log"
    floor_db = work / "floor.duckdb"
    floor_db.unlink(missing_ok=True)
    floor = _in_process(_measure(_step("floor", str(floor_db), *map(str, files)), env, log), work / "floor.seconds")
    floor_rows = int((work / "floor.rows").read_text())
    floor_db.unlink(missing_ok=True)
    progress(f"[bench] {factor}×: floor {floor['seconds']} s")
    ingest = _in_process(_measure(_step("ingest", str(data_dir), start.isoformat(), end.isoformat()), env, log),
                         data_dir / "ingest.seconds")
    counts = ingest_counts(data_dir / "warehouse.duckdb")
    progress(f"[bench] {factor}×: ingest {ingest['seconds']} s")
    target = work / "dbt-target"
    _measure(_step("others", str(data_dir), start.isoformat(), end.isoformat()), env, log)
    # everything the device marts read (dates, incidents, seeds; the reporting period and the incidents read
    # device models too), untimed: their upstream but for the marts and what reads a mart (the welfare checks
    # read the state intervals); then the device models alone, timed
    _measure(_dbt("build", "--select", "+path:models/marts/devices", "--exclude", "path:models/marts/devices+",
                  "--resource-type", "seed", "--resource-type", "model", "--resource-type", "snapshot",
                  target=target), env, log)
    marts = _measure(_dbt("build", "--select", *DEVICE_MODELS, target=target), env, log)
    progress(f"[bench] {factor}×: device marts {marts['seconds']} s")
    rows = written["telemetry.csv"]
    return {"rows": rows, "files": len(files), "floor_rows": floor_rows,
            "floor": {**floor, "rows_per_s": round(rows / floor["seconds"])},
            "ingest": {**ingest, "rows_per_s": round(rows / ingest["seconds"]), **counts},
            "marts": {**marts, "rows_per_s": round(rows / marts["seconds"])},
            "ratio": round(ingest["seconds"] / floor["seconds"], 2),
            "marts_ratio": round(marts["seconds"] / floor["seconds"], 2)}


def table(results: dict) -> str:
    lines = [f"{'factor':>6} {'rows':>12} {'floor s':>8} {'ingest s':>9} {'ratio':>6} {'rows/s':>10} "
             f"{'marts s':>8} {'marts×':>7} {'floor MiB':>9} {'ingest MiB':>10} {'marts MiB':>9}"]
    for name, r in results.items():
        lines.append(f"{name:>6} {r['rows']:>12,} {r['floor']['seconds']:>8.1f} {r['ingest']['seconds']:>9.1f} "
                     f"{r['ratio']:>6.2f} {r['ingest']['rows_per_s']:>10,} {r['marts']['seconds']:>8.1f} "
                     f"{r['marts_ratio']:>7.2f} {r['floor']['peak_rss_mib']:>9,} {r['ingest']['peak_rss_mib']:>10,} "
                     f"{r['marts']['peak_rss_mib']:>9,}")
    goal = results.get(f"{GOAL['factor']}x")
    if goal:
        lines.append(f"goal: ingest within {GOAL['ratio']:g}× of the floor at {GOAL['factor']}×: "
                     f"{'yes' if goal['ratio'] <= GOAL['ratio'] else 'NO'} ({goal['ratio']}×)")
    return "\n".join(lines)


def run(results_dir: Path, scale: str, data_dir: Path, factors: list[int], progress=print,
        work: Path | None = None) -> Path:
    """Measure every factor and merge the figures into the day's results file (its other sections stay), after
    each factor: a long run that is stopped keeps the factors it finished."""
    from orchestration.bench import machine, write_results

    path = results_dir / f"{dt.date.today().isoformat()}-{scale}.json"
    measured = {}
    with tempfile.TemporaryDirectory(prefix="gridsight-bench-devices-", dir=work) as folder:
        host = machine()
        base = base_source(data_dir, Path(folder), progress)
        for factor in factors:
            measured[f"{factor}x"] = bench_factor(base, factor, Path(folder), progress)
            earlier = json.loads(path.read_text(encoding="utf-8")).get("devices", {}) if path.exists() else {}
            kept = {**earlier.get("factors", {}), **measured}   # a run of some factors keeps the day's others
            kept = dict(sorted(kept.items(), key=lambda kv: int(kv[0].removesuffix("x"))))
            write_results(path, {"devices": {"machine": host, "goal": GOAL, "factors": kept}})
    progress(table(measured))
    progress(f"[bench] wrote {path}")
    return path


def main(argv: list[str]) -> None:
    """The steps run in a process of their own: floor DB FILES… | ingest DATA START END | others DATA START END."""
    step, *args = argv
    if step == "floor":
        database, *files = args
        began = time.monotonic()
        rows = floor_load(Path(database), [Path(f) for f in files])
        (Path(database).parent / "floor.seconds").write_text(f"{time.monotonic() - began:.3f}")
        (Path(database).parent / "floor.rows").write_text(str(rows))
    elif step == "ingest":
        ingest_devices(Path(args[0]), dt.date.fromisoformat(args[1]), dt.date.fromisoformat(args[2]))
    elif step == "others":
        prepare_others(Path(args[0]), dt.date.fromisoformat(args[1]), dt.date.fromisoformat(args[2]))
    else:
        raise SystemExit(f"unknown step {step!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

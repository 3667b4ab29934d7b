"""`gridsight bench --imports`: how long a district's own export takes from file to published dashboard, and
how much memory it needs, measured as a new user would run it: `gridsight import csv FILE --mapping M
--materialize` in a fresh data folder (import, ingest, dbt, publish). Written to the `imports` section of
bench/results/<date>-<scale>.json (see bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from gridsight.settings import REPO

GOAL = {"rows": 10_000, "wall_s": 60.0, "peak_rss_mib": 1024.0}   # issue 15: a 10 k-row export, < 60 s, < 1 GB
SAMPLE_EVERY_S = 0.05


@dataclass(frozen=True)
class Export:
    name: str
    file: Path
    mapping: str      # a path, or a shipped mapping's name
    rows: int
    goal: bool = False   # the export the goal is set for (about 10 k rows)


def peak_tree_rss(process: psutil.Process, proc: subprocess.Popen) -> float:
    """Wait for `proc`; the largest sum of resident memory of it and all its descendants seen, in MiB."""
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for member in tree:
            try:
                total += member.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        peak = max(peak, total)
        time.sleep(SAMPLE_EVERY_S)
    proc.wait()
    return peak / 2**20


def measure(command: list[str], env: dict, log: Path) -> dict:
    """Run `command` to the end; its wall time, peak memory (the whole process tree) and exit code."""
    began = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        peak = peak_tree_rss(psutil.Process(proc.pid), proc)
    return {"wall_s": round(time.monotonic() - began, 1), "peak_rss_mib": round(peak), "returncode": proc.returncode}


def bench_import(export: Export, work: Path) -> dict:
    """One export imported and published in a data folder of its own."""
    data_dir = work / export.name
    data_dir.mkdir(parents=True)
    env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(data_dir)}
    env.pop("GRIDSIGHT_USER", None)
    log = work / f"{export.name}.log"
    result = measure([sys.executable, "-m", "orchestration.cli", "import", "csv", str(export.file), "--mapping",
                      export.mapping, "--materialize"], env, log)
    published = (data_dir / "serving" / "CURRENT").exists()
    if result["returncode"] or not published:
        tail = log.read_text(encoding="utf-8").strip().splitlines()[-3:]
        raise RuntimeError(f"{export.name}: not published (exit {result['returncode']}): {' / '.join(tail)}")
    return {"rows": export.rows, "mapping": export.mapping, "goal": export.goal,
            **{k: v for k, v in result.items() if k != "returncode"}}


def meets_goal(figures: dict) -> bool | None:
    """Whether the goal's export met it (None for the others: they are measured, not judged)."""
    if not figures.get("goal"):
        return None
    return figures["wall_s"] < GOAL["wall_s"] and figures["peak_rss_mib"] < GOAL["peak_rss_mib"]


def run_all(exports: list[Export], work: Path, progress=print) -> dict:
    """Each export imported and published in its own data folder under `work`."""
    results = {}
    for export in exports:
        progress(f"[bench] importing and publishing {export.name} ({export.rows:,} rows) …")
        results[export.name] = bench_import(export, work)
        progress(f"[bench] {export.name}: {results[export.name]['wall_s']} s, "
                 f"{results[export.name]['peak_rss_mib']} MiB")
    return results


def table(results: dict) -> str:
    rows = [f"{'export':<24} {'rows':>9} {'wall s':>8} {'peak MiB':>9}  goal (10 k rows < 60 s, < 1 GiB)"]
    for name, r in results.items():
        goal = meets_goal(r)
        rows.append(f"{name:<24} {r['rows']:>9,} {r['wall_s']:>8.1f} {r['peak_rss_mib']:>9,}  "
                    f"{'-' if goal is None else 'yes' if goal else 'NO'}")
    return "\n".join(rows)


LA311 = "la311_2020-01_seed_hackforla.csv"


SYNTHETIC = {"rows": 100_000, "years": 15, "grids": 700}   # issue 15: a synthetic 15-year, 100 k-row export


def exports(realdata: Path, work: Path) -> list[Export]:
    """The exports measured: the real LA 311 sample (the goal's 10 k rows) and a synthetic 15-year export of
    100 k requests over 700 cells in the same shape (simulator/export.py), both through the la311 mapping."""
    from simulator.export import synthetic_export

    la = realdata / LA311
    if not la.exists():
        raise RuntimeError(f"the real LA 311 sample is not at {la} (set --realdata or GRIDSIGHT_REALDATA)")
    rows = sum(1 for _ in open(la, encoding="utf-8")) - 1
    synthetic = synthetic_export(work / "synthetic_15y_100k.csv", **SYNTHETIC)
    return [Export("la311_2020_sample", la, "la311", rows, goal=True),
            Export("synthetic_15y_100k", synthetic, "la311", SYNTHETIC["rows"])]


def run(results_dir: Path, scale: str, realdata: Path, progress=print) -> Path:
    """Measure every export and merge the figures into the day's results file."""
    import datetime as dt

    from orchestration.bench import machine, write_results

    with tempfile.TemporaryDirectory(prefix="gridsight-bench-imports-") as work:
        host = machine()
        measured = run_all(exports(realdata, Path(work)), Path(work), progress)
    path = results_dir / f"{dt.date.today().isoformat()}-{scale}.json"
    write_results(path, {"imports": {"machine": host, "goal": GOAL, "exports": measured}})
    progress(table(measured))
    progress(f"[bench] wrote {path}")
    return path

"""`gridsight` command line: simulate the demo world, materialize a date range, serve the dashboard."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

from dashboards.users import write_demo_users
from gridsight.settings import REPO, Paths, check_region_and_time, make_data_dir_private, today
from orchestration import docs_cli, users_cli

DEMO_DAYS = 730


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _default_range(args) -> tuple[dt.date, dt.date]:
    end = args.end or today() - dt.timedelta(days=1)
    start = args.start or end - dt.timedelta(days=args.days - 1)
    if start > end:
        raise SystemExit(f"start {start} is after end {end}")
    return start, end


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=_date, help="first day (YYYY-MM-DD); default: --days before --end")
    parser.add_argument("--end", type=_date, help="last day (YYYY-MM-DD); default: yesterday, district time")
    parser.add_argument("--days", type=int, default=DEMO_DAYS, help=f"days of history (default {DEMO_DAYS})")


def cmd_simulate(args) -> None:
    from simulator import WorldConfig, simulate

    start, end = _default_range(args)
    config = WorldConfig(start=start, end=end, seed=args.seed)
    if args.small:
        config = WorldConfig.small(start, end, seed=args.seed)
    began = time.monotonic()
    simulate(Paths.from_env().root, config, progress=lambda m: print(f"[simulate] {m}", flush=True))
    print(f"[simulate] done in {time.monotonic() - began:.0f}s", flush=True)


def cmd_materialize(args) -> None:
    from orchestration.dbt_project import prepare_manifest
    from orchestration.runner import blocked_by, materialize_range

    prepare_manifest()
    start, end = _default_range(args)
    began = time.monotonic()
    result = materialize_range(start, end, progress=lambda m: print(f"[materialize] {m}", flush=True),
                               raise_on_error=False)
    if not result.success:
        blocked = blocked_by(result)
        if blocked:   # one line per check that stopped the run; the dashboards keep the previous snapshot
            raise SystemExit("\n".join(f"[materialize] stopped: {line}" for line in blocked))
        raise SystemExit("[materialize] failed — see the step errors above")
    print(f"[materialize] done in {time.monotonic() - began:.0f}s", flush=True)


LOOPBACK, ALL_INTERFACES = "127.0.0.1", "0.0.0.0"


def dashboard_command(port: int, address: str = LOOPBACK) -> list[str]:
    """How the dashboard is served: on this machine only unless `address` names a LAN interface. Static
    serving is required: plotly's maps load their (empty) topojson from dashboards/static/, or draw
    nothing offline."""
    return [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboards" / "app.py"),
            "--server.address", address, "--server.port", str(port), "--server.headless", "true",
            "--server.enableStaticServing", "true", "--client.toolbarMode", "viewer",
            "--browser.gatherUsageStats", "false"]


def _add_bind(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8501)
    bind = parser.add_mutually_exclusive_group()
    bind.add_argument("--lan", action="store_const", dest="address", const=ALL_INTERFACES,
                      help="serve the LAN: listen on every interface (default: this machine only, 127.0.0.1)")
    bind.add_argument("--address", help="listen on this interface's address only (e.g. the LAN address)")
    parser.set_defaults(address=LOOPBACK)


def cmd_dashboard(args) -> None:
    os.environ.setdefault("GRIDSIGHT_DATA_DIR", str(Paths.from_env().root))
    where = {LOOPBACK: "this machine only", ALL_INTERFACES: "the LAN, on every interface"}.get(
        args.address, f"the LAN, on {args.address}")
    print(f"[dashboard] serving http://localhost:{args.port} to {where}", flush=True)
    os.execv(sys.executable, dashboard_command(args.port, args.address))


def reset_demo_world(paths: Paths) -> None:
    """The demo regenerates its world for the current dates; the previous demo world goes first so
    days of two different worlds never mix. Data that the simulator did not make is never removed."""
    if paths.landing.exists() and not (paths.root / "truth" / "summary.json").exists():
        raise SystemExit(f"{paths.landing} holds landing data that is not a demo world; "
                         "choose another --data-dir for the demo")
    for folder in (paths.landing, paths.root / "truth", paths.serving):
        shutil.rmtree(folder, ignore_errors=True)
    paths.warehouse.unlink(missing_ok=True)


DAGSTER_YAML = """\
# gridsight: one writer at a time for the warehouse pool (DuckDB has a single writer).
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def cmd_dagster(args) -> None:
    """Dagster's UI and daemon (the daily schedule) over data/dagster_home."""
    paths = Paths.from_env()
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    config = paths.dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    from orchestration.dbt_project import prepare_manifest

    prepare_manifest()
    dagster = str(Path(sys.executable).with_name("dagster"))
    os.execv(dagster, [dagster, "dev", "-m", "orchestration.definitions", "--port", str(args.port)])


def cmd_calendar(args) -> None:
    """The deployment's calendar (GRIDSIGHT_REGION and <data>/calendar/holidays.csv) for some years: its
    holidays and adjusted working days and what decided them; a bad holiday file ends with its one line."""
    from gridsight.settings import region
    from models_ml.calendar import CalendarError, calendar_frame

    try:
        frame = calendar_frame(dt.date(args.first_year, 1, 1), dt.date(args.last_year, 12, 31))
    except CalendarError as error:
        raise SystemExit(f"[calendar] {error}") from None
    print(f"[calendar] region {region()}, holiday file {Paths.from_env().holiday_file}")
    for year, days in frame.groupby(frame["date"].map(lambda d: d.year)):
        sources = ", ".join(f"{k} {v}" for k, v in days["source"].value_counts().items())
        print(f"[calendar] {year}: {int(days['is_holiday'].sum())} holidays, "
              f"{int(days['is_adjusted_workday'].sum())} adjusted working days ({sources})")
    if args.list:
        for row in frame[frame["is_holiday"] | frame["is_adjusted_workday"]].itertuples():
            what = row.holiday if row.is_holiday else "adjusted working day"
            print(f"{row.date}  {what}  ({row.source})")


IMPORT_SOURCES = ["open311", "csv", "incidents", "population", "devices", "foot-traffic", "grids"]
# a shipped mapping of each kind (data_contracts/mappings/), named when --mapping is missing
EXAMPLE_MAPPINGS = {"csv": "la311", "incidents": "la311", "population": "register_zh", "devices": "edinburgh_bins",
                    "foot-traffic": "melbourne_counts", "grids": "la_neighbourhoods"}
MELBOURNE_MAPPING = "melbourne_counts"   # data_contracts/mappings/melbourne_counts.yaml


def cmd_flow_backtest(args) -> None:
    """Rolling-origin backtest of the flow forecast vs seasonal naive: on a city's counts through a mapping
    (--counts FILE --mapping M; --melbourne FILE is the shipped Melbourne mapping)
    or on the warehouse's own zones. Prints the table and writes a CSV; a Melbourne backtest also reaches
    the foot-traffic page through ml.flow_backtest_melbourne and the mart_flow_backtest mart."""
    from orchestration import flow_ml
    from orchestration.defs.resources import Warehouse

    paths, warehouse = Paths.from_env(), Warehouse()
    began = time.monotonic()
    say = lambda m: print(f"[flow-backtest] {m}", flush=True)  # noqa: E731
    if args.melbourne or args.counts:
        from data_contracts.importers import foot_traffic
        from data_contracts.importers.mapping import MappingError

        # --melbourne is the shipped mapping of the City of Melbourne counts; --counts any city's, its mapping
        file, mapping = (args.melbourne, MELBOURNE_MAPPING) if args.melbourne else (args.counts, args.mapping)
        try:
            loaded = foot_traffic.load_mapping(mapping)
            series = foot_traffic.series(Path(file), loaded)
        except MappingError as exc:
            raise SystemExit(f"[flow-backtest] {file}: {exc}") from None
        dataset, calendar = ("melbourne" if args.melbourne else loaded.name), "weekday"
    else:
        if not warehouse.file.exists():
            raise SystemExit(f"no warehouse at {warehouse.file}: run `gridsight materialize` first, "
                             "or pass --melbourne")
        # the warehouse's own zones: ml.flow_backtest is the daily assets' table, so only the file is written
        series, dataset, calendar = flow_ml.zone_series(warehouse), "demo", "region"
    say(f"{dataset}: {series['zone_id'].nunique()} zones, {series['ts'].min()} … {series['ts'].max()}, "
        f"{int(series['count'].notna().sum()):,} hourly counts; {args.origins} origins {args.step_weeks} week(s) apart")
    result = flow_ml.backtest_table(series, dataset, calendar, args.origins, args.step_weeks, progress=say)
    out = Path(args.out) if args.out else paths.root / "reports" / f"flow_backtest_{dataset}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(out, index=False)
    print(result.to_string(index=False, float_format=lambda v: f"{v:.3f}"), flush=True)
    say(f"wrote {out} in {time.monotonic() - began:.0f}s")
    if args.melbourne and warehouse.file.exists():
        from orchestration.serving import NotPublished

        try:
            published = flow_ml.publish_melbourne_backtest(warehouse, result, progress=say)
        except NotPublished as refused:
            raise SystemExit(f"[flow-backtest] wrote ml.flow_backtest_melbourne, not published: {refused}") from None
        say("wrote ml.flow_backtest_melbourne")
        if published:
            say(f"published serving snapshot {published} (the foot-traffic page shows it)")


def cmd_demo(args) -> None:
    paths = Paths.from_env()
    reset_demo_world(paths)
    if write_demo_users(paths.users_file):
        print(f"[demo] demo users written to {paths.users_file} (user names and passwords: README)", flush=True)
    cmd_simulate(args)
    cmd_materialize(args)
    if not args.no_serve:
        cmd_dashboard(args)


def _import_grids(args, paths: Paths) -> tuple[str, str]:
    """A district's boundary file → the grids landing file of its valid-from day."""
    from data_contracts.importers.boundaries import BoundaryMapping, import_boundaries, parse_day
    from data_contracts.importers.mapping import MappingError

    try:
        mapping = BoundaryMapping.load(args.mapping)
        valid_from = parse_day(args.valid_from, "--valid-from") if args.valid_from else None
        result = import_boundaries(args.file, mapping, paths.landing, paths.imports, valid_from)
    except (MappingError, OSError) as exc:   # nothing of a failed import is left in the landing zone
        raise SystemExit(f"[import] {args.file}: nothing imported — {exc}") from None
    print(f"[import] {args.file}: {result.summary()}", flush=True)
    print(f"[import] landing files under {paths.landing}; manifest {paths.imports / (result.import_id + '.json')}",
          flush=True)
    return result.valid_from, result.valid_from


def _district_placer(paths: Paths):
    """The point-in-polygon placer over every grids file delivered so far, or None before the first."""
    from data_contracts.importers.placement import GridPlacer

    return GridPlacer.from_landing(paths.landing) if any(paths.landing.glob("grids/dt=*/grids.geojson")) else None


def cmd_import(args) -> None:
    """Real exports → canonical landing files (service requests also derive grids; a boundary file becomes the
    grids), optionally followed by a materialization of exactly the imported days."""
    from data_contracts.importers import open311, sources
    from data_contracts.importers.landing import import_frame, read_csv
    from data_contracts.importers.mapping import Mapping, MappingError

    paths = Paths.from_env()
    if args.format == "grids":
        _materialize_imported(args, paths, *_import_grids(args, paths))
        return
    if args.valid_from:
        raise SystemExit("[import] --valid-from is for import grids (the day a boundary file takes effect)")
    try:
        if args.format == "open311":
            frame, mapping = open311.read(args.file), open311.mapping(args.mapping, paths.codes)
            result = import_frame(frame, mapping, paths.landing, source=args.file, imports=paths.imports,
                                  codes=paths.codes)
        elif args.format in ("csv", "incidents"):
            frame, mapping = read_csv(args.file), Mapping.load(args.mapping, paths.codes)
            result = import_frame(frame, mapping, paths.landing, source=args.file, imports=paths.imports,
                                  codes=paths.codes)
        else:   # devices and counters with coordinates go into the district's grid polygons, when it has any
            result = sources.import_file(args.format, args.file, args.mapping, paths.landing, paths.imports,
                                         placer=_district_placer(paths))
    except (MappingError, OSError) as exc:   # nothing of a failed import is left in the landing zone
        raise SystemExit(f"[import] {args.file}: nothing imported — {exc}") from exc
    print(f"[import] {args.file}: {result.summary()}", flush=True)
    print(f"[import] landing files under {paths.landing}; manifest {paths.imports / (result.import_id + '.json')}",
          flush=True)
    # The imported days, and those of an import it replaced: their earlier rows leave the warehouse too.
    _materialize_imported(args, paths, *result.span)


def _materialize_imported(args, paths: Paths, first: str, last: str) -> None:
    """Run exactly the imported days through the pipeline (--materialize), or say how to."""
    if args.materialize:
        # Imported days may predate the default first partition: run with a partition calendar that starts there.
        env = {**os.environ, "GRIDSIGHT_DATA_DIR": str(paths.root),
               "GRIDSIGHT_PARTITIONS_START": min(first, os.environ.get("GRIDSIGHT_PARTITIONS_START", first))}
        print(f"[import] publishing {first} … {last}; should it stop, the landing files stay: fix what "
              f"[materialize] names and rerun GRIDSIGHT_PARTITIONS_START={first} gridsight materialize "
              f"--start {first} --end {last}", flush=True)
        # The import's frames are done with: the run replaces this process rather than waiting beside it.
        os.execve(sys.executable, [sys.executable, "-m", "orchestration.cli", "materialize", "--start", first,
                                   "--end", last], env)
    else:
        print(f"[import] next: GRIDSIGHT_PARTITIONS_START={first} gridsight materialize "
              f"--start {first} --end {last}", flush=True)


def cmd_hotspot_backtest(args) -> None:
    from orchestration.hotspot_cli import run

    points = args.points or args.chicago
    run(Path(points) if points else None, args.cell_m, args.weeks, Path(args.out) if args.out else None,
        mapping=args.mapping if args.points else "chicago_assaults")


def cmd_bench(args) -> None:
    from orchestration import bench

    if args.devices:
        from orchestration import bench_devices

        try:
            bench_devices.run(bench.RESULTS, args.scale, Paths.from_env().root, args.factor)
        except RuntimeError as failed:   # a step failed: its last log lines say why
            raise SystemExit(f"[bench] {failed}") from None
        return
    if args.imports:
        from orchestration import bench_imports

        try:
            bench_imports.run(bench.RESULTS, args.scale, Path(args.realdata))
        except RuntimeError as failed:   # an export was not published: its last log lines say why
            raise SystemExit(f"[bench] {failed}") from None
        return
    if args.scale != "demo":
        raise SystemExit("[bench] --scale city comes with issue 19 (the city-scale world); only demo is measured now")
    try:
        bench.run(Paths.from_env().root, args.scale, args.loads, args.pages)
    except RuntimeError as failed:   # the app could not be signed in to, or a page failed
        raise SystemExit(f"[bench] {failed}") from None


def main(argv: list[str] | None = None) -> None:
    try:
        check_region_and_time()
    except ValueError as error:   # a mistyped GRIDSIGHT_TIMEZONE or GRIDSIGHT_REGION: one line, nothing run
        raise SystemExit(f"[gridsight] {error}") from None
    parser = argparse.ArgumentParser(prog="gridsight", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: $GRIDSIGHT_DATA_DIR or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="write the demo world's landing files")
    _add_range(p)
    p.add_argument("--seed", type=int, default=1958)
    p.add_argument("--small", action="store_true", help="one street, three communities (for quick tries)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("materialize", help="ingest, transform and publish a range of days")
    _add_range(p)
    p.set_defaults(func=cmd_materialize)

    p = sub.add_parser("dashboard", help="serve the dashboard")
    _add_bind(p)
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("dagster", help="Dagster UI and daemon: schedules, runs, asset checks")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_dagster)

    p = sub.add_parser("calendar", help="the deployment's holidays and working days (GRIDSIGHT_REGION, holiday file)")
    p.add_argument("--first-year", type=int, default=today().year)
    p.add_argument("--last-year", type=int, default=today().year + 1)
    p.add_argument("--list", action="store_true", help="list every holiday and adjusted working day")
    p.set_defaults(func=cmd_calendar)

    p = sub.add_parser("flow-backtest", help="backtest the foot-traffic forecast (demo zones or a city's real counts)")
    given = p.add_mutually_exclusive_group()
    given.add_argument("--counts", metavar="FILE", help="any city's counts (long or wide CSV), read through --mapping")
    given.add_argument("--melbourne", metavar="FILE", help="melbourne_pedestrian_hourly_2015_2016_tsibble.csv "
                                                           f"(the same as --counts FILE --mapping {MELBOURNE_MAPPING})")
    p.add_argument("--mapping", help="foot-traffic mapping YAML for --counts (path, or a name under "
                                     "data_contracts/mappings/)")
    p.add_argument("--origins", type=int, default=12, help="forecast origins (default 12)")
    p.add_argument("--step-weeks", type=int, default=4, help="weeks between origins (default 4: a year, monthly)")
    p.add_argument("--out", help="CSV to write (default data/reports/flow_backtest_<dataset>.csv)")
    p.set_defaults(func=cmd_flow_backtest)

    p = sub.add_parser("demo", help="simulate, materialize and serve the dashboard")
    _add_range(p)
    p.add_argument("--seed", type=int, default=1958)
    p.add_argument("--small", action="store_true")
    _add_bind(p)
    p.add_argument("--no-serve", action="store_true", help="stop after materializing")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import a real export of any source through a mapping (data_contracts/README.md)")
    p.add_argument("format", choices=IMPORT_SOURCES,
                   help="open311: GeoReport v2 JSON/CSV; csv (or incidents): any service-request CSV; population: "
                        "a register export; devices: a device registry and/or telemetry; foot-traffic: counts, "
                        "long or wide; grids: the district's boundaries (GeoJSON, Shapefile or GeoPackage)")
    p.add_argument("file", type=Path)
    p.add_argument("--mapping", help="mapping YAML (path, or a name under data_contracts/mappings/, e.g. la311, "
                                     "la_neighbourhoods, edinburgh_bins, melbourne_counts); required except for "
                                     "open311, where it adds service codes")
    p.add_argument("--valid-from", help="grids: the day the boundaries take effect (YYYY-MM-DD; default: the "
                                        "mapping's valid_from, else yesterday); a changed area gets a new version then")
    p.add_argument("--materialize", action="store_true", help="then ingest, transform and publish the imported days")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("hotspot-backtest",
                       help="dispute hotspots: model vs baselines, rolling origin (warehouse or a city CSV)")
    city = p.add_mutually_exclusive_group()
    city.add_argument("--points", metavar="CSV", help="a city's incident export, read through --mapping (its "
                      "reported_at, lat and lon columns); default: the warehouse's disputes")
    city.add_argument("--chicago", metavar="CSV", help="preset: --points CSV --mapping chicago_assaults (columns date, "
                      "latitude, longitude), e.g. ../shared/realdata/chicago_aggravated_assaults_2010_2015.csv")
    p.add_argument("--mapping", help="the import mapping for --points (a path, or a name under "
                   "data_contracts/mappings/, e.g. la311)")
    p.add_argument("--cell-m", type=float, default=1000.0, help="cell size in metres for point data (default 1000)")
    p.add_argument("--weeks", type=int, default=52, help="backtest weeks (origins), at least 26 (default 52)")
    p.add_argument("--out", help="write the per-week metrics to this CSV")
    p.set_defaults(func=cmd_hotspot_backtest)
    docs_cli.add_parser(sub)
    users_cli.add_parser(sub)

    p = sub.add_parser("bench", help="benchmark the dashboard pages on the published snapshot (bench/README.md)")
    p.add_argument("--scale", choices=["demo", "city"], default="demo", help="the world measured (city: issue 19)")
    p.add_argument("--loads", type=int, default=20, help="timed loads per page after one warm-up (default 20)")
    p.add_argument("--pages", nargs="+", metavar="PAGE", help="only these pages (URL paths, e.g. cockpit audit_log)")
    p.add_argument("--imports", action="store_true", help="instead: import and publish real and synthetic exports, "
                   "each in a fresh data folder (wall time, peak memory)")
    p.add_argument("--devices", action="store_true", help="instead: device telemetry ingest and device marts at "
                   "--factor times the demo fleet, against DuckDB's read_csv of the same files")
    p.add_argument("--factor", type=int, nargs="+", default=[1, 10, 100], metavar="N",
                   help="--devices: the fleet sizes measured, in copies of the demo fleet (default 1 10 100)")
    p.add_argument("--realdata", default=os.environ.get("GRIDSIGHT_REALDATA", str(REPO.parent / "shared" / "realdata")),
                   help="folder of the real public samples (default: $GRIDSIGHT_REALDATA or ../shared/realdata)")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder (default: $GRIDSIGHT_DATA_DIR or ./data)")
    p.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    if args.command == "flow-backtest" and bool(args.counts) != bool(args.mapping):
        parser.error("flow-backtest: --counts FILE and --mapping M go together (e.g. --mapping melbourne_counts)")
    if args.command == "import" and args.format != "open311" and not args.mapping:
        parser.error(f"import {args.format} needs --mapping (e.g. --mapping {EXAMPLE_MAPPINGS[args.format]})")
    if args.command == "hotspot-backtest" and args.points and not args.mapping:
        parser.error("hotspot-backtest --points needs --mapping (e.g. --mapping la311)")
    if args.data_dir:
        os.environ["GRIDSIGHT_DATA_DIR"] = str(Path(args.data_dir).resolve())
    make_data_dir_private()   # inherited by what it starts (streamlit, dagster dev, dbt)
    args.func(args)


if __name__ == "__main__":
    main()

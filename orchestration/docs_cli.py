"""`gridsight docs`: the catalogue — dbt's docs of every model, column, personal-data tag and dashboard page —
built against the warehouse (so column types show) and served offline on localhost."""

from __future__ import annotations

import functools
import os
import subprocess
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gridsight.settings import DBT_PROJECT_DIR, Paths

DEFAULT_PORT = 8580


def build_docs(paths: Paths) -> Path:
    """dbt docs generate into <data>/docs. Usage stats stay off: with them on, dbt's page loads a tracker
    script from a CDN, which an offline site cannot reach."""
    if not paths.warehouse.exists():
        raise SystemExit(f"[docs] no warehouse at {paths.warehouse}: run `gridsight materialize` first")
    from orchestration.dbt_project import DBT_EXECUTABLE  # dagster-dbt: a few seconds, only for `docs`

    folder = paths.root / "docs"
    subprocess.run([DBT_EXECUTABLE, "--no-send-anonymous-usage-stats", "docs", "generate", "--quiet",
                    "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                    "--target-path", str(folder)],
                   env={**os.environ, "GRIDSIGHT_DATA_DIR": str(paths.root)}, check=True)
    return folder


def docs_server(folder: Path, port: int) -> ThreadingHTTPServer:
    """A static server over the generated docs, bound to localhost only (port 0: any free port)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def cmd_docs(args) -> None:
    folder = build_docs(Paths.from_env())
    if args.no_serve:
        print(f"[docs] built {folder / 'index.html'}", flush=True)
        return
    with docs_server(folder, args.port) as server:
        print(f"[docs] serving http://localhost:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def add_parser(sub) -> None:
    p = sub.add_parser("docs", help="build the dbt docs (the catalogue) and serve them on localhost")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--no-serve", action="store_true", help="build only")
    p.set_defaults(func=cmd_docs)

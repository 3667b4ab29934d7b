"""Write imported rows as landing files, one folder per day, like the simulator: `commit_import` is the
transaction every importer uses; `import_frame` maps a service-request export into incidents (and cell grids).

An import is a transaction. It gets an id (`20261201T172000-1a2b3c`) and a manifest,
`<data>/imports/<id>.json`: which source file (path, SHA-256, rows), which mapping, which landing files it
wrote with their rows, and the row counts. Its own rows stay next to the manifest (`imports/<id>/…`), so a
landing day file is the union of the imports that wrote that day (a later import wins on the same case).
Everything is first written to a staging folder; only when all of it is written are the landing files swapped
in (the files they replace are kept aside and put back if the swap fails), so a failed import leaves the
landing zone as it was. Re-importing a source file (the same path, or the same content) replaces its
earlier import: files only the earlier import wrote are removed, and its manifest says `replaced_by`.
The district codes a mapping's `codes:` section defines are added to `<data>/codes/` (checked against those
already there before anything is written) once the landing files are in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_contracts.codes import CodeError, CodeLists
from data_contracts.importers.areas import CellGrid
from data_contracts.importers.mapping import Mapping, MappingError, to_canonical, unmapped_summary
from data_contracts.importers.placement import CasePlacement, GridPlacer

# The key that identifies a row within each kind of landing file: a later import's row wins. The register
# has none: two imports of one day's register both stay (ingest quarantines a person twice as `duplicate`).
ROW_KEYS = {"cases.csv": ["case_id"], "events.csv": ["case_id", "seq"], "registry.csv": ["device_id"],
            "telemetry.csv": ["device_id", "ts", "event_type"], "zones.csv": ["zone_id"],
            "counts.csv": ["counter_id", "ts"]}


@dataclass(frozen=True)
class ImportResult:
    rows_read: int
    cases_written: int
    events_written: int
    grids_written: int
    first_day: str
    last_day: str
    files: int
    unmapped: dict = field(default_factory=dict)             # field → {source value: rows}
    unmapped_text: str = field(default="", compare=False)
    import_id: str = field(default="", compare=False)
    replaces: tuple[str, ...] = field(default=(), compare=False)
    # the days to ingest again: this import's and those of the imports it replaced (their rows must go)
    span: tuple[str, str] = field(default=("", ""), compare=False)
    # cases placed in delivered grids: read = placed_by_point + placed_by_name + outside_grids + no_location …
    placement: dict = field(default_factory=dict, compare=False)

    def summary(self) -> str:
        text = (f"import {self.import_id}: {self.rows_read:,} rows read → {self.cases_written:,} cases and "
                f"{self.events_written:,} events in {self.files} landing files, {self.grids_written:,} areas; "
                f"days {self.first_day} … {self.last_day} (rows the contracts reject are quarantined with their "
                "rule at ingest)")
        if self.replaces:
            text += f"; replaces import {', '.join(self.replaces)} of the same file"
        if self.unmapped_text:
            text += f"; values with no mapping — {self.unmapped_text}"
        if self.placement:
            p = self.placement
            text += (f"; areas: {p['placed_by_point']:,} placed by their point, {p['placed_by_name']:,} by their area "
                     f"name, {p['outside_grids']:,} outside every grid, {p['no_location']:,} without a location"
                     + "".join(f", {p[k]:,} {k.replace('_', ' ')}" for k in ("unknown_area_name", "ambiguous_area_name")
                               if p.get(k)))
        return text


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifests(imports: Path) -> list[dict]:
    manifests = []
    for path in sorted(imports.glob("*.json")) if imports.exists() else []:
        try:
            manifests.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return sorted(manifests, key=lambda m: m.get("created_at", ""))


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _merged(rel: str, parts: list[Path], out: Path) -> None:
    """The landing file `rel` as the union of the imports' parts (later parts win on the same row key)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if len(parts) == 1:
        shutil.copyfile(parts[0], out)
        return
    if rel.endswith(".geojson"):
        features: dict = {}
        for part in parts:
            for feature in json.loads(part.read_text(encoding="utf-8"))["features"]:   # one row per version
                props = feature["properties"]
                features[(props["grid_id"], str(props.get("valid_from") or ""))] = feature
        out.write_text(json.dumps({"type": "FeatureCollection", "features": list(features.values())},
                                  ensure_ascii=False), encoding="utf-8")
        return
    frame = pd.concat([read_csv(p) for p in parts], ignore_index=True)
    key = ROW_KEYS.get(Path(rel).name)
    if key:
        frame = frame.drop_duplicates(key, keep="last")
    frame.to_csv(out, index=False)


def _swap(landing: Path, staged: Path, paths: dict[str, bool], aside: Path) -> None:
    """Put the staged landing files in place (`paths[rel]` False: remove that landing file). Files replaced
    or removed are moved aside first and put back if anything fails, so the swap is all or nothing."""
    moved_aside, placed = [], []
    try:
        for rel in paths:
            target = landing / rel
            if target.exists():
                backup = aside / rel
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup)
                moved_aside.append(rel)
        for rel, keep in paths.items():
            if keep:
                target = landing / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged / rel, target)
                placed.append(rel)
    except BaseException:
        for rel in placed:
            (landing / rel).unlink(missing_ok=True)
        for rel in moved_aside:
            os.replace(aside / rel, landing / rel)
        raise
    for rel, keep in paths.items():      # day folders an earlier import alone had written
        folder = (landing / rel).parent
        if not keep and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()


@dataclass(frozen=True)
class Committed:
    """What `commit_import` did: the new import's id, the imports it replaced and the days they covered."""
    import_id: str
    replaces: tuple[str, ...]
    replaced_days: tuple[str, ...]


def source_identity(frame: pd.DataFrame, source: Path | str | None) -> tuple[str | None, str]:
    """The source file's resolved path and SHA-256 (or the frame's, for a frame with no file)."""
    if source is not None:
        return str(Path(source).resolve()), _sha256(Path(source).read_bytes())
    return None, _sha256(frame.to_csv(index=False).encode("utf-8"))


def commit_import(parts: list[tuple[str, Callable[[Path], None], int]], landing: Path, imports: Path, *,
                  source: tuple[str | None, str], rows_read: int, mapping: dict, rows: dict, days: list[str],
                  extra: dict | None = None) -> Committed:
    """Write one import as a transaction. `parts` are the landing files it writes: (path relative to the
    landing zone, a function writing it to a given path, rows). `source` is (path, sha256) of the source
    file: an active import of the same path or content is replaced. The manifest records `mapping`
    ({name, path}), `rows` (counts), `days` ([first, last]) and `extra` (e.g. unmapped values)."""
    landing, imports = Path(landing), Path(imports)
    source_path, source_sha = source
    now = dt.datetime.now(dt.UTC)
    import_id = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    part_root = imports / import_id
    staged = imports / f".staging-{import_id}"
    written: list[dict] = []
    try:
        for rel, writer, count in parts:
            path = part_root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            writer(path)
            written.append({"path": rel, "rows": count})
        active = [m for m in _read_manifests(imports) if not m.get("replaced_by")]
        replaced = [m for m in active if (source_path and m["source"].get("path") == source_path)
                    or m["source"].get("sha256") == source_sha]
        remaining = [m for m in active if m not in replaced]
        owners = [(imports / m["import_id"], {f["path"] for f in m["landing_files"]}) for m in remaining]
        owners.append((part_root, {f["path"] for f in written}))
        affected = {f["path"] for f in written} | {f["path"] for m in replaced for f in m["landing_files"]}
        paths = {}
        for rel in sorted(affected):
            owned_by = [root / rel for root, owned in owners if rel in owned]
            paths[rel] = bool(owned_by)
            if owned_by:
                _merged(rel, owned_by, staged / "landing" / rel)
        manifest = {
            "import_id": import_id, "created_at": now.isoformat(timespec="microseconds"),
            "source": {"path": source_path, "sha256": source_sha, "rows": rows_read},
            "mapping": mapping, "landing_files": written, "rows": rows, "days": days, **(extra or {}),
            "replaces": [m["import_id"] for m in replaced]}
        _swap(landing, staged / "landing", paths, staged / "aside")
    except BaseException:
        shutil.rmtree(part_root, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
        raise
    shutil.rmtree(staged, ignore_errors=True)
    _write_json(imports / f"{import_id}.json", manifest)
    for old in replaced:
        old["replaced_by"] = import_id
        _write_json(imports / f"{old['import_id']}.json", old)
        shutil.rmtree(imports / old["import_id"], ignore_errors=True)
    return Committed(import_id, tuple(m["import_id"] for m in replaced),
                     tuple(d for m in replaced for d in m.get("days", [])))


def import_frame(frame: pd.DataFrame, mapping: Mapping, landing: Path, source: Path | str | None = None,
                 imports: Path | None = None, codes: Path | None = None) -> ImportResult:
    """Map a source frame (all values text) and write incidents (and, for cell grids, grids) landing files,
    as one transaction with a manifest under `imports` (default: `imports/` next to `landing`). `source` is
    the file the frame was read from: importing it again replaces this import. The mapping is checked
    against the frame first (MappingError): nothing is written when it does not fit. The mapping's district
    codes join those in `codes` (default: `codes/` next to `landing`) once the landing files are in place."""
    landing = Path(landing)
    imports = Path(imports) if imports is not None else landing.parent / "imports"
    codes = Path(codes) if codes is not None else landing.parent / "codes"
    unmapped = mapping.check(frame)
    district = mapping.code_lists.district if mapping.code_lists else {}
    try:    # the folder's lists with the mapping's codes added: refused before anything is written
        code_lists = CodeLists.load(codes)
        for kind, rows in district.items():
            code_lists = code_lists.extended(kind, rows, f"mapping {mapping.name!r}: codes.{kind}")
    except CodeError as exc:
        raise MappingError(str(exc)) from exc
    grid = CellGrid(mapping.cell_degrees, mapping.area_prefix, mapping.area_name) if mapping.cell_degrees else None
    placing = None
    if mapping.area_grids == "landing":
        options = {"aliases": mapping.area_aliases, "drop_words": mapping.area_drop_words}
        try:
            placing = CasePlacement(GridPlacer.from_landing(landing, **options), mapping.area_name_column is not None)
        except ValueError:
            raise MappingError(f"mapping {mapping.name!r}: areas.grids: landing, but no grids are delivered under "
                               f"{landing / 'grids'}: import them first (gridsight import grids FILE --mapping M)"
                               ) from None
    cases, events = to_canonical(frame, mapping, grid_of=grid or placing)
    parts = []
    for name, part in (("cases.csv", cases), ("events.csv", events)):
        for day, rows in part.groupby("dt", sort=True):
            parts.append((f"incidents/dt={day:%Y-%m-%d}/{name}",
                          lambda p, rows=rows: rows.drop(columns="dt").to_csv(p, index=False), len(rows)))
    # events may come before their case's day (a close time before the report): the range covers them
    first, last = min(min(cases["dt"]), min(events["dt"])), max(max(cases["dt"]), max(events["dt"]))
    grids = 0
    if grid is not None:
        collection = grid.collection(min(cases["dt"]))
        grids = len(collection["features"])
        parts.append((f"grids/dt={min(cases['dt']):%Y-%m-%d}/grids.geojson",
                      lambda p: p.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8"), grids))
    committed = commit_import(
        parts, landing, imports, source=source_identity(frame, source), rows_read=len(frame),
        mapping={"name": mapping.name, "path": mapping.path}, days=[str(first), str(last)],
        rows={"read": len(frame), "cases": len(cases), "events": len(events), "areas": grids},
        extra={"unmapped": unmapped, **({"placement": placing.accounting()} if placing else {}),
               "codes": {kind: sorted(rows) for kind, rows in district.items() if rows}})
    if any(district.values()):
        code_lists.write(codes)
    days = [str(first), str(last), *committed.replaced_days]
    return ImportResult(len(frame), len(cases), len(events), grids, str(first), str(last), len(parts),
                        unmapped, unmapped_summary(mapping, unmapped), committed.import_id,
                        committed.replaces, (min(days), max(days)), placing.accounting() if placing else {})


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

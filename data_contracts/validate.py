"""Read a landing file, check it against its contract, split valid rows from quarantined ones, and
replace personal data. Every row read ends up in exactly one of the two outputs."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts import privacy
from data_contracts.geometry import coordinates, geojson_problem
from data_contracts.specs import (
    FUTURE_SLACK,
    MAX_AGE_YEARS,
    MAX_LATE_DAYS,
    FileContract,
    contracts_for,
    reading_ranges,
)

TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}
# A time ending in a UTC offset (Z, +08:00, -0500): landing times are the district's wall time
UTC_OFFSET = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"


class ContractError(ValueError):
    """The file as a whole breaks its contract (unreadable, wrong columns): nothing of it is loaded."""


@dataclass
class Checked:
    loaded: pd.DataFrame       # typed rows, personal columns replaced
    quarantined: pd.DataFrame  # rule, column, original values (personal data pseudonymized) as JSON
    rows_in: int
    # lineage (dt, _file) of the rows dropped as a repeat of the same message: rows in = loaded + quarantined
    # + de-duplicated
    deduplicated: pd.DataFrame | None = None

    @property
    def rows_deduplicated(self) -> int:
        return 0 if self.deduplicated is None else len(self.deduplicated)


def read_landing_file(path: Path, contract: FileContract) -> pd.DataFrame:
    """All values as strings ('' for empty), columns exactly as the contract names them."""
    return pd.DataFrame(read_landing_rows(path, contract), columns=list(contract.names), dtype=object)


def read_landing_rows(path: Path, contract: FileContract) -> list[list[str]]:
    """The rows of a landing file as lists of strings in the contract's column order. A file that breaks the
    contract as a whole (unreadable, not UTF-8, no header, other columns, a row longer than the header)
    raises ContractError. CSV files are read with the csv module: landing day files are small and many, and
    it reads one in a tenth of the time pandas takes."""
    path = Path(path)
    try:
        if path.suffix == ".geojson":
            collection = json.loads(path.read_text(encoding="utf-8"))
            records = [{**f["properties"], "geometry": json.dumps(f["geometry"]) if f.get("geometry") else None}
                       for f in collection["features"]]
            header = list(dict.fromkeys(k for r in records for k in r))
            body = [["" if r.get(k) is None else str(r[k]) for k in header] for r in records]
        else:
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.reader(f, strict=True)   # a quote left open is an error, not a field
                header = next(reader, None)
                if header is None:
                    raise ContractError(f"{path}: empty file (no header)")
                body = [row for row in reader if row]
    except UnicodeDecodeError as exc:
        raise ContractError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); "
                            "re-export as UTF-8 (GBK/GB18030 exports must be converted)") from exc
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError, csv.Error) as exc:
        raise ContractError(f"{path}: unreadable or truncated file: {exc}") from exc
    width = len(header)
    for number, row in enumerate(body, start=2):
        if len(row) > width:
            raise ContractError(f"{path}: unreadable or truncated file: line {number} has {len(row)} fields, "
                                f"the header {width}")
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    absent = [c.name for c in contract.columns if c.may_be_absent and c.name not in header]
    names = header + absent       # a column added later: files delivered before it leave it out
    missing = [c for c in contract.names if c not in names]
    extra = [c for c in names if c not in contract.names]
    if missing or extra:
        raise ContractError(f"{path}: columns differ from the {contract.table} contract — "
                            f"missing: {missing or 'none'}; unexpected: {extra or 'none'}")
    if len(set(header)) != width:
        raise ContractError(f"{path}: a column is named twice in the header: {header}")
    order = [names.index(c) for c in contract.names]
    padding = [""] * len(absent)
    return [[(row + padding)[i] for i in order] for row in body] if absent or order != list(range(width)) else body


def _cast(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Typed values and a mask of non-empty values that failed to parse."""
    present = values.str.strip() != ""
    if kind == "string":
        return values.where(present, None), pd.Series(False, index=values.index)
    if kind in ("integer", "double"):
        typed = pd.to_numeric(values.where(present), errors="coerce")
        bad = present & (typed.isna() | typed.abs().eq(np.inf))    # 'inf', '1e400': not a measurement
        typed = typed.where(~bad)
        if kind == "integer":
            # a fraction, or a whole number beyond BIGINT (1e30): unreadable as an integer, not a crash
            bad |= present & typed.notna() & ((typed % 1 != 0) | (typed.abs() >= 2.0 ** 63))
            typed = typed.where(~bad).astype("Int64")
        return typed, bad
    if kind == "boolean":
        lowered = values.str.strip().str.lower()
        typed = pd.Series(np.where(lowered.isin(TRUE), True, np.where(lowered.isin(FALSE), False, None)),
                          index=values.index, dtype=object)
        return typed, present & typed.isna()
    if kind in ("timestamp", "date"):
        # landing times are the district's wall time: a time with a UTC offset is refused, never mixed in
        offset = values.str.contains(UTC_OFFSET, regex=True, na=False) if kind == "timestamp" else False
        typed = pd.to_datetime(values.where(present & ~offset), errors="coerce", format="ISO8601")
        bad = present & typed.isna()
        return (typed.dt.date if kind == "date" else typed), bad
    raise ValueError(f"unknown column type {kind}")


def _protect(frame: pd.DataFrame, contract: FileContract, key: bytes) -> pd.DataFrame:
    """Replace every personal column by its pseudonyms and masks (the clear column is dropped), and mask
    the phone and ID numbers typed into free text."""
    out = frame.copy()
    for c in contract.columns:
        if c.free_text:
            out[c.name] = out[c.name].map(privacy.mask_free_text)
        if not c.pii:
            continue
        raw = out.pop(c.name).fillna("").astype(str)
        if c.pii == "name":
            out[f"{c.name}_mask"] = raw.map(privacy.mask_name)
        elif c.pii == "phone":
            out[f"{c.name}_key"] = raw.map(lambda v: privacy.pseudonym(key, "phone", v))
            out[f"{c.name}_mask"] = raw.map(privacy.mask_phone)
        elif c.pii == "id_number":
            parts = raw.map(privacy.id_parts)
            out[f"{c.name}_key"] = raw.map(lambda v: privacy.pseudonym(key, "id_number", v))
            out[f"{c.name}_region"] = parts.map(lambda p: p[0])
            out[f"{c.name}_birth_year"] = parts.map(lambda p: p[1]).astype("Int64")
            out[f"{c.name}_sex"] = parts.map(lambda p: p[2])
        elif c.pii == "plates":
            plates = raw.map(lambda v: [p for p in v.split(";") if p])
            out[f"{c.name}_keys"] = plates.map(
                lambda ps: ";".join(privacy.pseudonym(key, "plate", p) for p in ps) or None)
            out[f"{c.name}_masks"] = plates.map(lambda ps: ";".join(privacy.mask_plate(p) for p in ps) or None)
        elif c.pii == "birth_date":
            out[f"{c.name}_year"] = pd.to_numeric(raw.str[:4], errors="coerce").astype("Int64")
    return out[[name for name, _ in contract.warehouse_columns()]]


def _id_checksum_ok(value) -> bool:
    from data_contracts.privacy import id_check_character

    text = str(value).upper()
    return len(text) != 18 or not text[:17].isdigit() or id_check_character(text[:17]) == text[17]


def _record_rules(frame: pd.DataFrame, typed: pd.DataFrame, contract: FileContract,
                  references: dict[str, set[str]] | None) -> list[pd.DataFrame]:
    """Rules across fields and files: ID checksum, impossible birth dates, unknown references, and workflows
    that run backwards in time (a case with an event before it was reported: the case and all its events)."""
    out = []
    for order, c in enumerate(contract.columns):
        present = typed[c.name].notna()
        bad, rule = None, None
        if c.id_checksum:
            bad, rule = present & ~typed[c.name].map(_id_checksum_ok), "bad_checksum"
        elif c.birth_date:
            day = pd.to_datetime(frame["dt"]).dt.date if "dt" in frame else pd.Series(dt.date.today(), frame.index)
            birth = typed[c.name]
            too_old = day.map(lambda d: d.replace(year=d.year - MAX_AGE_YEARS, day=min(d.day, 28)))
            id_birth = next((typed[i.name].str[6:14] for i in contract.columns if i.id_checksum), None)
            stated = birth.map(lambda b: b.strftime("%Y%m%d") if pd.notna(b) else None)
            mismatch = (id_birth.notna() & (id_birth != stated)) if id_birth is not None else False
            bad, rule = present & ((birth > day) | (birth < too_old) | mismatch), "impossible_date"
        elif c.case_start and references is not None and "case_events" in references:
            earliest = frame["case_id"].map(references["case_events"])
            bad, rule = present & earliest.notna() & (pd.to_datetime(earliest) < typed[c.name]), "impossible_order"
        elif c.case_start_event and "case_id" in frame and "event_type" in frame:
            start = typed[c.name].where(frame["event_type"] == c.case_start_event).groupby(frame["case_id"]).min()
            before = typed[c.name] < frame["case_id"].map(start)
            backwards = set(frame.loc[before.fillna(False).astype(bool), "case_id"])
            bad, rule = frame["case_id"].isin(backwards), "impossible_order"
        elif c.polygon:
            bad, rule = frame[c.name].map(lambda t: bool(t.strip()) and geojson_problem(t) is not None), "bad_geometry"
        elif c.placed_from:
            _, _, located = coordinates(frame[c.placed_from[0]], frame[c.placed_from[1]])
            bad, rule = (frame[c.name].str.strip() == "") & located, "outside_grids"
        elif c.not_before:
            bad, rule = present & (typed[c.name] < typed[c.not_before]).fillna(False), "impossible_order"
        elif c.near_file_day and "dt" in frame:
            day = pd.to_datetime(frame["dt"])
            future = typed[c.name] > day + pd.Timedelta(days=1) + pd.Timedelta(FUTURE_SLACK)
            old = typed[c.name] < day - pd.Timedelta(days=MAX_LATE_DAYS)
            for bad_rows, name in ((future, "future_time"), (old, "too_old")):
                out.append(pd.DataFrame({"position": frame.index[(present & bad_rows).fillna(False).astype(bool)],
                                         "rule": name, "column_name": c.name, "order": order, "precedence": 0}))
        elif c.reading_of and references is not None and "device_types" in references:
            device_type = frame["device_id"].map(references["device_types"])
            ranges = reading_ranges()
            low = device_type.map({t: r[0] for t, r in ranges.items()}).astype(float).fillna(-np.inf)
            high = device_type.map({t: r[1] for t, r in ranges.items()}).astype(float).fillna(np.inf)
            value = pd.to_numeric(typed[c.name], errors="coerce")
            outside = (value < low) | (value > high)
            valued = frame["event_type"].isin(c.reading_of)
            bad, rule = present & valued & outside.fillna(False), "out_of_range"
        elif c.reference and references is not None:
            bad, rule = present & ~typed[c.name].isin(references.get(c.reference, set())), f"unknown_{c.reference}"
        if bad is not None:
            out.append(pd.DataFrame({"position": frame.index[bad.fillna(False).astype(bool)], "rule": rule,
                                     "column_name": c.name, "order": order, "precedence": 0}))
    return out


def _duplicates(frame: pd.DataFrame, typed: pd.DataFrame, contract: FileContract, failed) -> pd.DataFrame:
    """Later repeats, within one landing file, of a row's unique key among rows that pass every other rule."""
    keys = list(contract.unique_per_file or ())
    if not keys:
        return pd.DataFrame(columns=["position", "rule", "column_name", "order", "precedence"])
    file_key = [c for c in ("dt", "_file") if c in frame]
    candidates = pd.concat([frame[file_key], typed[keys]], axis=1)[~frame.index.isin(failed)]
    repeated = candidates.duplicated(file_key + keys, keep="first") & candidates[keys].notna().all(axis=1)
    return pd.DataFrame({"position": candidates.index[repeated], "rule": "duplicate", "column_name": keys[0],
                         "order": len(contract.columns), "precedence": 2})


def check(frame: pd.DataFrame, contract: FileContract, key: bytes,
          references: dict[str, set[str]] | None = None, deduplicate: bool = True) -> Checked:
    """Validate string rows against the contract: types are parsed here, then the Great Expectations
    suite checks the rest, then the rules across fields (ID checksum, birth dates, `references` such as
    the known grid ids) and duplicates within a file. A row's first broken rule (in column order) is its
    reason.

    Columns of `frame` that the contract does not name (lineage such as dt, _file, _row) pass through
    to both outputs unchanged. With `deduplicate=False` repeats of a message are loaded (the caller finds
    them among more rows: orchestration.ingest_sql).
    """
    from data_contracts.suites import failing_rows

    frame = frame.reset_index(drop=True)
    for c in contract.columns:   # a column added later, absent as in files delivered before it (read_landing_rows)
        if c.may_be_absent and c.name not in frame:
            frame[c.name] = ""
    lineage = [c for c in frame.columns if c not in contract.names]
    typed = pd.DataFrame(index=frame.index)
    failures = []
    for order, c in enumerate(contract.columns):
        values = frame[c.name]
        if c.pii in ("name", "phone", "id_number", "plates"):
            typed[c.name] = values.where(values.str.strip() != "", None)
            continue
        typed[c.name], bad_type = _cast(values, c.type)
        failures.append(pd.DataFrame({"position": frame.index[bad_type], "rule": f"invalid_{c.type}",
                                      "column_name": c.name, "order": order, "precedence": 0}))
    column_order = {c.name: i for i, c in enumerate(contract.columns)}
    suite_failures = failing_rows(typed, contract)
    failures.append(suite_failures.assign(order=suite_failures["column_name"].map(column_order), precedence=1))
    failures.extend(_record_rules(frame, typed, contract, references))
    failed = set(pd.concat(failures, ignore_index=True)["position"])
    failures.append(_duplicates(frame, typed, contract, failed))
    reasons = (pd.concat(failures, ignore_index=True).sort_values(["position", "order", "precedence"])
               .drop_duplicates("position").set_index("position"))
    bad = frame.index.isin(reasons.index)
    quarantined = frame.loc[bad, lineage].copy()
    if bad.any():
        original = _protect(frame.loc[bad, contract.names].where(frame.loc[bad, contract.names] != "", None),
                            contract, key)
        quarantined["rule"] = reasons.loc[quarantined.index, "rule"].to_numpy()
        quarantined["column_name"] = reasons.loc[quarantined.index, "column_name"].to_numpy()
        quarantined["original"] = [json.dumps({k: v for k, v in row.items() if pd.notna(v)}, ensure_ascii=False,
                                              default=str) for row in original.to_dict("records")]
    else:
        quarantined = quarantined.assign(rule=None, column_name=None, original=None)
    repeat = _repeats(typed, contract, bad) if deduplicate else np.zeros(len(frame), dtype=bool)
    keep = ~bad & ~repeat
    loaded = pd.concat([frame.loc[keep, lineage], _protect(typed[keep], contract, key)], axis=1)
    return Checked(loaded=loaded.reset_index(drop=True), quarantined=quarantined.reset_index(drop=True),
                   rows_in=len(frame), deduplicated=frame.loc[repeat, lineage].reset_index(drop=True))


def _repeats(typed: pd.DataFrame, contract: FileContract, bad: np.ndarray) -> np.ndarray:
    """Valid rows that repeat an earlier valid row on every de-duplication column (the same message twice)."""
    repeat = np.zeros(len(typed), dtype=bool)
    keys = list(contract.deduplicate_on or ())
    if keys:
        repeat[~bad] = typed.loc[~bad, keys].duplicated(keep="first").to_numpy()
    return repeat


def known_grid_ids(landing: Path) -> set[str]:
    """Every grid id any delivered grids file names: the reference other sources' grid_id must be in (ingest)
    and what an import warns about before it is published (importers)."""
    (grids,) = contracts_for("grids")
    ids: set[str] = set()
    for path in sorted((Path(landing) / grids.source).glob(f"dt=*/{grids.filename}")):
        try:
            ids |= set(read_landing_file(path, grids)["grid_id"])
        except ContractError:
            continue   # a broken grids file is reported by the grids ingest itself
    return ids - {""}


def known_devices(landing: Path) -> dict[str, str]:
    """Every device id any delivered registry file names, with its device type (the latest file's): the
    reference telemetry and duty-room actions must name, and the type a reading's range comes from."""
    registry = next(c for c in contracts_for("devices") if c.table == "device_registry")
    types: dict[str, str] = {}
    for path in sorted((Path(landing) / registry.source).glob(f"dt=*/{registry.filename}")):
        try:
            rows = read_landing_file(path, registry)
        except ContractError:
            continue   # a broken registry file is reported by the devices ingest itself
        types.update(zip(rows["device_id"], rows["device_type"], strict=True))
    types.pop("", None)
    return types

"""A district's register export, with its own column names and values → population landing files
(register.csv, one per day of `changed_at`), through a mapping (`source: population`; an example with
Chinese headers and values: mappings/register_zh.yaml).

Every register field takes a column or a constant (the contract requires most of them); coded fields
(sex, relation_to_head, residence_type, household_tier, change_type) and the flags take value maps
(`values:`, `booleans:` for every flag); dates take `timestamp_format`. Nothing personal is changed or
dropped here: the landing file holds what the register holds, and ingest applies the privacy rules to it
unchanged (data_contracts/README.md). Error messages show a personal value only by its shape (`9999年99月99日`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data_contracts.importers.mapping import MappingError
from data_contracts.importers.source_mapping import SourceMapping, contract_target, landing_text
from data_contracts.specs import contracts_for
from gridsight import settings

(CONTRACT,) = contracts_for("population")
REGISTER = CONTRACT.names
TARGET = contract_target("population")
PERSONAL = {c.name for c in CONTRACT.columns if c.pii}


def shape(value: str) -> str:
    """A value by its shape only (digits → 9, Latin letters → a): what an error may show of personal data."""
    return re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", str(value)))


def load_mapping(path: Path | str) -> SourceMapping:
    return SourceMapping.load(path, TARGET)


def canonical(frame: pd.DataFrame, mapping: SourceMapping) -> tuple[pd.DataFrame, dict]:
    """The register rows in source order (landing text) with `_day` (the day of changed_at), and facts."""
    try:
        unmapped = mapping.check(frame)
    except MappingError as exc:   # a timestamp message quotes a value: personal dates only by their shape
        text = str(exc)
        for name in (n for n in PERSONAL & set(mapping.columns) if mapping.columns[n] in frame.columns):
            for value in frame[mapping.columns[name]].head(200):
                if value and repr(value) in text:
                    text = text.replace(repr(value), repr(shape(value)))
        raise MappingError(text) from None
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for name in REGISTER:
        if name in TARGET.coded or name in TARGET.booleans:
            out[name] = mapping.coded(frame, name)
        elif name in TARGET.dates:
            out[name], parsed = mapping.times(mapping.column(frame, name), name)
            if name == "changed_at":
                out["_day"] = parsed.dt.date
        else:
            out[name] = mapping.column(frame, name)
    known = out["_day"].dropna()
    fallback = min(known) if len(known) else settings.today()
    out["_day"] = out["_day"].where(out["_day"].notna(), fallback)
    facts = {"rows_read": len(frame), "unmapped": unmapped, "persons": int(out["id_number"].nunique()),
             "households": int(out["household_id"].nunique())}
    return out, facts


def parts(frame: pd.DataFrame, mapping: SourceMapping, placer=None) -> tuple[list, dict, list[str]]:
    """Landing parts (path, writer, rows) for commit_import, facts, and [first day, last day]. The register
    places persons by its grid_id column (addresses are not geocoded), so `placer` is not used yet."""
    rows, facts = canonical(frame, mapping)
    out = []
    for day, part in rows.groupby("_day", sort=True):
        out.append((f"population/dt={day:%Y-%m-%d}/register.csv",
                    lambda p, part=part: landing_text(part, REGISTER).to_csv(p, index=False), len(part)))
    facts |= {"register": len(rows), "_grid_ids": set(rows["grid_id"])}
    return out, facts, [str(min(rows["_day"])), str(max(rows["_day"]))] if len(rows) else [str(settings.today())] * 2

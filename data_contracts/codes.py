"""The code lists an incident may carry: the product's (dbt seeds categories.csv, channels.csv) extended by the
district's own (`<data>/codes/categories.csv`, `channels.csv`, same columns as the seeds).

A mapping's `codes:` section adds district codes; the import writes them to the data folder, which the mapping
check, the ingest contracts and dbt (source `district_codes`, unioned with the seeds) all read. A district code
may add to the product's lists, never redefine one of its codes differently (one-line `CodeError`)."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from data_contracts.specs import MAX_SLA_HOURS, SEEDS

CATEGORY_COLUMNS = ("category_l1", "category_l2", "l1_name_zh", "l1_name_en", "l2_name_zh", "l2_name_en",
                    "sla_accept_hours", "sla_resolve_hours", "is_dispute", "is_preventable")
CHANNEL_COLUMNS = ("channel", "name_zh", "name_en")
FILES = {"categories": CATEGORY_COLUMNS, "channels": CHANNEL_COLUMNS}
# A code is lower-case letters, digits and underscores: it reaches SQL, file names and URLs as it is
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LABEL_MAX = 80
BOOLEANS = {"true": "true", "false": "false", "yes": "true", "no": "false", "1": "true", "0": "false"}


class CodeError(ValueError):
    """A district code list (file or mapping section) that cannot be used: one line says where and why."""


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    header = tuple(next(csv.reader(io.StringIO(text)), ()))
    if header != columns:
        raise CodeError(f"{path}: columns must be {', '.join(columns)} (found: {', '.join(header) or 'none'})")
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


def _number(where: str, name: str, value) -> str:
    if value is None or str(value).strip() == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CodeError(f"{where}: {name} {value!r} is not a number of hours") from None
    if not math.isfinite(number) or not 0 < number <= MAX_SLA_HOURS:
        raise CodeError(f"{where}: {name} {value!r} must be more than 0 and at most {MAX_SLA_HOURS:,.0f} hours")
    return f"{number:g}"


def _flag(where: str, name: str, value) -> str:
    text = str(value).strip().lower() if value is not None else "false"
    if text not in BOOLEANS:
        raise CodeError(f"{where}: {name} {value!r} is neither true nor false")
    return BOOLEANS[text]


def _label(where: str, name: str, value, fallback: str = "") -> str:
    text = str(value).strip() if value is not None else ""
    text = text or fallback
    if not text:
        raise CodeError(f"{where}: {name} is required")
    if len(text) > LABEL_MAX or any(ch in text for ch in "\r\n\t"):
        raise CodeError(f"{where}: {name} must be one line of at most {LABEL_MAX} characters")
    return text


def _code(where: str, value) -> str:
    text = str(value).strip()
    if not CODE.match(text):
        raise CodeError(f"{where}: code {value!r} must be lower-case letters, digits and _ (starting with a "
                        "letter, at most 40)")
    return text


def category_row(where: str, pair: str, given: dict, l1_names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A categories row from a pair 'l1/l2' and its fields (the seed's columns; l2_name_zh defaults to the
    English label, the l1 names to those the level already has)."""
    l1, sep, l2 = str(pair).partition("/")
    if not sep:
        raise CodeError(f"{where}: {pair!r} is not an l1/l2 pair (e.g. sanitation/bulky_items)")
    l1, l2 = _code(where, l1), _code(where, l2)
    if not isinstance(given, dict):
        raise CodeError(f"{where}: give its fields ({', '.join(CATEGORY_COLUMNS[2:])})")
    unknown = [k for k in given if k not in CATEGORY_COLUMNS[2:]]
    if unknown:
        raise CodeError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(CATEGORY_COLUMNS[2:])})")
    known_zh, known_en = l1_names.get(l1, ("", ""))
    l1_en = _label(where, "l1_name_en", given.get("l1_name_en"), known_en)
    l2_en = _label(where, "l2_name_en", given.get("l2_name_en"))
    return {"category_l1": l1, "category_l2": l2,
            "l1_name_zh": _label(where, "l1_name_zh", given.get("l1_name_zh"), known_zh or l1_en),
            "l1_name_en": l1_en,
            "l2_name_zh": _label(where, "l2_name_zh", given.get("l2_name_zh"), l2_en), "l2_name_en": l2_en,
            "sla_accept_hours": _number(where, "sla_accept_hours", given.get("sla_accept_hours")),
            "sla_resolve_hours": _number(where, "sla_resolve_hours", given.get("sla_resolve_hours")),
            "is_dispute": _flag(where, "is_dispute", given.get("is_dispute")),
            "is_preventable": _flag(where, "is_preventable", given.get("is_preventable"))}


def channel_row(where: str, code: str, given: dict) -> dict[str, str]:
    if not isinstance(given, dict):
        raise CodeError(f"{where}: give its labels (name_zh, name_en)")
    unknown = [k for k in given if k not in CHANNEL_COLUMNS[1:]]
    if unknown:
        raise CodeError(f"{where}: unknown field {unknown[0]!r} (known: name_zh, name_en)")
    name_en = _label(where, "name_en", given.get("name_en"))
    return {"channel": _code(where, code), "name_zh": _label(where, "name_zh", given.get("name_zh"), name_en),
            "name_en": name_en}


def _key(kind: str, row: dict) -> str:
    return f"{row['category_l1']}/{row['category_l2']}" if kind == "categories" else row["channel"]


def _same(kind: str, a: dict, b: dict) -> list[str]:
    """The fields where two rows of the same code differ (numbers compared as numbers)."""
    differ = []
    for name in FILES[kind]:
        x, y = a.get(name, ""), b.get(name, "")
        if name.startswith("sla_"):
            x, y = (float(x) if x else None), (float(y) if y else None)
        elif name.startswith("is_"):
            x, y = str(x).lower(), str(y).lower()
        if x != y:
            differ.append(f"{name} {a.get(name, '')!r} → {b.get(name, '')!r}")
    return differ


@dataclass(frozen=True)
class CodeLists:
    """The product's codes and the district's, per list ('categories', 'channels'): code → row."""
    product: dict[str, dict[str, dict[str, str]]]
    district: dict[str, dict[str, dict[str, str]]]

    @classmethod
    def load(cls, codes_dir: Path | None = None) -> CodeLists:
        """The seeds, and the district's code files in `codes_dir` when there are any (checked)."""
        product = {kind: {_key(kind, r): r for r in _read(SEEDS / f"{kind}.csv", cols)} for kind, cols in FILES.items()}
        lists = cls(product, {"categories": {}, "channels": {}})
        if codes_dir is None:
            return lists
        for kind, columns in FILES.items():
            path = Path(codes_dir) / f"{kind}.csv"
            if path.is_file():
                for line, raw in enumerate(_read(path, columns), start=2):
                    where = f"{path}:{line}"
                    row = (category_row(where, f"{raw['category_l1']}/{raw['category_l2']}",
                                        {k: v for k, v in raw.items() if k not in ("category_l1", "category_l2")},
                                        {}) if kind == "categories"
                           else channel_row(where, raw["channel"], {k: v for k, v in raw.items() if k != "channel"}))
                    lists = lists.extended(kind, {_key(kind, row): row}, where)
        return lists

    def rows(self, kind: str) -> dict[str, dict[str, str]]:
        return {**self.product[kind], **self.district[kind]}

    @property
    def category_pairs(self) -> tuple[str, ...]:
        return tuple(self.rows("categories"))

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.rows("channels"))

    def category_levels(self, level: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r[f"category_{level}"] for r in self.rows("categories").values()))

    def l1_names(self) -> dict[str, tuple[str, str]]:
        return {r["category_l1"]: (r["l1_name_zh"], r["l1_name_en"]) for r in self.rows("categories").values()}

    def extended(self, kind: str, rows: dict[str, dict[str, str]], where: str) -> CodeLists:
        """These lists with district rows added (a later definition of a district code wins); CodeError when a
        row redefines a product code, or a level's names, differently."""
        for code, row in rows.items():
            if code in self.product[kind]:
                differ = _same(kind, self.product[kind][code], row)
                if differ:
                    raise CodeError(f"{where}: {kind} {code!r} is a product code and cannot be redefined "
                                    f"({'; '.join(differ[:2])}); give the district's code another name")
            if kind == "categories":
                taken = {r["category_l2"]: k for k, r in self.rows(kind).items() if k != code}
                if row["category_l2"] in taken:
                    raise CodeError(f"{where}: {code!r}: category_l2 {row['category_l2']!r} is already "
                                    f"{taken[row['category_l2']]!r} (each l2 code names one category)")
                names = {r["category_l1"]: (r["l1_name_zh"], r["l1_name_en"]) for r in self.product[kind].values()}
                l1 = row["category_l1"]
                if l1 in names and names[l1] != (row["l1_name_zh"], row["l1_name_en"]):
                    raise CodeError(f"{where}: {code!r} renames the product's level {l1!r} "
                                    f"({names[l1][1]!r} → {row['l1_name_en']!r}); leave l1_name_* out or use "
                                    "another l1 code")
        new = {k: dict(v) for k, v in self.district.items()}
        new[kind] = {**new[kind], **{c: r for c, r in rows.items() if c not in self.product[kind]}}
        return CodeLists(self.product, new)

    def write(self, codes_dir: Path) -> list[str]:
        """The district's rows to `codes_dir/<list>.csv` (each replaced whole, atomically); the files written."""
        written = []
        codes_dir = Path(codes_dir)
        for kind, columns in FILES.items():
            if not self.district[kind]:
                continue
            codes_dir.mkdir(parents=True, exist_ok=True)
            path = codes_dir / f"{kind}.csv"
            tmp = path.with_suffix(".csv.tmp")
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                out = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
                out.writeheader()
                out.writerows(self.district[kind][code] for code in sorted(self.district[kind]))
            os.replace(tmp, path)
            written.append(str(path))
        return written


def from_mapping(where: str, section, lists: CodeLists) -> CodeLists:
    """`lists` extended by a mapping's `codes:` section ({categories: {l1/l2: {…}}, channels: {code: {…}}})."""
    if section is None:
        return lists
    if not isinstance(section, dict):
        raise CodeError(f"{where}: codes: give categories and/or channels")
    unknown = [k for k in section if k not in FILES]
    if unknown:
        raise CodeError(f"{where}: codes: unknown list {unknown[0]!r} (known: categories, channels)")
    for kind in FILES:
        entries = section.get(kind) or {}
        if not isinstance(entries, dict):
            raise CodeError(f"{where}: codes.{kind}: give one entry per code")
        # a new level's names, given on one of its categories, hold for its others too
        named = {str(code).partition("/")[0]: (str(g.get("l1_name_zh") or g["l1_name_en"]), str(g["l1_name_en"]))
                 for code, g in entries.items() if kind == "categories" and isinstance(g, dict) and g.get("l1_name_en")}
        for code, given in entries.items():
            here = f"{where}: codes.{kind}.{code}"
            row = (category_row(here, code, given, {**named, **lists.l1_names()}) if kind == "categories"
                   else channel_row(here, code, given))
            lists = lists.extended(kind, {_key(kind, row): row}, here)
    return lists

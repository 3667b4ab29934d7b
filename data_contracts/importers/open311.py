"""Open311 GeoReport v2 service requests (GET requests.json / requests.csv, or a saved export) →
canonical incidents, through the built-in mapping mappings/open311.yaml (extend it with your own
service codes by passing another mapping: its categories, channels and status entries are added)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from data_contracts.importers.mapping import UNMAPPED_DEFAULTS, Mapping, MappingError

# The GeoReport v2 service request fields (https://wiki.open311.org/GeoReport_v2#GET_Service_Requests)
FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long", "media_url")


def read(path: Path) -> pd.DataFrame:
    """A GeoReport v2 response saved as JSON (a list, or an object holding `service_requests`/`requests`)
    or CSV; every GeoReport field is present afterwards (empty when the server left it out)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MappingError(f"{path}: not valid JSON: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("service_requests", data.get("requests"))
        if not isinstance(data, list):
            raise MappingError(f"{path}: expected a list of GeoReport v2 service requests")
        frame = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in r.items()} for r in data])
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "service_request_id" not in frame.columns:
        raise MappingError(f"{path}: no service_request_id column; is this a GeoReport v2 export?")
    for name in FIELDS:
        if name not in frame.columns:
            frame[name] = ""
    return frame


def mapping(extra: Path | str | None = None, codes_dir: Path | None = None) -> Mapping:
    """The built-in mapping, with `extra`'s entries (and district codes) added."""
    base = Mapping.load("open311", codes_dir)
    if extra is None:
        return base
    more = Mapping.load(extra, codes_dir)
    return replace(base, categories={**base.categories, **more.categories},
                   channels={**base.channels, **more.channels}, status={**base.status, **more.status},
                   default_channel=more.default_channel or base.default_channel,
                   unmapped={**base.unmapped, **{k: v for k, v in more.unmapped.items() if v != UNMAPPED_DEFAULTS[k]}},
                   cell_degrees=more.cell_degrees or base.cell_degrees, area_prefix=more.area_prefix,
                   area_name=more.area_name, code_lists=more.code_lists)

"""Build the demo world and write its landing files, one folder per source and day."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import devices, disputes, faults, foot_traffic, incidents, population
from simulator.world import build_world


@dataclass(frozen=True)
class WorldConfig:
    start: dt.date
    end: dt.date
    seed: int = 1958
    streets: int = 3
    communities: int = 10
    grid_rows: int = 3
    grid_cols: int = 4
    bad_row_rate: float = 0.002   # share of extra broken rows per landing file (see simulator.faults)
    device_days: int = 14         # days (ending on `end`) with device telemetry

    @classmethod
    def small(cls, start: dt.date, end: dt.date, seed: int = 1958, bad_row_rate: float = 0.002,
              device_days: int = 4) -> WorldConfig:
        """One street, three communities, four days of devices: the world the integration tests use."""
        return cls(start=start, end=end, seed=seed, streets=1, communities=3, grid_rows=2, grid_cols=4,
                   bad_row_rate=bad_row_rate, device_days=device_days)


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


class Landing:
    """Writes landing files, injecting broken rows at the configured rate and remembering where."""

    def __init__(self, root: Path, config: WorldConfig):
        self.root = root
        self.rate = config.bad_row_rate
        self.rng = np.random.default_rng([config.seed, 9])
        self.bad_rows: dict[str, list[int]] = {}
        self.bad_kinds: dict[str, dict[str, int]] = {}   # file → {"column=value": rows injected}

    def write(self, source: str, filename: str, frame: pd.DataFrame, flagged: str | None = None) -> int:
        """One file per day of frame["dt"]; returns the rows written (good and injected). Rows with a
        non-empty `flagged` column were broken by the generator on purpose (e.g. out_of_range): their row
        numbers join the injected ones and the column is not written."""
        written = 0
        for day, part in frame.groupby("dt", sort=True):
            rel = f"{source}/dt={day:%Y-%m-%d}/{filename}"
            marks = part[flagged].to_numpy() if flagged else None
            part = part.drop(columns=["dt"] + ([flagged] if flagged else []))
            part, bad, kinds = faults.inject(self.rng, part, filename, self.rate)
            if marks is not None and (marks != "").any():
                injected = np.zeros(len(part), dtype=bool)
                injected[np.array(bad, dtype=int) - 1] = True
                rows = np.nonzero(~injected)[0][marks != ""] + 1       # file rows of the flagged originals
                bad = sorted(bad + [int(r) for r in rows])
                kinds = kinds + [f"{flagged}={m}" for m in marks[marks != ""]]
            if bad:
                self.bad_rows[rel] = bad
                counted = self.bad_kinds.setdefault(filename, {})
                for kind in kinds:
                    counted[kind] = counted.get(kind, 0) + 1
            _write_atomic(self.root / rel, lambda p, part=part: part.to_csv(p, index=False))
            written += len(part)
        return written


def _geojson(grids) -> dict:
    features = []
    for g in grids:
        lat, lon = g.centroid
        props = {"grid_id": g.grid_id, "parent_id": g.parent_id, "level": g.level, "grid_type": g.grid_type,
                 "name_zh": g.name_zh, "name_en": g.name_en, "households": g.households, "shops": g.shops,
                 "centroid_lat": lat, "centroid_lon": lon, "valid_from": None, "valid_to": None}
        features.append({"type": "Feature", "properties": props, "geometry": g.geometry()})
    return {"type": "FeatureCollection", "features": features}


def simulate(data_dir: Path, config: WorldConfig, progress: Callable[[str], None] = print) -> dict:
    """Write the landing zone for config.start..config.end under data_dir/landing and the generator's
    truth under data_dir/truth. Same config → byte-identical files."""
    landing, truth_dir = Path(data_dir) / "landing", Path(data_dir) / "truth"
    rng = np.random.default_rng(config.seed)
    grids, zones = build_world(rng, config.streets, config.communities, config.grid_rows, config.grid_cols)
    counts: dict[str, int] = {}
    landing_files = Landing(landing, config)

    progress(f"grids: {len(grids)} areas, {len(zones)} commercial zones")
    collection = _geojson(grids)
    for f in collection["features"]:
        f["properties"]["valid_from"] = config.start.isoformat()
    _write_atomic(landing / "grids" / f"dt={config.start:%Y-%m-%d}" / "grids.geojson",
                  lambda p: p.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8"))
    counts["grids"] = len(grids)

    progress("population register …")
    register = population.generate(np.random.default_rng([config.seed, 1]), grids, config.start, config.end)
    counts["population"] = landing_files.write("population", "register.csv", register)

    progress(f"devices (last {config.device_days} days) …")
    fleet = devices.generate(np.random.default_rng([config.seed, 3]), grids, register, config.start, config.end,
                             config.device_days)

    progress("incidents …")
    arrivals, dispute_rates = disputes.generate(np.random.default_rng([config.seed, 8]), grids, config.start,
                                                config.end)
    cases, events = incidents.generate(np.random.default_rng([config.seed, 2]), grids, config.start, config.end,
                                       disputes=arrivals, sensors=fleet.arrivals)
    devices.link_cases(fleet, cases)
    counts["incident_cases"] = landing_files.write("incidents", "cases.csv",
                                                   cases.drop(columns=incidents.TRUTH_COLUMNS))
    counts["incident_events"] = landing_files.write("incidents", "events.csv", events)

    counts["device_registry"] = landing_files.write("devices", "registry.csv", fleet.registry)
    counts["device_telemetry"] = landing_files.write("devices", "telemetry.csv", fleet.telemetry, flagged="bad")
    counts["device_alarm_actions"] = landing_files.write("devices", "alarm_actions.csv", fleet.actions)
    counts["welfare_outcomes"] = landing_files.write("devices", "welfare_outcomes.csv", fleet.outcomes)

    progress("foot traffic …")
    zone_frame = pd.DataFrame([asdict(z) for z in zones]).drop(columns="base_hourly_visitors")
    zone_frame["dt"] = config.start
    landing_files.write("foot_traffic", "zones.csv", zone_frame)
    flow = foot_traffic.generate(np.random.default_rng([config.seed, 4]), zones, config.start, config.end)
    counts["foot_traffic"] = landing_files.write("foot_traffic", "counts.csv", flow)

    truth = _truth(config, register, cases, events, fleet.device_days, flow, counts)
    truth["bad_rows"] = landing_files.bad_rows
    truth["bad_row_kinds"] = landing_files.bad_kinds
    truth["population"] = population.register_truth(register)
    truth["incident_kpis"] = incidents.kpi_truth(cases, events, config.end)
    truth_dir.mkdir(parents=True, exist_ok=True)
    population.history(register, config.start, config.end).to_csv(truth_dir / "population_by_grid_day.csv",
                                                                  index=False)
    disputes.write_truth(truth_dir, dispute_rates)
    truth["devices"] = devices.write_truth(truth_dir / "devices", fleet)
    (truth_dir / "summary.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False), encoding="utf-8")
    progress("rows written: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return truth


def _truth(config, register, cases, events, online, flow, counts) -> dict:
    """What the generator knows to be true, for tests and evaluation (never loaded into the warehouse)."""
    latest = register.drop_duplicates("id_number", keep="last")
    residents = latest[latest["deregistered_on"] == ""]
    closed = events.loc[events["event_type"] == "closed", "case_id"].unique()
    reopened_open = events.sort_values(["case_id", "seq"]).groupby("case_id")["event_type"].last()
    closed_now = set(reopened_open[reopened_open.isin(["closed", "rated"])].index) & set(closed)
    last_day = online[online["date_day"] == config.end]
    return {
        "config": {k: str(v) for k, v in asdict(config).items()},
        "rows": counts,
        "cases_reported": int(len(cases)),
        "cases_closed": int(len(closed_now)),
        "disputes": int(cases["category_l1"].eq("dispute").sum()),
        "residents_at_end": int(len(residents)),
        "residents_by_grid": residents.groupby("grid_id").size().astype(int).to_dict(),
        "floating_at_end": int(residents["residence_type"].eq("floating").sum()),
        "devices_active_at_end": int(len(last_day)),
        "devices_online_at_end": int(last_day["is_online"].sum()),
        "foot_traffic_in_last_day": int(flow.loc[flow["dt"] == config.end, "count_in"].sum()),
        "foot_traffic_in_total": int(flow["count_in"].sum()),
    }

"""Grid-worker ratings on the session world: each grid's monthly points, stars and "pulled down by", and
the street ranking, computed here by hand from the marts' inputs (mart_area_daily, the seeds, the KPI
catalogue) and compared with mart_grid_ratings, mart_grid_rating_kpis and mart_street_rankings."""

import csv
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow   # the session world

SEEDS = Path(__file__).parents[2] / "dbt_project" / "seeds"


def _seed(name: str) -> list[dict]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _by_hand(marts, area_level: str) -> dict:
    """{(area_id, month): {kpi: value or None}} for the rated KPIs: numerator / denominator summed by month."""
    catalogue = {row["kpi"]: row for row in _seed("kpi_definitions")}
    available = dict(marts.execute("select kpi, is_available from marts.dim_kpis").fetchall())
    rated = [row["kpi"] for row in _seed("rating_weights")]
    rows = marts.execute("select * from marts.mart_area_daily where area_level = ?", [area_level])
    names = [d[0] for d in rows.description]
    sums: dict = defaultdict(lambda: defaultdict(float))
    for row in rows.fetchall():
        r = dict(zip(names, row, strict=True))
        key = (r["area_id"], r["date_day"].replace(day=1))
        for column, value in r.items():
            if isinstance(value, int):
                sums[key][column] += value
    out = {}
    for key, measures in sums.items():
        out[key] = {}
        for kpi in rated:
            num, den = catalogue[kpi]["numerator"], catalogue[kpi]["denominator"]
            d = measures.get(den, 0)
            out[key][kpi] = measures.get(num, 0) / d if available[kpi] and d else None
    return out


def _rating(values: dict) -> tuple:
    weights = {row["kpi"]: row for row in _seed("rating_weights")}
    bands = sorted((float(b["min_points"]), int(b["stars"])) for b in _seed("rating_stars"))
    points = {}
    for kpi, value in values.items():
        if value is None:
            continue
        w = weights[kpi]
        share = (value - float(w["zero_points_at"])) / (float(w["full_points_at"]) - float(w["zero_points_at"]))
        points[kpi] = 100 * min(1.0, max(0.0, share))
    if not points:
        return None, None, ""
    total_weight = sum(float(weights[k]["weight"]) for k in points)
    total = sum(float(weights[k]["weight"]) * p for k, p in points.items()) / total_weight
    stars = max(s for floor, s in bands if floor <= total)
    lost = {k: float(weights[k]["weight"]) * (100 - p) / total_weight for k, p in points.items() if p < 100}
    pulled = ",".join(sorted(lost, key=lambda k: (-lost[k], k)))
    return total, stars, pulled


def test_grid_ratings_equal_the_hand_computed_ones(marts):
    by_hand = _by_hand(marts, "grid")
    rows = marts.execute("""select grid_id, month, points, stars, kpis_rated, weights_renormalised, pulled_down_by
                            from marts.mart_grid_ratings order by month, grid_id""").fetchall()
    assert {(g, m) for g, m, *_ in rows} == set(by_hand)
    months = {m for _, m, *_ in rows}
    assert len(months) >= 2 and len({g for g, *_ in rows}) >= 2
    checked = 0
    for grid, month, points, stars, rated, renormalised, pulled in rows:
        total, expected_stars, expected_pulled = _rating(by_hand[(grid, month)])
        assert (points is None) == (total is None), (grid, month)
        if total is not None:
            assert points == pytest.approx(total, abs=1e-9), (grid, month)
            checked += 1
        assert stars == expected_stars, (grid, month)
        assert pulled == expected_pulled, (grid, month)
        assert rated == sum(v is not None for v in by_hand[(grid, month)].values())
        assert renormalised == (rated < len(by_hand[(grid, month)]))
    assert checked >= 4


def test_rating_kpis_lost_points_add_up_to_the_rating(marts):
    gaps = marts.execute("""
        select r.grid_id, r.month, 100 - r.points - sum(k.lost_points)
        from marts.mart_grid_ratings as r join marts.mart_grid_rating_kpis as k using (grid_id, month)
        where r.points is not null group by r.grid_id, r.month, r.points
        having abs(100 - r.points - sum(k.lost_points)) > 1e-9""").fetchall()
    assert gaps == []


def test_street_ranking_equals_the_hand_computed_values(marts):
    by_hand = _by_hand(marts, "street")
    ranked = {row["kpi"] for row in _seed("rating_weights") if row["street_ranking"] == "true"}
    rows = marts.execute("select area_id, month, kpi, value, street_rank, streets_ranked "
                         "from marts.mart_street_rankings").fetchall()
    assert rows
    expected = {(s, m, k): v for (s, m), values in by_hand.items() for k, v in values.items()
                if k in ranked and v is not None}
    assert {(s, m, k) for s, m, k, *_ in rows} == set(expected)
    for street, month, kpi, value, rank, count in rows:
        assert value == pytest.approx(expected[(street, month, kpi)], abs=1e-12)
        peers = [v for (s, m, k), v in expected.items() if m == month and k == kpi]
        assert count == len(peers)
        assert rank == 1 + sum(v > value for v in peers)

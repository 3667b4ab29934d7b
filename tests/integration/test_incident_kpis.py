"""Every incident KPI of the demo world against what the generator knows to be true: repeat reports
(known by construction, detected by the dbt rule), case states by event time despite late and
out-of-order deliveries, SLA alert tiers, the scorecard and the per-case responsibility timeline."""

import pandas as pd
import pytest

from tests.conftest import WORLD_END, day_end

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)

RATES = ["closure_rate", "verified_closure_rate", "on_time_rate", "in_grid_rate", "reopen_rate",
         "satisfied_share", "mediation_success_rate"]
HOURS = ["accept_hours_median", "accept_hours_p90", "resolve_hours_median", "resolve_hours_p90"]


@pytest.fixture
def truth(world):
    return world.truth["incident_kpis"]


def test_repeat_reports_are_linked_to_their_master(truth, marts):
    detected = dict(marts.execute(
        "select case_id, master_case_id from marts.fct_incidents where is_duplicate").fetchall())
    known = truth["duplicate_of"]
    assert len(known) >= 5
    found = sum(detected.get(case_id) == master for case_id, master in known.items())
    assert found / len(known) >= 0.95                     # recall, with the right master
    assert len(set(detected) - set(known)) <= max(1, 0.05 * len(known))   # few false alarms
    reported, received = marts.execute(
        "select sum(cases_reported), sum(reports_received) from marts.mart_grid_daily").fetchone()
    assert received == truth["reports_received"]
    assert reported == received - len(detected)          # each problem counted once


def test_flawed_deliveries_are_present(world, marts):
    """The world really has the flaws the marts must survive."""
    landing = world.data_dir / "landing" / "incidents"
    events = pd.concat(pd.read_csv(p, dtype=str).assign(dt=p.parent.name[3:]) for p in landing.glob("*/events.csv"))
    events = events[pd.to_datetime(events["at"], errors="coerce").notna()]
    assert (events["at"].str[:10] < events["dt"]).sum() > 10            # late-arriving events
    cases = pd.concat(pd.read_csv(p, dtype=str) for p in landing.glob("*/cases.csv"))
    assert cases["lat"].isna().sum() > 0                                 # cases without coordinates
    no_coords = marts.execute("select count(*) from marts.fct_incidents where not has_coordinates").fetchone()[0]
    assert no_coords > 0
    ordered = events.assign(at=pd.to_datetime(events["at"]), seq=pd.to_numeric(events["seq"], errors="coerce"))
    in_order = ordered.sort_values(["case_id", "at"]).groupby("case_id")["seq"].apply(
        lambda s: s.is_monotonic_increasing)
    assert (~in_order).sum() > 0                                          # sequence numbers out of time order


def test_kpis_match_the_truth(truth, marts):
    actual = dict(marts.execute("select kpi, actual from marts.mart_scorecard "
                                "where area_level = 'district' and period_days = 365").fetchall())
    for kpi in RATES:
        assert actual[kpi] == pytest.approx(truth[kpi], abs=0.005), kpi
    for kpi in HOURS:
        assert actual[kpi] == pytest.approx(truth[kpi], abs=0.02), kpi   # landing keeps whole seconds
    assert actual["satisfaction_mean"] == pytest.approx(truth["satisfaction_mean"], abs=0.01)
    assert actual["backlog"] == truth["backlog_at_end"]
    assert actual["overdue_backlog"] == truth["overdue_at_end"]
    reported = marts.execute("select count(*) from marts.fct_incidents where not is_duplicate").fetchone()[0]
    assert abs(reported - truth["cases_reported"]) <= max(1, 0.01 * truth["cases_reported"])


def test_sla_alert_tiers_at_the_end(truth, marts):
    at_end = day_end(marts, WORLD_END, "sla_50_end", "sla_80_end", "overdue_end", "backlog_end")
    assert at_end == (truth["sla_50_at_end"], truth["sla_80_at_end"], truth["overdue_at_end"],
                       truth["backlog_at_end"])
    tiers = dict(marts.execute("select sla_alert_tier, count(*) from marts.fct_incidents "
                               "where not is_duplicate and sla_alert_tier is not null group by 1").fetchall())
    assert tiers.get(50, 0) == truth["sla_50_at_end"]
    assert tiers.get(80, 0) == truth["sla_80_at_end"]
    assert tiers.get(100, 0) == truth["overdue_at_end"]


def test_scorecard_scores_follow_the_cityscore_rule(marts):
    rows = marts.execute("select kpi, higher_is_better, actual, target, score, status from marts.mart_scorecard "
                         "where area_level = 'district' and period_days = 30").df()
    scored = rows[(rows["kpi"] != "overall") & rows["score"].notna()]
    assert len(scored) >= 10
    for r in scored.itertuples():
        expected = r.actual / r.target if r.higher_is_better else (r.target / r.actual if r.actual else 2.0)
        assert r.score == pytest.approx(min(expected, 2.0)), r.kpi
        assert r.status == ("green" if r.score >= 1 else "yellow" if r.score >= 0.9 else "red")
    overall = rows.loc[rows["kpi"] == "overall", "score"].item()
    assert overall == pytest.approx(scored["score"].mean())


def test_responsibility_timeline_follows_the_events(world, marts):
    case_id, actor = marts.execute("""select case_id, current_actor from marts.fct_incidents
        where escalations >= 2 order by case_id limit 1""").fetchone()
    timeline = marts.execute("""select event_type, event_at, level, actor, held_until, is_current
        from marts.fct_incident_events where case_id = ? and is_workflow_step order by event_order""",
                             [case_id]).df()
    landing = world.data_dir / "landing" / "incidents"
    raw = pd.concat(pd.read_csv(p, dtype=str) for p in landing.glob("*/events.csv"))
    raw = raw[(raw["case_id"] == case_id) & (raw["event_type"] != "rated")]
    raw = raw.assign(at=pd.to_datetime(raw["at"])).drop_duplicates(["case_id", "seq"]).sort_values("at")
    assert list(timeline["level"]) == list(raw["level"])
    assert list(timeline["held_until"].iloc[:-1]) == list(timeline["event_at"].iloc[1:])
    assert timeline["is_current"].tolist() == [False] * (len(timeline) - 1) + [True]
    assert timeline["actor"].iloc[-1] == actor
    assert {"community", "street"} <= set(timeline["level"]) or "district" in set(timeline["level"])

"""The population register through the real stack, checked against the generator's truth: history
("renters in grid X on day D" as one query on the household snapshot), population marts, tiers,
per-capita rates, and the quarantine of bad register rows with counts that reconcile."""

import datetime as dt

import pandas as pd
import pytest

from tests.conftest import WORLD_END, WORLD_START

pytestmark = pytest.mark.slow   # the session world (Dagster + dbt, twice)

RENTERS_ON = """
    select coalesce(sum(renters), 0)
    from snapshots.snap_household_versions
    where dbt_valid_to is null and grid_id = ? and valid_from <= ? and (valid_to is null or valid_to > ?)"""


@pytest.fixture(scope="module")
def history(world) -> pd.DataFrame:
    truth = pd.read_csv(world.data_dir / "truth" / "population_by_grid_day.csv", parse_dates=["date_day"])
    truth["date_day"] = truth["date_day"].dt.date
    return truth


def test_renters_on_a_day_is_one_query_on_the_snapshot(marts, history):
    changed = history.sort_values("date_day").groupby("grid_id")["renters"].agg(lambda r: r.nunique())
    grids = list(changed.sort_values(ascending=False).index[:4])   # the grids whose renters changed most
    days = [WORLD_START, WORLD_START + dt.timedelta(days=17), dt.date(2026, 2, 10), WORLD_END]
    checked = 0
    for grid in grids:
        for day in days:
            expected = history.loc[(history["grid_id"] == grid) & (history["date_day"] == day), "renters"]
            assert marts.execute(RENTERS_ON, [grid, day, day]).fetchone()[0] == int(expected.iloc[0]), (grid, day)
            checked += 1
    assert checked == 16 and changed.max() > 1   # the history really moves


def test_population_daily_mart_matches_the_truth_on_every_grid_and_day(marts, history):
    mart = marts.execute("select grid_id, date_day, residents, renters, renter_households, floating "
                         "from marts.mart_population_daily").df()
    mart["date_day"] = pd.to_datetime(mart["date_day"]).dt.date
    joined = history.merge(mart, on=["grid_id", "date_day"], how="left", suffixes=("_truth", "_mart"))
    assert len(joined) == len(history) > 1000
    for column in ("residents", "renters", "renter_households", "floating"):
        assert (joined[f"{column}_truth"] == joined[f"{column}_mart"]).all(), column
    moves = marts.execute("select sum(households_registered) filter (where date_day > ?), "
                          "sum(households_deregistered) from marts.mart_population_daily", [WORLD_START]).fetchone()
    assert moves[0] > 0 and moves[1] > 0


def test_tiers_care_groups_and_register_figures_match_the_truth(world, marts):
    truth = world.truth["population"]
    tiers = dict(marts.execute("select household_tier, count(*) from marts.mart_household_visits "
                               "group by 1").fetchall())
    assert tiers == truth["tiers_at_end"]
    by_grid = marts.execute("select sum(households), sum(households_red), sum(elderly_alone), sum(focus_persons), "
                            "sum(age_0_17 + age_18_59 + age_60_plus), sum(age_0_17 + age_18_34 + age_35_59 + "
                            "age_60_79 + age_80_plus), sum(registered + resident + floating), sum(male + female), "
                            "sum(residents) from marts.mart_population_by_grid").fetchone()
    households, red, elderly, focus, *bands, residents = by_grid
    assert households == truth["households_at_end"] and red == truth["tiers_at_end"].get("red", 0)
    assert (elderly, focus) == (truth["elderly_alone_at_end"], truth["focus_persons_at_end"])
    assert bands == [residents] * 4 and residents == world.truth["residents_at_end"]
    # the 华茂1958 figures: floating registered, rentals registered, floating deregistered — from the raw register
    floating_registered, rentals, floating_left = marts.execute("""
        select count(distinct id_number_key) filter (where residence_type = 'floating' and change_type <> 'deregister'),
               count(distinct household_id) filter (where is_renter and change_type <> 'deregister'),
               count(distinct id_number_key) filter (where residence_type = 'floating' and change_type = 'deregister')
        from raw.population_register""").fetchone()
    assert (floating_registered, rentals, floating_left) == (
        truth["floating_registered"], truth["rentals_registered"], truth["floating_deregistered"])


def test_warehouse_tier_rule_agrees_with_the_register(marts):
    disagree = marts.execute("select count(*) from intermediate.int_household_versions "
                             "where household_tier <> delivered_tier").fetchone()[0]
    assert disagree == 0
    red_without_focus = marts.execute("select count(*) from marts.mart_household_visits "
                                      "where household_tier = 'red' and focus_persons = 0").fetchone()[0]
    assert red_without_focus == 0


def test_incidents_per_1000_residents(marts):
    rates = marts.execute("""
        select r.grid_id, r.month_start, r.cases_per_1000_residents, c.cases, d.residents
        from marts.mart_grid_per_capita as r
        join (select grid_id, date_trunc('month', date_day) as month_start, avg(residents) as residents
              from intermediate.int_residents_counted_daily group by all) as d using (grid_id, month_start)
        left join (select grid_id, date_trunc('month', date_day) as month_start, sum(cases_reported) as cases
                   from marts.mart_grid_daily group by all) as c using (grid_id, month_start)
        where d.residents > 0""").df()
    assert len(rates) > 20
    independent = rates["cases"].fillna(0) * 1000 / rates["residents"]
    assert (rates["cases_per_1000_residents"] - independent).abs().max() < 1e-9


# faults.CORRUPTIONS of register.csv → the rule its row must be quarantined with
EXPECTED_RULE = {"id_number=34080319": "bad_format", "sex=X": "not_allowed", "birth_date=1990-02-30": "invalid_date",
                 "grid_id=": "required", "id_number=<bad checksum>": "bad_checksum",
                 "birth_date=2031-05-01": "impossible_date", "grid_id=D99-S99-C99-G99": "unknown_grid",
                 "id_number=<duplicate>": "duplicate"}


def test_bad_register_rows_are_quarantined_by_rule_and_counts_reconcile(world, marts):
    injected = world.truth["bad_row_kinds"]["register.csv"]
    expected: dict[str, int] = {}
    for kind, n in injected.items():
        expected[EXPECTED_RULE[kind]] = expected.get(EXPECTED_RULE[kind], 0) + n
    got = dict(marts.execute("select rule, count(*) from quarantine.population_register group by 1").fetchall())
    assert got == expected
    assert {"bad_checksum", "impossible_date", "unknown_grid", "duplicate"} <= set(got)
    rows_in, loaded, quarantined = marts.execute(
        "select sum(rows_in), sum(rows_loaded), sum(rows_quarantined) from meta.ingest_log "
        "where table_name = 'population_register'").fetchone()
    assert rows_in == loaded + quarantined == world.truth["rows"]["population"]
    assert quarantined == sum(injected.values())

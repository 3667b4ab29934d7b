"""Dispute hotspots: weekly training, daily scoring of next week, and the rolling-origin backtest.

- ml/hotspot_model — trains the Poisson model on every complete week and saves it (skops) with its
  version and training window. The weekly schedule retrains on Monday; the daily run trains only when
  the saved model is out of date (`common.out_of_date`): none exists yet, the newest one is a week behind
  the data or of an earlier design (`MODEL_DESIGN`), or a late or corrected delivery changed the history
  it was trained on.
- ml/hotspot_scores — every day: next week's expected disputes, rank, risk tier, reasons and suggested
  action per grid, from the newest model (ml.hotspot_scores).
- ml/hotspot_backtest — the model against its baselines over the last 52 weeks (at least 26) whenever the
  model changed (ml.hotspot_backtest). A warehouse with too little history gets an empty table and says why.
- ml/hotspot_backtest_summary — written with it (also when the backtest is current): the means per model
  and the best baseline (models_ml.hotspot_backtest.summary), what mart_hotspot_backtest_summary passes on.
"""

import datetime as dt

import dagster as dg
import pandas as pd

from models_ml import hotspot_backtest as hb
from models_ml import hotspot_features as hf
from models_ml import hotspot_model as hm
from orchestration.dbt_catalog import ml_columns
from orchestration.defs.common import WAREHOUSE_POOL, ModelTraining, out_of_date, skipped
from orchestration.defs.hotspots.frames import from_warehouse
from orchestration.defs.resources import GridsightData, Warehouse
from orchestration.ml_store import latest_model, load_estimator, read_sql, save_model, write_table

MODEL_NAME = "hotspot"
MART_DEPS = [dg.AssetKey(["marts", m]) for m in ("dim_grids", "mart_grid_daily", "mart_population_by_grid",
                                                  "fct_incidents")]
BACKTEST_WEEKS = 52
REFIT_EVERY = 4          # the backtest refits the model every 4 origins (features are always as of the origin)
TRAIN_WEEKS = 104        # training window: the last two years of weeks


def _inputs(warehouse: Warehouse):
    inputs = from_warehouse(warehouse)
    panel, weekly = hf.build_panel(inputs.daily, inputs.grids, inputs.population)
    return inputs, panel, weekly


def _newest_model(context: dg.AssetExecutionContext, gridsight: GridsightData, what: str):
    """The newest saved hotspot model, or a skipped result saying that `what` waits for one."""
    saved = latest_model(gridsight.paths.models, MODEL_NAME)
    if saved is None:
        return None, skipped(context, f"no {what}: no model has been trained yet")
    return saved, None


@dg.asset(key=["ml", "hotspot_model"], deps=MART_DEPS, group_name="hotspots", pool=WAREHOUSE_POOL,
          kinds={"sklearn"})
def hotspot_model(context: dg.AssetExecutionContext, config: ModelTraining, gridsight: GridsightData,
                  warehouse: Warehouse) -> dg.MaterializeResult:
    """The dispute model trained on every complete week (skops file with version and training window)."""
    paths = gridsight.paths
    try:
        inputs, panel, weekly = _inputs(warehouse)
    except ValueError as error:   # a new installation: no complete week yet
        return skipped(context, f"hotspot model not trained: {error}")
    data_through = weekly.week_ends[-1]
    current = latest_model(paths.models, MODEL_NAME)
    stale = out_of_date(current, data_through, design=hm.MODEL_DESIGN, max_lag_days=7,
                        fingerprint=("history", lambda info: history_fingerprint(inputs.daily, info["train_end"])))
    if not stale and not config.retrain:
        context.log.info(f"hotspot model {current.version} is current (trained through {current.info['train_end']})")
        return dg.MaterializeResult(metadata={"version": current.version, "retrained": False,
                                              "train_end": current.info["train_end"]})
    train = panel[panel["week_index"] >= len(weekly.week_ends) - 1 - TRAIN_WEEKS]
    try:
        model = hm.fit(train)
    except ValueError as error:   # too little history, or no dispute in it yet
        return skipped(context, f"hotspot model not trained: {error}")
    rows = train[train["target"].notna()]
    first = rows["week_end"].min() - dt.timedelta(days=6)
    last = rows["week_end"].max() + dt.timedelta(days=7)   # the last target week the model has seen
    saved = save_model(paths.models, MODEL_NAME, model, first, last,
                       info={"design": hm.MODEL_DESIGN, "features": model.feature_names_, "grids": len(inputs.grids),
                             "history": history_fingerprint(inputs.daily, str(last)),
                             "training_rows": int(len(rows)), "data_through": str(data_through)})
    context.log.info(f"trained hotspot model {saved.version} on {first} … {last}")
    return dg.MaterializeResult(metadata={"version": saved.version, "retrained": True, "train_start": str(first),
                                          "train_end": str(last), "training_rows": int(len(rows))})


def history_fingerprint(daily: pd.DataFrame, through: str) -> str:
    """A hash of the daily disputes and alarms up to `through`: a late or corrected delivery for a day the
    model was trained on changes it, and the model is retrained (new days after it do not)."""
    days = pd.to_datetime(daily["date_day"]).dt.date
    part = daily.loc[days <= dt.date.fromisoformat(through), ["grid_id", "date_day", "disputes_reported",
                                                              "device_alarms"]]
    part = part.assign(date_day=pd.to_datetime(part["date_day"])).sort_values(["grid_id", "date_day"])
    return str(int(pd.util.hash_pandas_object(part, index=False).sum()))


@dg.asset(key=["ml", "hotspot_scores"], deps=[hotspot_model, *MART_DEPS], group_name="hotspots",
          pool=WAREHOUSE_POOL, kinds={"duckdb"})
def hotspot_scores(context: dg.AssetExecutionContext, gridsight: GridsightData,
                   warehouse: Warehouse) -> dg.MaterializeResult:
    """Next week's expected disputes per grid with risk tier, reasons and suggested action."""
    saved, skip = _newest_model(context, gridsight, "hotspot scores")
    if skip:
        return skip
    inputs, panel, weekly = _inputs(warehouse)
    model = load_estimator(saved)
    scores = hb.next_week_scores(panel, weekly, inputs.grids, inputs.events, model)
    # the training window, not the version stamp: rescoring the same data gives the same table
    scores.insert(0, "model_trained_through", _trained_through(saved))
    scores["main_cause"] = scores["grid_id"].map(_main_causes(inputs.events, weekly.week_ends[-1]))
    rows = write_table(warehouse, "hotspot_scores", scores)
    high = scores[scores["risk_tier"] == "high"]
    context.log.info(f"hotspot scores for {scores['week_start'].iloc[0]} … {scores['week_end'].iloc[0]}: "
                     f"{rows} grids, {len(high)} high-risk")
    return dg.MaterializeResult(metadata={"rows": rows, "week_start": str(scores["week_start"].iloc[0]),
                                          "model_version": saved.version,
                                          "expected_disputes": float(scores["expected_disputes"].sum())})


def _main_causes(events: pd.DataFrame, end: dt.date, weeks: int = 12) -> pd.Series:
    """Each grid's most frequent dispute cause over the last `weeks` weeks (what a mediator prepares for)."""
    if events.empty or "category_l2" not in events:
        return pd.Series(dtype=object)
    days = pd.to_datetime(events["date_day"]).dt.date
    recent = events[(days <= end) & (days > end - dt.timedelta(weeks=weeks))]
    grid = recent.get("grid_id")
    if grid is None or recent.empty:
        return pd.Series(dtype=object)
    counts = recent.groupby(["grid_id", "category_l2"]).size().rename("n").reset_index()
    counts = counts.sort_values(["grid_id", "n", "category_l2"], ascending=[True, False, True])   # ties: by code
    return counts.drop_duplicates("grid_id").set_index("grid_id")["category_l2"]


BACKTEST = dg.AssetKey(["ml", "hotspot_backtest"])
SUMMARY = dg.AssetKey(["ml", "hotspot_backtest_summary"])


@dg.multi_asset(specs=[dg.AssetSpec(BACKTEST, deps=[hotspot_model, *MART_DEPS], group_name="hotspots",
                                    kinds={"duckdb"}),
                       dg.AssetSpec(SUMMARY, deps=[BACKTEST], group_name="hotspots", kinds={"duckdb"})],
                name="ml__hotspot_backtest", pool=WAREHOUSE_POOL)
def hotspot_backtest(context: dg.AssetExecutionContext, gridsight: GridsightData, warehouse: Warehouse):
    """Model vs last week, 4- and 12-week means and kernel density: rolling origin over up to 52 weeks, and
    its summary per model with the best baseline (ml.hotspot_backtest_summary, what the page shows)."""
    saved, skip = _newest_model(context, gridsight, "hotspot backtest")
    if skip:
        yield from (dg.MaterializeResult(asset_key=key, metadata=skip.metadata) for key in (BACKTEST, SUMMARY))
        return
    if _backtested_for(warehouse) == (_trained_through(saved), saved.info.get("design")):
        context.log.info(f"hotspot backtest is current for model {saved.version}")
        yield dg.MaterializeResult(asset_key=BACKTEST, metadata={"model_version": saved.version, "rerun": False})
        yield _write_summary(context, warehouse, read_sql(warehouse, "select * from ml.hotspot_backtest"))
        return
    inputs, panel, weekly = _inputs(warehouse)
    available = len(weekly.week_ends) - 1 - (hm.MIN_HISTORY_WEEKS + 8)
    n_origins = min(BACKTEST_WEEKS, available)
    if n_origins < hb.MIN_ORIGINS:
        reason = (f"a backtest needs {hb.MIN_ORIGINS + hm.MIN_HISTORY_WEEKS + 9} complete weeks; "
                  f"the warehouse has {len(weekly.week_ends)}")
        context.log.warning(f"hotspot backtest skipped: {reason}")
        empty = pd.DataFrame(columns=list(ml_columns("hotspot_backtest")))
        write_table(warehouse, "hotspot_backtest", empty)
        yield dg.MaterializeResult(asset_key=BACKTEST, metadata={"model_version": saved.version, "rows": 0,
                                                                 "skipped": reason})
        yield _write_summary(context, warehouse, empty)
        return
    results = hb.backtest(panel, weekly, inputs.grids, inputs.events, n_origins=n_origins,
                          train_weeks=TRAIN_WEEKS, refit_every=REFIT_EVERY, progress=context.log.info)
    results.insert(0, "model_trained_through", _trained_through(saved))
    results.insert(1, "model_design", saved.info.get("design"))
    rows = write_table(warehouse, "hotspot_backtest", results[list(ml_columns("hotspot_backtest"))])
    yield dg.MaterializeResult(asset_key=BACKTEST, metadata={"model_version": saved.version, "rows": rows,
                                                             "weeks": n_origins})
    yield _write_summary(context, warehouse, results)


def _write_summary(context: dg.AssetExecutionContext, warehouse: Warehouse,
                   results: pd.DataFrame) -> dg.MaterializeResult:
    """ml.hotspot_backtest_summary from the backtest's rows: the means per model and the best baseline."""
    columns = list(ml_columns("hotspot_backtest_summary"))
    if results.empty:
        write_table(warehouse, "hotspot_backtest_summary", pd.DataFrame(columns=columns))
        return dg.MaterializeResult(asset_key=SUMMARY, metadata={"rows": 0})
    table = hb.summary(results).reset_index().assign(model_trained_through=results["model_trained_through"].max())
    rows = write_table(warehouse, "hotspot_backtest_summary", table[columns])
    model = table.set_index("model").loc[hm.MODEL, "pai_10"]
    best = table[table["is_best_baseline"]].iloc[0]
    context.log.info(f"hotspot backtest over {int(table['weeks'].max())} weeks: model PAI@10% {model:.2f}, "
                     f"best baseline {best['model']} {best['pai_10']:.2f}")
    return dg.MaterializeResult(asset_key=SUMMARY, metadata={
        "rows": rows, "model_pai_10": float(model), "best_baseline": str(best["model"]),
        "best_baseline_pai_10": float(best["pai_10"])})


def _trained_through(saved) -> dt.date:
    return dt.date.fromisoformat(saved.info["train_end"])


def _backtested_for(warehouse: Warehouse) -> tuple[dt.date, int] | None:
    """The training end and design of the model the stored backtest was run for (None: no backtest yet,
    or one from before models had a design)."""
    try:
        frame = read_sql(warehouse, "select max(model_trained_through) as v, max(model_design) as d, count(*) as n "
                                    "from ml.hotspot_backtest")
    except Exception:   # noqa: BLE001 — no table yet, or one without model_design
        return None
    if not frame["n"].iloc[0]:
        return None
    return pd.Timestamp(frame["v"].iloc[0]).date(), int(frame["d"].iloc[0])


hotspot_assets = [hotspot_model, hotspot_scores, hotspot_backtest]

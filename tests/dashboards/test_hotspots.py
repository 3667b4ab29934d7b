"""The hotspots page: next week's risk from the snapshot, reasons, exportable actions, and the backtest
comparison, in Chinese by default and in English on request."""

import base64
import json
import shutil

import numpy as np
import pytest

from tests.conftest import REPO
from tests.dashboards.conftest import metrics as _metrics
from tests.dashboards.conftest import open_app

PAGE = REPO / "dashboards" / "views" / "hotspots.py"


def _run(monkeypatch, data_dir, lang="zh"):
    return open_app(monkeypatch, data_dir, script=PAGE, lang=lang)


@pytest.mark.slow
def test_next_week_risk_ranked_with_reasons_and_actions(world, marts, monkeypatch):
    app = _run(monkeypatch, world.data_dir)
    scores = marts.execute("""
        select s.*, g.name_zh from ml.hotspot_scores as s join marts.dim_grids as g using (grid_id)
        order by rank""").df()
    assert app.title[0].value == "矛盾纠纷热点预测"
    metrics = _metrics(app)
    assert metrics["下周预计纠纷数"] == f"{scores['expected_disputes'].sum():.1f}"
    assert metrics["高风险网格"] == str((scores["risk_tier"] == "high").sum())
    ranked = app.dataframe[0].value
    flagged = scores[scores["risk_tier"] != "normal"]
    assert len(ranked) == len(flagged)
    assert ranked["网格"].tolist() == flagged["name_zh"].tolist()
    # a grid's reasons are its features that raise its forecast, each with its factor
    explained = flagged["reason_1"].notna().to_numpy()
    assert explained.any()
    assert (ranked["主要原因(影响倍数)"][explained].str.count("×") >= 1).all()
    assert (ranked["主要原因(影响倍数)"][~explained] == "").all()
    actions = app.dataframe[1].value
    assert len(actions) == scores["action"].notna().sum()
    assert set(actions["建议措施"]) <= {"上门调解走访", "加强巡逻"}
    # too little history for a backtest: the page says so instead of drawing an empty chart
    assert any("历史数据不足" in i.value for i in app.info)


@pytest.mark.slow
def test_english(world, monkeypatch):
    app = _run(monkeypatch, world.data_dir, lang="en")
    assert app.title[0].value == "Dispute hotspot forecast"
    assert "Disputes expected next week" in _metrics(app)
    assert set(app.dataframe[1].value["Suggested action"]) <= {"Mediation visit", "Patrol"}


@pytest.fixture
def with_backtest(world, tmp_path, monkeypatch):
    """The world's warehouse with a real backtest of a simulated district (the session world is too short),
    through the hotspot marts into a new snapshot."""
    from models_ml import hotspot_backtest as hb
    from models_ml import hotspot_features as hf
    from models_ml.hotspot_model import MODEL_DESIGN
    from orchestration.dbt_catalog import ml_columns
    from orchestration.defs.resources import Warehouse
    from orchestration.ml_store import write_table
    from orchestration.runner import publish_ml_marts
    from simulator import disputes
    from simulator.world import build_world
    from tests.models_ml.test_hotspot_backtest import END, START, frames

    grids, _ = build_world(np.random.default_rng(1958), 3, 10, 3, 4)
    arrivals, _ = disputes.generate(np.random.default_rng([1958, 8]), grids, START, END)
    daily, area, population, events = frames(grids, arrivals, START, END)
    panel, weekly = hf.build_panel(daily, area, population)
    results = hb.backtest(panel, weekly, area, events, n_origins=26, refit_every=13)
    shutil.copytree(world.data_dir, tmp_path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("logs", "dagster_home", "serving"))
    monkeypatch.setenv("GRIDSIGHT_DATA_DIR", str(tmp_path))
    results.insert(0, "model_trained_through", END)
    results.insert(1, "model_design", MODEL_DESIGN)
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    write_table(warehouse, "hotspot_backtest", results[list(ml_columns("hotspot_backtest"))])
    summary = hb.summary(results).reset_index().assign(model_trained_through=END)
    write_table(warehouse, "hotspot_backtest_summary", summary[list(ml_columns("hotspot_backtest_summary"))])
    publish_ml_marts()
    return tmp_path, results


@pytest.mark.slow
def test_model_against_each_baseline(with_backtest, monkeypatch):
    data_dir, results = with_backtest
    app = _run(monkeypatch, data_dir)
    means = results.groupby("model")["pai_10"].mean()
    metrics = _metrics(app)
    assert metrics["模型 PAI@10%(回测均值)"] == f"{means['model']:.2f}"
    best = means.drop("model").idxmax()
    labels = {"last_week": "上周数", "mean_4w": "近4周均值", "mean_12w": "近12周均值", "kde": "核密度"}
    assert metrics[f"最佳基线:{labels[best]}"] == f"{means[best]:.2f}"
    table = app.dataframe[2].value
    assert table.loc["预测模型", "PAI@10%"] == pytest.approx(round(means["model"], 3))
    assert len(table) == 5
    app.selectbox(key="hotspot_metric__zh").set_value("pei_20").run()
    assert not app.exception
    chart = app.get("plotly_chart")[1]   # [0] is the risk map
    figure = json.loads(chart.proto.spec)
    assert len(figure["data"]) == 5
    model_line = next(d for d in figure["data"] if d["name"] == "预测模型")
    expected = results[results["model"] == "model"]["pei_20"].to_numpy()
    y = model_line["y"]
    if isinstance(y, dict):   # plotly sends numbers as a base64 typed array
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    assert np.allclose(np.asarray(y, dtype=float), expected, equal_nan=True)


def test_every_reason_the_model_can_give_has_a_label_in_both_languages():
    from dashboards.i18n import LABELS
    from models_ml.hotspot_features import FEATURES
    from models_ml.hotspot_model import LONG_RUN

    missing = [f for f in [*FEATURES, LONG_RUN] if set(LABELS.get(f"feat_{f}", {})) != {"zh", "en"}]
    assert not missing, missing

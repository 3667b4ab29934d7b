"""The one rule both model areas use to decide that a saved model must be retrained."""

import datetime as dt
from pathlib import Path

from orchestration.defs.common import out_of_date
from orchestration.ml_store import SavedModel

END = dt.date(2026, 3, 1)


def _saved(**info) -> SavedModel:
    return SavedModel("m", "v1", Path("v1.skops"), {"train_start": "2026-01-01", "train_end": str(END), **info})


def test_a_current_model_is_not_out_of_date():
    saved = _saved(design=3, zones=["a", "b"], history="h")
    assert out_of_date(saved, END, design=3, max_lag_days=7, known={"zones": ["a"]},
                       fingerprint=("history", lambda info: "h")) is None
    assert out_of_date(saved, END + dt.timedelta(days=6), max_lag_days=7) is None


def test_each_reason_to_retrain():
    assert "no model" in out_of_date(None, END)
    assert "after these data end" in out_of_date(_saved(), END - dt.timedelta(days=1))
    assert "design" in out_of_date(_saved(design=2), END, design=3)
    assert "behind" in out_of_date(_saved(), END + dt.timedelta(days=7), max_lag_days=7)
    assert "zone" in out_of_date(_saved(zones=["a"]), END, known={"zones": ["a", "b"]})
    assert "late or corrected delivery" in out_of_date(_saved(history="h"), END,
                                                       fingerprint=("history", lambda info: "other"))
    assert "late or corrected delivery" in out_of_date(_saved(), END, fingerprint=("history", lambda info: "h"))

import numpy as np
import pytest

from training.metrics import reliability, span_metrics, threshold_for_precision, threshold_table


def test_span_metrics_pooled_and_semeval():
    # gold 0-10 and 20-22; predicted 5-15 covers half of the first gold span.
    m = span_metrics([([(0, 10), (20, 22)], [(5, 15)])])
    assert m["precision"] == pytest.approx(5 / 10)
    assert m["recall"] == pytest.approx(5 / 12)
    # SemEval: the missed short span weighs as much as the long one.
    assert m["semeval"]["precision"] == pytest.approx(0.5)
    assert m["semeval"]["recall"] == pytest.approx((0.5 + 0.0) / 2)


def test_span_metrics_without_predictions_or_gold():
    m = span_metrics([([], [])])
    assert m["precision"] == 1.0 and m["recall"] == 1.0


def test_threshold_table_and_reliability():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    score = np.clip(y * 0.6 + rng.random(2000) * 0.4, 0, 1)
    rows = threshold_table(y, score)
    assert [r["threshold"] for r in rows][:2] == [0.05, 0.1]
    assert all(a["recall"] >= b["recall"] for a, b in zip(rows, rows[1:]))
    assert rows[-1]["precision"] == 1.0  # only positives score above 0.95
    points = reliability(y, score)
    assert sum(p["n"] for p in points) == 2000
    assert points[0]["observed"] == 0.0 and points[-1]["observed"] == 1.0


def test_threshold_for_precision_reaches_target():
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.65, 0.6, 0.3, 0.2, 0.1])
    t, ok = threshold_for_precision(y, s, 0.99, floor=0.0)
    assert ok and t == pytest.approx(0.7)

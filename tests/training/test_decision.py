import numpy as np
import pytest

from training.decision import FPR_POINTS, choose, operating_point, threshold_for_fpr


def test_threshold_for_fpr_flags_at_most_the_target_share_of_negatives():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 5000)
    score = np.clip(y * 0.3 + rng.random(5000) * 0.7, 0, 1)
    for target in (0.05, 0.01, 0.002):
        t, ok = threshold_for_fpr(y, score, target, floor=0.0)
        fpr = (score[y == 0] >= t).mean()
        assert ok and fpr <= target
        # The lowest such cut: one notch lower lets the next negative in.
        assert (score[y == 0] >= t - 1e-4).mean() > target or t == pytest.approx(0.0)


def test_threshold_for_fpr_cut_is_readable_and_above_the_excluded_negative():
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    s = np.array([0.99, 0.95, 0.9123456, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])
    t, ok = threshold_for_fpr(y, s, 0.1, floor=0.0)  # none of 8 negatives may be flagged
    assert ok and t == pytest.approx(0.9124) and t > 0.9123456
    # Readable as written: the stored float is 0.9124 itself, not 0.91239999...
    for last in (0.8996123, 0.9123456, 0.2500001, 0.70004):
        cut, _ = threshold_for_fpr(np.array([1, 0]), np.array([1.0, last]), 0.0, floor=0.0)
        assert repr(cut) == repr(round(cut, 4)) and len(repr(cut)) <= 6 and cut > last
    assert operating_point(y, s, t) == {"threshold": t, "recall": 2 / 3, "fpr": 0.0, "precision": 1.0}


def test_threshold_for_fpr_keeps_the_floor_and_handles_no_negatives():
    y = np.array([1, 0, 0, 0])
    s = np.array([0.3, 0.2, 0.1, 0.05])
    assert threshold_for_fpr(y, s, 0.0) == (0.5, True)
    assert threshold_for_fpr(np.ones(3, int), np.ones(3), 0.01) == (0.5, False)


def test_choose_records_the_target_and_the_other_operating_points():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 3000)
    score = np.clip(y * 0.4 + rng.random(3000) * 0.6, 0, 1)
    by_fpr = choose(y, score, 0.01, 0.95)
    assert by_fpr["decision_target"] == {"fpr": 0.01} and by_fpr["decision_target_reached"]
    assert by_fpr["decision_point"]["fpr"] <= 0.01
    assert [p["target"] for p in by_fpr["operating_points"]][: len(FPR_POINTS)] == [{"fpr": f} for f in FPR_POINTS]
    # Stricter false-positive targets never cut lower.
    cuts = [p["threshold"] for p in by_fpr["operating_points"][: len(FPR_POINTS)]]
    assert cuts == sorted(cuts)
    by_precision = choose(y, score, None, 0.95)
    assert by_precision["decision_target"] == {"precision": 0.95}
    assert by_precision["decision_point"]["precision"] >= 0.95

"""The decision threshold and the other operating points, chosen on out-of-fold scores.

The default target is a false-positive rate: the share of non-propaganda
documents (reporting and unrelated) the label may flag. Unlike precision, a
false-positive rate does not depend on how much propaganda the data holds: the
seed corpus is about a third propaganda, a platform's traffic a tiny fraction,
so "precision >= 0.95 on the seeds" promises nothing about precision there,
while "flags at most 0.5% of reporting" carries over.
"""

from __future__ import annotations

import math

import numpy as np

from training.metrics import threshold_for_precision

# Other cuts stored beside the decision, so a platform can pick its own error
# rate from the metadata without retraining.
FPR_POINTS = (0.02, 0.01, 0.005, 0.002)
PRECISION_POINTS = (0.95,)


def threshold_for_fpr(is_prop: np.ndarray, score: np.ndarray, target: float, floor: float = 0.5) -> tuple[float, bool]:
    """The lowest threshold that flags at most `target` of the negatives (never below `floor`).

    Returns (threshold, reached); the cut is rounded up to 4 decimals so that it
    reads well in the metadata and still lies above the last negative it excludes.
    """
    neg = np.sort(np.asarray(score)[np.asarray(is_prop) == 0])[::-1]
    if not len(neg):
        return floor, False
    allowed = int(math.floor(target * len(neg) + 1e-9))
    if allowed >= len(neg):
        return floor, True
    last = float(neg[allowed])  # the highest negative that must stay below the cut
    cut = (math.floor(last * 1e4) + 1) / 1e4  # one division: 0.8997, not 0.8996 + 0.0001 = 0.89969999...
    if cut <= last:
        cut = float(np.nextafter(last, np.inf))
    return max(min(cut, 1.0), floor), True


def operating_point(is_prop: np.ndarray, score: np.ndarray, threshold: float) -> dict:
    """Recall, false-positive rate and precision of one cut."""
    flagged = score >= threshold
    pos, neg = is_prop == 1, is_prop == 0
    n_flag = int(flagged.sum())
    return {
        "threshold": float(threshold),
        "recall": float((flagged & pos).sum() / max(int(pos.sum()), 1)),
        "fpr": float((flagged & neg).sum() / max(int(neg.sum()), 1)),
        "precision": float((flagged & pos).sum() / n_flag) if n_flag else None,
    }


def choose(is_prop: np.ndarray, score: np.ndarray, target_fpr: float | None, target_precision: float) -> dict:
    """The decision threshold for the configured target, and the table of other operating points."""
    if target_fpr is not None:
        decision, reached = threshold_for_fpr(is_prop, score, target_fpr)
        target = {"fpr": target_fpr}
    else:
        decision, reached = threshold_for_precision(is_prop, score, target_precision)
        target = {"precision": target_precision}
    points = [{"target": {"fpr": f}, **operating_point(is_prop, score, threshold_for_fpr(is_prop, score, f)[0])}
              for f in FPR_POINTS]
    points += [
        {"target": {"precision": p}, **operating_point(is_prop, score, threshold_for_precision(is_prop, score, p)[0])}
        for p in PRECISION_POINTS
    ]
    return {
        "decision": decision,
        "decision_target": target,
        "decision_target_reached": reached,
        "decision_point": operating_point(is_prop, score, decision),
        "operating_points": points,
    }

"""Metrics for documents, probabilities and character-level spans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from training.labels import LABELS, PROPAGANDA

Spans = Sequence[tuple[int, int]]


def decide(proba: np.ndarray, threshold: float) -> np.ndarray:
    """Label indices: propaganda at or above the threshold, else the likelier other class."""
    rest = 1 + np.argmax(proba[:, 1:], axis=1)
    return np.where(proba[:, 0] >= threshold, 0, rest)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())
    return float(ece)


def document_metrics(y: np.ndarray, proba: np.ndarray, threshold: float) -> dict:
    """y: label indices in LABELS order; proba: (n, 3) calibrated probabilities."""
    pred = decide(proba, threshold)
    p, r, f, support = precision_recall_fscore_support(
        y, pred, labels=range(len(LABELS)), zero_division=0
    )
    is_prop = (y == 0).astype(int)
    out: dict = {
        "n": int(len(y)),
        "accuracy": float((pred == y).mean()),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, lab in enumerate(LABELS)
        },
        "confusion": confusion_matrix(y, pred, labels=range(len(LABELS))).tolist(),
        "brier": float(np.mean(np.sum((proba - np.eye(len(LABELS))[y]) ** 2, axis=1))),
        "ece": expected_calibration_error(proba.max(axis=1), (proba.argmax(axis=1) == y).astype(float)),
    }
    if 0 < is_prop.sum() < len(y):
        out["propaganda_roc_auc"] = float(roc_auc_score(is_prop, proba[:, 0]))
        out["propaganda_average_precision"] = float(average_precision_score(is_prop, proba[:, 0]))
    neg = is_prop == 0
    out["propaganda_fpr"] = float((pred[neg] == 0).mean()) if neg.any() else None
    return out


def _chars(spans: Spans) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_metrics(pairs: Iterable[tuple[Spans, Spans]]) -> dict:
    """Span precision/recall/F1 over documents, from (gold, predicted) pairs.

    Two views. The headline one pools characters over all documents. The
    `semeval` one is SemEval-2020 Task 11's span-identification score: each
    predicted span earns its overlap share with gold (precision), each gold
    span the share of it that was found (recall), averaged over spans, so a
    short missed span counts as much as a long one.
    """
    tp = n_pred = n_gold = 0
    docs = 0
    sp_sum = sr_sum = 0.0
    sp_n = sr_n = 0
    for gold, pred in pairs:
        g, p = _chars(gold), _chars(pred)
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
        docs += 1
        for s in pred:
            sp_sum += sum(_overlap(s, t) for t in gold) / max(s[1] - s[0], 1)
        for t in gold:
            sr_sum += sum(_overlap(s, t) for s in pred) / max(t[1] - t[0], 1)
        sp_n += len(pred)
        sr_n += len(gold)
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    sp = sp_sum / sp_n if sp_n else 1.0
    sr = sr_sum / sr_n if sr_n else 1.0
    return {
        "documents": docs,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "semeval": {"precision": sp, "recall": sr, "f1": _f1(sp, sr)},
    }


def reliability(is_prop: np.ndarray, score: np.ndarray, bins: int = 10) -> list[dict]:
    """Reliability-diagram points for the propaganda score: equal-width bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(score, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        if m.any():
            out.append(
                {"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int(m.sum()),
                 "mean_score": float(score[m].mean()), "observed": float(is_prop[m].mean())}
            )
    return out


def threshold_table(is_prop: np.ndarray, score: np.ndarray, step: float = 0.05) -> list[dict]:
    """Precision, recall, FPR and share flagged at each threshold on the propaganda score."""
    pos, neg = is_prop == 1, is_prop == 0
    rows = []
    for t in np.round(np.arange(step, 1.0, step), 4):
        flagged = score >= t
        tp = int((flagged & pos).sum())
        n_flag = int(flagged.sum())
        rows.append(
            {
                "threshold": float(t),
                "precision": tp / n_flag if n_flag else None,
                "recall": tp / int(pos.sum()) if pos.any() else None,
                "fpr": float((flagged & neg).sum() / neg.sum()) if neg.any() else None,
                "flagged": float(flagged.mean()) if len(score) else 0.0,
            }
        )
    return rows


def threshold_for_precision(
    is_prop: np.ndarray, score: np.ndarray, target: float, floor: float = 0.5
) -> tuple[float, bool]:
    """The threshold with the most recall at precision >= `target`; else the best-F1 one.

    Among cuts with equal recall the highest wins, so no negative is flagged
    for nothing. The floor keeps the label from going to texts the model itself
    thinks are more likely not propaganda. Returns (threshold, target reached).
    """
    order = np.argsort(-score, kind="stable")
    s, t = score[order], is_prop[order]
    tp = np.cumsum(t)
    precision = tp / np.arange(1, len(s) + 1)
    recall = tp / max(int(t.sum()), 1)
    # Only cut between distinct scores, and only just after a positive.
    cut = np.r_[s[1:] != s[:-1], True] & (t == 1)
    ok = np.flatnonzero(cut & (precision >= target))
    if ok.size:
        best = ok[np.argmax(recall[ok])]  # argmax takes the first, i.e. highest, cut
        return max(float(s[best]), floor), True
    if not cut.any():
        return max(0.5, floor), False
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    cuts = np.flatnonzero(cut)
    return max(float(s[cuts[np.argmax(f1[cuts])]]), floor), False


__all__ = [
    "LABELS",
    "PROPAGANDA",
    "decide",
    "document_metrics",
    "reliability",
    "span_metrics",
    "threshold_for_precision",
    "threshold_table",
]

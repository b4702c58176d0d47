"""The report's figures, drawn with matplotlib's file-only backend."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve, roc_curve  # noqa: E402

from training.labels import LABELS  # noqa: E402


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def pr_curve(is_prop: np.ndarray, score: np.ndarray, threshold: float, path: Path) -> str:
    precision, recall, cuts = precision_recall_curve(is_prop, score)
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    ax.plot(recall, precision, lw=1.6)
    k = int(np.searchsorted(cuts, threshold)) if len(cuts) else 0
    if k < len(cuts):
        ax.plot(recall[k], precision[k], "o", color="crimson", label=f"decision threshold {threshold:.2f}")
        ax.legend(loc="lower left", fontsize=8)
    ax.set(xlabel="recall", ylabel="precision", title="Propaganda: precision-recall", xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    return _save(fig, path)


def roc(is_prop: np.ndarray, score: np.ndarray, path: Path) -> str:
    fpr, tpr, _ = roc_curve(is_prop, score)
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    ax.plot(fpr, tpr, lw=1.6)
    ax.plot([0, 1], [0, 1], ls=":", color="grey")
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate", title="Propaganda: ROC", xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    return _save(fig, path)


def reliability(points: list[dict], path: Path) -> str:
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="perfect calibration")
    if points:
        x = [p["mean_score"] for p in points]
        ax.plot(x, [p["observed"] for p in points], "o-", label="model")
        for p in points:
            ax.annotate(str(p["n"]), (p["mean_score"], p["observed"]), fontsize=6, xytext=(3, -8), textcoords="offset points")
    ax.set(xlabel="mean propaganda score in bin", ylabel="share that is propaganda", title="Reliability", xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def confusion(matrix: list[list[int]], path: Path) -> str:
    m = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(4.4, 3.8))
    ax.imshow(m, cmap="Blues")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, str(m[i, j]), ha="center", va="center", color="white" if m[i, j] > m.max() / 2 else "black")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=20)
    ax.set_yticks(range(len(LABELS)), LABELS)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix")
    return _save(fig, path)


def per_source(rows: list[tuple[str, str, float]], path: Path) -> str:
    """rows: (source, 'recall' or 'FPR', value)."""
    fig, ax = plt.subplots(figsize=(7.0, 0.5 + 0.42 * max(len(rows), 1)))
    names = [f"{s} ({kind})" for s, kind, _ in rows]
    colors = ["seagreen" if kind == "recall" else "indianred" for _, kind, _ in rows]
    ax.barh(names, [v for _, _, v in rows], color=colors)
    for i, (_, _, v) in enumerate(rows):
        ax.text(min(v + 0.01, 0.9), i, f"{v:.3f}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), title="Per source: recall (green), false-positive rate (red)")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)

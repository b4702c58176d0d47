"""Measure a model on labelled data, overall and per source."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.table import Table

from training.corpus import Corpus, Record
from training.labels import LABELS
from training.metrics import (
    document_metrics,
    reliability,
    span_metrics,
    threshold_for_precision,
    threshold_table,
)
from training.model import Model
from training.perturb import robustness


@dataclass
class Evaluation:
    """The metrics, plus the per-document arrays the report plots from."""

    metrics: dict
    y: np.ndarray  # label indices in LABELS order
    proba: np.ndarray  # (n, 3) calibrated probabilities
    sources: list[str]


def _measure(model: Model, records: list[Record], proba: np.ndarray) -> dict:
    y = np.array([LABELS.index(r.label) for r in records])
    out = document_metrics(y, proba, model.threshold)
    gold = [r for r in records if r.spans]
    if gold:
        predicted = model.spans([r.text for r in gold])
        out["spans"] = span_metrics((r.spans, [(s.start, s.end) for s in ps]) for r, ps in zip(gold, predicted))
    return out


def predict(model: Model, texts: list[str], batch: int = 512) -> np.ndarray:
    if not texts:
        return np.zeros((0, len(LABELS)))
    return np.vstack([model.predict_proba(texts[i : i + batch]) for i in range(0, len(texts), batch)])


def evaluate(model: Model, corpus: Corpus, target_precision: float = 0.95, perturb: bool = True) -> Evaluation:
    records = corpus.records
    proba = predict(model, [r.text for r in records])
    y = np.array([LABELS.index(r.label) for r in records], dtype=int)
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_source[r.source].append(i)
    overall = _measure(model, records, proba)
    is_prop, score = (y == 0).astype(int), proba[:, 0]
    overall["reliability"] = reliability(is_prop, score)
    overall["thresholds"] = threshold_table(is_prop, score)
    if 0 < is_prop.sum() < len(y):
        t, reached = threshold_for_precision(is_prop, score, target_precision, floor=0.0)
        overall["threshold_for_target"] = {"target_precision": target_precision, "threshold": t, "reached": reached}
    if perturb:
        overall["robustness"] = robustness(model, [r.text for r in records if r.label == "propaganda"])
    metrics = {
        "model": model.version,
        "threshold": model.threshold,
        "span_threshold": model.span_threshold,
        "data": corpus.files,
        "overall": overall,
        "sources": {
            src: _measure(model, [records[i] for i in idx], proba[idx]) for src, idx in sorted(by_source.items())
        },
    }
    return Evaluation(metrics, y, proba, [r.source for r in records])


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def print_table(metrics: dict, console: Console) -> None:
    table = Table(title=f"model {metrics['model']} (decision threshold {metrics['threshold']:.3f})")
    cols = ("source", "n", "accuracy", "prop. P", "prop. R", "prop. F1", "FPR", "AUC", "Brier", "span F1")
    for col in cols:
        table.add_column(col, justify="left" if col == "source" else "right")
    rows = [*metrics["sources"].items(), ("overall", metrics["overall"])]
    for name, m in rows:
        prop = m["per_class"]["propaganda"]
        has_prop = prop["support"] > 0
        table.add_row(
            name,
            str(m["n"]),
            _fmt(m["accuracy"]),
            _fmt(prop["precision"]) if has_prop else "-",
            _fmt(prop["recall"]) if has_prop else "-",
            _fmt(prop["f1"]) if has_prop else "-",
            _fmt(m["propaganda_fpr"]),
            _fmt(m.get("propaganda_roc_auc")),
            _fmt(m["brier"]),
            _fmt(m["spans"]["f1"]) if "spans" in m else "-",
        )
    console.print(table)
    target = metrics["overall"].get("threshold_for_target")
    if target:
        state = "reached" if target["reached"] else "NOT reached (best-F1 threshold shown)"
        console.print(f"threshold for precision ≥ {target['target_precision']:.2f}: {target['threshold']:.3f} ({state})")
    rob = metrics["overall"].get("robustness")
    if rob:
        parts = ", ".join(f"{k} {v['mean_abs_change']:.3f}" for k, v in rob.items() if k != "n")
        console.print(f"mean |score change| under evasion, {rob['n']} propaganda texts: {parts}")

"""Measure a model on labelled data, overall and per source."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from rich.console import Console
from rich.table import Table

from training.corpus import Corpus, Record
from training.labels import LABELS
from training.metrics import document_metrics, span_metrics
from training.model import Model


def _measure(model: Model, records: list[Record], proba: np.ndarray) -> dict:
    y = np.array([LABELS.index(r.label) for r in records])
    out = document_metrics(y, proba, model.threshold)
    gold = [r for r in records if r.spans]
    if gold:
        predicted = model.spans([r.text for r in gold])
        out["spans"] = span_metrics((r.spans, [(s.start, s.end) for s in ps]) for r, ps in zip(gold, predicted))
    return out


def evaluate(model: Model, corpus: Corpus, batch: int = 512) -> dict:
    records = corpus.records
    proba = np.vstack([model.predict_proba([r.text for r in records[i : i + batch]]) for i in range(0, len(records), batch)])
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_source[r.source].append(i)
    return {
        "model": model.version,
        "threshold": model.threshold,
        "overall": _measure(model, records, proba),
        "sources": {
            src: _measure(model, [records[i] for i in idx], proba[idx]) for src, idx in sorted(by_source.items())
        },
    }


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def print_table(metrics: dict, console: Console) -> None:
    table = Table(title=f"model {metrics['model']} (decision threshold {metrics['threshold']:.3f})")
    for col in ("source", "n", "accuracy", "prop. precision", "prop. recall", "prop. FPR", "span F1"):
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
            _fmt(m["propaganda_fpr"]),
            _fmt(m["spans"]["f1"]) if "spans" in m else "-",
        )
    console.print(table)

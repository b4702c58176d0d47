"""Write metrics.json, the figures and report.html into one folder."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from training.evaluate import Evaluation
from training.report import plots


def _source_rows(metrics: dict) -> list[tuple[str, str, float]]:
    rows = []
    for name, m in metrics["sources"].items():
        if m["per_class"]["propaganda"]["support"] == m["n"]:
            rows.append((name, "recall", m["per_class"]["propaganda"]["recall"]))
        elif m["propaganda_fpr"] is not None:
            rows.append((name, "FPR", m["propaganda_fpr"]))
    return rows


def write_report(evaluation: Evaluation, folder: Path) -> Path:
    """Returns the path of report.html."""
    folder.mkdir(parents=True, exist_ok=True)
    m = evaluation.metrics
    (folder / "metrics.json").write_text(json.dumps(m, indent=2) + "\n")
    is_prop, score = (evaluation.y == 0).astype(int), evaluation.proba[:, 0]
    figures = {}
    if 0 < is_prop.sum() < len(is_prop):
        figures["Precision-recall"] = plots.pr_curve(is_prop, score, m["threshold"], folder / "pr_curve.png")
        figures["ROC"] = plots.roc(is_prop, score, folder / "roc.png")
    figures["Reliability"] = plots.reliability(m["overall"]["reliability"], folder / "reliability.png")
    figures["Confusion matrix"] = plots.confusion(m["overall"]["confusion"], folder / "confusion.png")
    rows = _source_rows(m)
    if rows:
        figures["Per source"] = plots.per_source(rows, folder / "per_source.png")
    env = Environment(loader=PackageLoader("training.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    html = env.get_template("report.html.j2").render(m=m, figures=figures)
    out = folder / "report.html"
    out.write_text(html, encoding="utf-8")
    return out

import json

from typer.testing import CliRunner

from service.cli import app
from tests import corpus_factory

runner = CliRunner()


def test_eval_report_has_metrics_plots_and_a_page(tiny_models_dir, tiny_data, tmp_path):
    report = tmp_path / "report"
    res = runner.invoke(app, ["eval", "--data", str(tiny_data), "--models-dir", str(tiny_models_dir), "--report", str(report)])
    assert res.exit_code == 0, res.output
    m = json.loads((report / "metrics.json").read_text())
    o = m["overall"]
    for key in ("propaganda_roc_auc", "propaganda_average_precision", "brier", "ece", "confusion", "reliability"):
        assert key in o
    assert o["spans"]["documents"] > 0 and 0 <= o["spans"]["semeval"]["f1"] <= 1
    # The tiny corpus is separable: the threshold table must reach the target.
    assert o["threshold_for_target"]["reached"]
    recalls = [r["recall"] for r in o["thresholds"]]
    assert recalls == sorted(recalls, reverse=True)
    assert set(o["robustness"]) >= {"n", "homoglyphs", "zero_width", "leetspeak"}
    html = (report / "report.html").read_text()
    for png in ("pr_curve.png", "roc.png", "reliability.png", "confusion.png", "per_source.png"):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{png}"' in html
    assert "threshold for precision" in res.output


def test_report_escapes_source_names(tiny_models_dir, tmp_path):
    rows = corpus_factory.records(n_per_class=6)
    for r in rows:
        r["source"] = "<script>alert(1)</script>"
    data = corpus_factory.write(tmp_path / "hostile.jsonl", rows)
    report = tmp_path / "report"
    res = runner.invoke(app, ["eval", "--data", str(data), "--models-dir", str(tiny_models_dir), "--report", str(report)])
    assert res.exit_code == 0, res.output
    html = (report / "report.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_eval_on_a_missing_file_is_a_message(tiny_models_dir, tmp_path):
    res = runner.invoke(app, ["eval", "--data", str(tmp_path / "nope.jsonl"), "--models-dir", str(tiny_models_dir)])
    assert res.exit_code == 2 and "Traceback" not in res.output

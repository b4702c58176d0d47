import json

from typer.testing import CliRunner

from service.cli import app
from training import artifacts

runner = CliRunner()


def test_train_writes_a_versioned_current_model(tiny_data, tmp_path):
    res = runner.invoke(app, ["train", "--data", str(tiny_data), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    folder = artifacts.current(tmp_path)
    meta = json.loads((folder / "metadata.json").read_text())
    assert folder.name == meta["version"]
    assert "held-out accuracy" in res.output


def test_score_keeps_order_ids_and_the_output_contract(tiny_models_dir, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "We will crush the tyrants, brothers, rise and fight!"})
        + "\n\n"
        + json.dumps({"text": "Shares rose after the company reported strong sales."})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["score", str(src), "--models-dir", str(tiny_models_dir), "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", None]
    assert [r["label"] for r in rows] == ["propaganda", "unrelated"]
    assert set(rows[0]) == {"id", "label", "propaganda_score", "scores", "spans"}
    assert {"start", "end", "score", "text"} <= set(rows[0]["spans"][0])


def test_score_reads_stdin(tiny_models_dir):
    res = runner.invoke(
        app, ["score", "-", "--models-dir", str(tiny_models_dir), "--no-spans"], input='{"text": "Rain is expected."}\n'
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["spans"] == []


def test_malformed_line_fails_with_its_number_and_no_output(tiny_models_dir, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{"text": broken\n')
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["score", str(src), "--models-dir", str(tiny_models_dir), "-o", str(out)])
    assert res.exit_code == 2
    assert f"{src}:2: invalid JSON" in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_missing_model_is_a_message_not_a_traceback(tmp_path):
    res = runner.invoke(app, ["score", "--models-dir", str(tmp_path)], input='{"text": "x"}\n')
    assert res.exit_code == 2
    assert "no current model" in res.output and "Traceback" not in res.output


def test_eval_prints_a_table_and_writes_metrics(tiny_models_dir, tiny_data, tmp_path):
    res = runner.invoke(
        app, ["eval", "--data", str(tiny_data), "--models-dir", str(tiny_models_dir), "--report", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["overall"]["n"] == 200 and "tiny" in metrics["sources"]
    assert "overall" in res.output


def test_data_check_exit_status(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"text": "We will rise and win, brothers.", "label": "propaganda"}\n'
        '{"text": "The ministry said the figures were provisional.", "label": "reporting"}\n'
        '{"text": "Our cat sleeps on the windowsill all afternoon.", "label": "unrelated"}\n'
    )
    assert runner.invoke(app, ["data", "check", str(good)]).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "propaganda", "spans": [{"start": 0, "end": 9}]}\n')
    res = runner.invoke(app, ["data", "check", str(bad)])
    assert res.exit_code == 1 and "out of bounds" in res.output

import json

import pytest
from typer.testing import CliRunner

from service.cli import app
from tests import corpus_factory
from training import artifacts
from training.corpus import read_corpus
from training.fit import TrainConfig, train

runner = CliRunner()


@pytest.fixture(scope="module")
def worse_model(tmp_path_factory):
    """Trained on data where most propaganda is mislabelled as unrelated."""
    rows = corpus_factory.records(seed=1)
    for i, r in enumerate(rows):
        if r["label"] == "propaganda" and i % 4:
            r["label"] = "unrelated"
    data = corpus_factory.write(tmp_path_factory.mktemp("bad") / "bad.jsonl", rows)
    out = tmp_path_factory.mktemp("bad-models")
    return artifacts.save(train(read_corpus([data]), TrainConfig(folds=3)), out, make_current=False)


@pytest.fixture()
def models(tmp_path, tiny_models_dir):
    """A fresh models folder whose current model is the tiny one."""
    current = artifacts.current(tiny_models_dir)
    target = tmp_path / "models"
    target.mkdir()
    folder = target / current.name
    folder.mkdir()
    for f in current.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    artifacts.set_current(target, folder)
    return target


def _log(models):
    return [json.loads(line) for line in (models / "promotions.jsonl").read_text().splitlines()]


def test_a_regressing_candidate_is_refused_and_logged(models, worse_model, tiny_data):
    before = artifacts.current(models)
    res = runner.invoke(app, ["promote", str(worse_model), "--data", str(tiny_data), "--models-dir", str(models)])
    assert res.exit_code == 1, res.output
    assert "refused" in res.output and "recall" in res.output
    assert artifacts.current(models) == before
    entry = _log(models)[-1]
    assert entry["promoted"] is False and entry["regressions"]


def test_force_promotes_and_logs_the_override(models, worse_model, tiny_data):
    res = runner.invoke(app, ["promote", str(worse_model), "--data", str(tiny_data), "--models-dir", str(models), "--force"])
    assert res.exit_code == 0, res.output
    assert artifacts.current(models).name == worse_model.name
    entry = _log(models)[-1]
    assert entry["promoted"] is True and entry["forced"] is True and entry["regressions"]


def test_an_equal_model_is_promoted(models, tiny_data, tmp_path):
    # Retraining on the same data gives the same model: no regression.
    out = tmp_path / "candidates"
    res = runner.invoke(app, ["train", "--data", str(tiny_data), "--out", str(out), "--no-current"])
    assert res.exit_code == 0, res.output
    assert artifacts.current(out) is None
    candidate = next(p for p in out.iterdir() if p.is_dir())
    res = runner.invoke(app, ["promote", str(candidate), "--data", str(tiny_data), "--models-dir", str(models)])
    assert res.exit_code == 0, res.output
    entry = _log(models)[-1]
    assert entry["promoted"] is True and entry["forced"] is False and entry["regressions"] == []


def test_a_tampered_candidate_is_refused(models, worse_model, tiny_data, tmp_path):
    bad = tmp_path / worse_model.name
    bad.mkdir()
    for f in worse_model.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    weights = bad / artifacts.WEIGHTS
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    res = runner.invoke(app, ["promote", str(bad), "--data", str(tiny_data), "--models-dir", str(models), "--force"])
    assert res.exit_code == 2 and "SHA-256" in res.output

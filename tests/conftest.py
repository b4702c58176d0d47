from __future__ import annotations

from pathlib import Path

import pytest

from tests import corpus_factory
from training import artifacts
from training.corpus import read_corpus
from training.fit import TrainConfig, train

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    return corpus_factory.write(tmp_path_factory.mktemp("data") / "tiny.jsonl", corpus_factory.records())


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory, tiny_data) -> Path:
    models = tmp_path_factory.mktemp("models")
    artifacts.save(train(read_corpus([tiny_data]), TrainConfig(folds=3)), models)
    return models


@pytest.fixture(scope="session")
def tiny_model(tiny_models_dir):
    return artifacts.load(artifacts.current(tiny_models_dir))


@pytest.fixture(scope="session")
def seed_model(tmp_path_factory):
    """The default model, trained from the project's own seeds/ exactly as `modlens train` does."""
    models = tmp_path_factory.mktemp("seed-models")
    artifacts.save(train(read_corpus([REPO / "seeds"])), models)
    return artifacts.load(artifacts.current(models))

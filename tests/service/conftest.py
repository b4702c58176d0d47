import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture()
def settings(tmp_path) -> Settings:
    return Settings(models_dir=tmp_path, max_text_chars=2000, max_batch=4, open=True)


@pytest.fixture()
def client(settings, tiny_model):
    with TestClient(create_app(settings, tiny_model)) as c:
        yield c


@pytest.fixture(scope="session")
def second_model_dir(tmp_path_factory, tiny_data):
    """Another real model (different training settings, so another version), saved on its own."""
    from training import artifacts
    from training.corpus import read_corpus
    from training.fit import TrainConfig, train

    models = tmp_path_factory.mktemp("second")
    return artifacts.save(train(read_corpus([tiny_data]), TrainConfig(folds=4, C=2.0)), models)


@pytest.fixture()
def two_models(tmp_path, tiny_models_dir, second_model_dir):
    """A fresh models folder holding both models, `current` pointing at the first (tiny) one."""
    import shutil

    from training import artifacts

    models = tmp_path / "models"
    first = artifacts.current(tiny_models_dir)
    shutil.copytree(first, models / first.name)
    shutil.copytree(second_model_dir, models / second_model_dir.name)
    artifacts.set_current(models, models / first.name)
    return models, models / first.name, models / second_model_dir.name

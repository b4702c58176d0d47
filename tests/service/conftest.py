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

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.review import auth
from service.settings import Settings
from training import artifacts

PASSWORD = "correct horse battery"
# A news report quoting a leaflet (the tiny model highlights the quote), a
# recruitment text, and an unrelated one: all written for these tests.
QUOTING = (
    'Leaflets were found in Eastport on Sunday, residents said. "Rise and fight the tyrants, brothers, '
    'victory is near" read one leaflet. "We are worried for our children," said a teacher in Eastport. '
    "Police said they were investigating."
)
RECRUITING = (
    "Brothers, rise and join the movement! We will crush the invaders in the valley and our martyrs will be honoured."
)
UNRELATED = "The museum in Riverside opens a new exhibition on medieval pottery and textiles next week."
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "review"


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'reviews.db'}"


@pytest.fixture()
def review_settings(tmp_path, db_url) -> Settings:
    return Settings(models_dir=tmp_path, review_db_url=db_url, max_text_chars=5000, max_batch=8, open=True)


@pytest.fixture()
def app(review_settings, tiny_model):
    return create_app(review_settings, tiny_model)


@pytest.fixture()
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def reviewer(app):
    with app.state.review.session() as db:
        return auth.add_user(db, "ana", PASSWORD)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client: TestClient, username: str = "ana", password: str = PASSWORD):
    token = csrf_of(client.get("/review/login").text)
    return client.post(
        "/review/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/review/"},
        follow_redirects=False,
    )


@pytest.fixture()
def logged_in(client, reviewer) -> TestClient:
    assert login(client).status_code == 303
    return client


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_models_dir) -> Path:
    return artifacts.current(tiny_models_dir)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("no chromium binary (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()

"""Hot reload in one process: admin endpoint, refusal of bad artifacts, following other workers."""

import json
import shutil

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.reload import generation_file
from service.security.keys import hash_key, new_key
from service.settings import Settings
from training import artifacts

ADMIN = new_key()
H = {"X-API-Key": ADMIN}
TEXT = {"text": "Brothers, rise and join the front! We will crush the invaders."}


def _settings(models, **kw):
    return Settings(models_dir=models, api_keys=f"ops:admin:{hash_key(ADMIN)}", reload_poll_seconds=0.05, **kw)


def _version(c):
    return c.post("/v1/score", json=TEXT, headers=H).json()["model"]["version"]


def test_reload_swaps_to_the_current_model(two_models):
    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as c:
        assert _version(c) == first.name
        artifacts.set_current(models, second)
        res = c.post("/v1/admin/reload", headers=H)
        assert res.status_code == 200, res.text
        assert res.json()["previous"] == first.name and res.json()["version"] == second.name
        assert _version(c) == second.name
        assert c.get("/readyz").json()["model_version"] == second.name
        assert 'modlens_model_reloads_total{outcome="ok"} 1.0' in c.get("/metrics").text


def _tamper(folder):
    weights = folder / artifacts.WEIGHTS
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    weights.write_bytes(bytes(data))


def _corrupt_but_rehashed(folder):
    # The hash matches (someone updated the metadata too), but the zip is cut short.
    weights = folder / artifacts.WEIGHTS
    weights.write_bytes(weights.read_bytes()[:2000])
    meta = json.loads((folder / artifacts.METADATA).read_text())
    meta["artifact_sha256"] = artifacts.sha256_file(weights)
    (folder / artifacts.METADATA).write_text(json.dumps(meta))


@pytest.mark.parametrize(("damage", "why"), [(_tamper, "does not match"), (_corrupt_but_rehashed, "cannot load")])
def test_a_tampered_or_corrupt_artifact_is_refused_and_the_old_model_keeps_serving(two_models, damage, why):
    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as c:
        damage(second)
        artifacts.set_current(models, second)
        res = c.post("/v1/admin/reload", headers=H)
        assert res.status_code == 422, res.text
        err = res.json()["error"]
        assert err["code"] == "model_rejected" and why in err["message"] and first.name in err["message"]
        assert _version(c) == first.name
        assert c.get("/readyz").json() == {"status": "ready", "model_version": first.name}
        assert not generation_file(c.app.state.settings).exists()  # other workers are not told to follow
        assert 'modlens_model_reloads_total{outcome="refused"} 1.0' in c.get("/metrics").text


def test_reload_without_a_current_model_is_refused(two_models):
    models, first, _ = two_models
    with TestClient(create_app(_settings(models))) as c:
        (models / artifacts.CURRENT).unlink()
        res = c.post("/v1/admin/reload", headers=H)
        assert res.status_code == 422 and "no current model" in res.json()["error"]["message"]
        assert _version(c) == first.name


def test_a_reload_in_one_app_reaches_another_on_the_same_models(two_models):
    """Two apps stand in for two worker processes sharing a models folder."""
    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as a, TestClient(create_app(_settings(models))) as b:
        assert _version(a) == _version(b) == first.name
        artifacts.set_current(models, second)
        assert _version(b) == first.name  # moving `current` alone changes nothing
        assert a.post("/v1/admin/reload", headers=H).status_code == 200
        b.app.state.reloader.poll()  # what b's watcher thread does every poll interval
        assert _version(b) == second.name
        assert not b.app.state.reloader.poll()  # nothing new: one stat, no load


def test_a_follower_refuses_a_folder_damaged_after_the_reload(two_models):
    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as a, TestClient(create_app(_settings(models))) as b:
        artifacts.set_current(models, second)
        assert a.post("/v1/admin/reload", headers=H).status_code == 200
        shutil.rmtree(second)
        assert not b.app.state.reloader.poll()
        assert _version(b) == first.name and b.app.state.store.last_error


def test_when_other_workers_cannot_be_told_this_worker_still_reloads(two_models):
    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as c:
        artifacts.set_current(models, second)
        generation_file(c.app.state.settings).mkdir()  # unwritable as a file, even for root
        res = c.post("/v1/admin/reload", headers=H)
        assert res.status_code == 200 and res.json()["workers_notified"] is False
        assert _version(c) == second.name


def test_a_request_in_flight_finishes_on_the_model_it_started_with(two_models):
    import threading

    models, first, second = two_models
    with TestClient(create_app(_settings(models))) as c:
        old = c.app.state.store.get()
        entered, release = threading.Event(), threading.Event()
        real = old.score

        def held(*args, **kwargs):
            entered.set()
            release.wait(10)
            return real(*args, **kwargs)

        old.score = held  # this one request is held mid-scoring while the model is swapped
        result = {}
        worker = threading.Thread(target=lambda: result.update(res=c.post("/v1/score", json=TEXT, headers=H)))
        worker.start()
        assert entered.wait(10)
        artifacts.set_current(models, second)
        assert c.post("/v1/admin/reload", headers=H).status_code == 200
        old.score = real
        assert _version(c) == second.name  # new requests already get the new model
        release.set()
        worker.join(10)
        assert result["res"].status_code == 200
        assert result["res"].json()["model"]["version"] == first.name

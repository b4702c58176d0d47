import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

PROP = "Brothers, rise and join the front! We will crush the invaders and our martyrs will be honoured."
NEWS = "Police said the front claimed responsibility for the raid, according to a statement."


def test_batch_scoring(client, tiny_model):
    res = client.post("/v1/score", json={"texts": [PROP, NEWS], "ids": ["x", "y"]})
    assert res.status_code == 200
    body = res.json()
    assert body["model"]["version"] == tiny_model.version
    assert [(r["id"], r["label"]) for r in body["results"]] == [("x", "propaganda"), ("y", "reporting")]
    assert body["results"][0]["spans"] and body["results"][1]["spans"] == []


def test_single_text_form_matches_the_batch_form(client):
    one = client.post("/v1/score", json={"text": PROP}).json()["results"]
    batch = client.post("/v1/score", json={"texts": [PROP]}).json()["results"]
    assert one == batch and one[0]["id"] is None


def test_spans_can_be_turned_off(client):
    assert client.post("/v1/score", json={"text": PROP, "spans": False}).json()["results"][0]["spans"] == []


def test_health_ready_and_docs(client, tiny_model):
    assert client.get("/healthz").json() == {"status": "ok", "model_version": None}
    assert client.get("/readyz").json() == {"status": "ready", "model_version": tiny_model.version}
    assert client.get("/docs").status_code == 200
    assert "/v1/score" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"texts": [""]}, 422, "empty_text"),
        ({"texts": ["fine", " \n\t "]}, 422, "empty_text"),
        ({"text": "x" * 2001}, 413, "text_too_long"),
        ({"texts": ["a b"] * 5}, 413, "batch_too_large"),
        ({"texts": []}, 422, "empty_batch"),
        ({"texts": "not a list"}, 422, "invalid_request"),
        ({"texts": [1, 2]}, 422, "invalid_request"),
        ({"text": ["a"]}, 422, "invalid_request"),
        ({"texts": ["a b"], "spans": "yes"}, 422, "invalid_request"),
        ({"texts": ["a b"], "ids": ["1", "2"]}, 422, "ids_mismatch"),
        ({}, 422, "invalid_request"),
        ({"text": "a", "texts": ["b"]}, 422, "invalid_request"),
        ({"texts": ["a b"], "surprise": 1}, 422, "invalid_request"),
        ([1, 2, 3], 422, "invalid_request"),
    ],
)
def test_bad_requests_get_a_clear_4xx(client, body, status, code):
    res = client.post("/v1/score", json=body)
    assert res.status_code == status, res.text
    err = res.json()["error"]
    assert err["code"] == code and err["message"]


@pytest.mark.parametrize("raw", [b"{not json", b'{"texts": ["a"]', b"\xff\xfe", b"nan"])
def test_invalid_json_is_a_400(client, raw):
    res = client.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid_json"


def test_missing_body_is_a_422(client):
    res = client.post("/v1/score", content=b"", headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json()["error"]["code"] == "invalid_request"


def test_unknown_routes_and_methods_use_the_error_shape(client):
    assert client.get("/nope").json()["error"]["code"] == "not_found"
    assert client.get("/v1/score").json()["error"]["code"] == "method_not_allowed"


def test_without_a_model_the_service_is_alive_but_not_ready(tmp_path):
    with TestClient(create_app(Settings(models_dir=tmp_path, open=True))) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        res = c.post("/v1/score", json={"text": "hello there"})
        assert res.status_code == 503 and res.json()["error"]["code"] == "model_not_ready"

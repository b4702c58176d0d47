"""Metrics, request ids and structured logs."""

import json
import logging

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.observability.logs import JsonFormatter
from service.settings import Settings

MARKER = "Zanzibarquokka brothers rise and fight the tyrants"


def _lines(caplog, logger="modlens.access"):
    fmt = JsonFormatter()
    return [json.loads(fmt.format(r)) for r in caplog.records if r.name == logger]


def test_metrics_count_requests_scores_and_load_time(tmp_path, tiny_models_dir, tiny_model):
    settings = Settings(models_dir=tiny_models_dir, open=True)
    with TestClient(create_app(settings)) as c:  # loads the model itself: the load is timed
        assert c.post("/v1/score", json={"texts": [MARKER, "Rain tomorrow in the hills."]}).status_code == 200
        assert c.post("/v1/score", json={"texts": []}).status_code == 422
        c.get("/no/such/path/123")
        text = c.get("/metrics").text
    v = tiny_model.version
    assert 'modlens_http_requests_total{method="POST",route="/v1/score",status="200"} 1.0' in text
    assert 'modlens_http_requests_total{method="POST",route="/v1/score",status="422"} 1.0' in text
    assert 'route="unmatched",status="404"' in text and "/no/such/path" not in text  # bounded label values
    assert f'modlens_propaganda_score_count{{model_version="{v}"}} 2.0' in text
    assert 'modlens_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/score",status="200"}' in text
    load = [line for line in text.splitlines() if line.startswith("modlens_model_load_seconds ")]
    assert load and float(load[0].split()[1]) > 0
    assert f'modlens_model_info{{version="{v}"}} 1.0' in text


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    # An id that could forge a log line is replaced, not echoed.
    assert client.get("/healthz", headers={"X-Request-ID": "x\tinjected"}).headers["x-request-id"] != "x\tinjected"
    # Refusals carry one too.
    assert client.post("/v1/score", json={}).headers["x-request-id"]


def test_one_json_log_line_per_request_without_the_text(client, caplog):
    caplog.set_level(logging.INFO)
    res = client.post("/v1/score", json={"text": MARKER}, headers={"X-Request-ID": "req-1"})
    lines = _lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-1" and line["status"] == 200 and line["route"] == "/v1/score"
    assert line["ms"] > 0 and res.headers["x-request-id"] == "req-1"
    assert "Zanzibarquokka" not in caplog.text and all("Zanzibarquokka" not in json.dumps(x) for x in lines)


def test_text_is_logged_only_when_configured(tmp_path, tiny_model, caplog):
    caplog.set_level(logging.INFO)
    with TestClient(create_app(Settings(models_dir=tmp_path, open=True, log_text=True), tiny_model)) as c:
        c.post("/v1/score", json={"text": MARKER})
    assert "Zanzibarquokka" in _lines(caplog)[0]["body"]


def test_an_unexpected_failure_is_a_json_500_with_the_request_id(client, caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    store = client.app.state.store

    def broken(*a, **k):
        raise RuntimeError("secret text " + MARKER)

    monkeypatch.setattr(store.get(), "score", broken)
    res = client.post("/v1/score", json={"text": MARKER}, headers={"X-Request-ID": "boom-1"})
    assert res.status_code == 500
    assert res.json()["error"] == {"code": "internal_error", "message": "internal error; request id boom-1"}
    errors = _lines(caplog, "modlens.service")
    assert errors and errors[-1]["request_id"] == "boom-1" and errors[-1]["stack"]
    assert "Zanzibarquokka" not in caplog.text  # the message quoted the input: it is not logged


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_logged_too(client, caplog, path):
    caplog.set_level(logging.INFO)
    client.get(path)
    assert _lines(caplog)[0]["route"] == path

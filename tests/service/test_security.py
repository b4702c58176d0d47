"""API keys, roles, rate limits and the open-mode policy."""

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.app import create_app
from service.cli import app as cli
from service.security.auth import ConfigError
from service.security.keys import KeyConfigError, KeyRing, hash_key, new_key
from service.serving import decide_open
from service.settings import Settings

SCORER, ADMIN = new_key(), new_key()
KEYS = f"alice:score:{hash_key(SCORER)},ops:admin:{hash_key(ADMIN)}"
BODY = {"text": "Police said the group claimed the raid in a statement."}


@pytest.fixture()
def keyed(tmp_path, tiny_model):
    settings = Settings(models_dir=tmp_path, api_keys=KEYS, rate_limit_per_second=1, rate_limit_burst=3)
    with TestClient(create_app(settings, tiny_model)) as c:
        yield c


def _error(res, status, code):
    assert res.status_code == status, res.text
    assert res.json()["error"]["code"] == code and res.json()["error"]["message"]
    return res


def test_missing_and_invalid_keys_are_401(keyed):
    _error(keyed.post("/v1/score", json=BODY), 401, "missing_api_key")
    res = _error(keyed.post("/v1/score", json=BODY, headers={"X-API-Key": "mlk_guess"}), 401, "invalid_api_key")
    assert res.headers["www-authenticate"] == "Bearer"
    # A hash is not a key: configuring hashes must not let the hash itself in.
    _error(keyed.post("/v1/score", json=BODY, headers={"X-API-Key": hash_key(SCORER)}), 401, "invalid_api_key")


def test_a_valid_key_scores_by_header_or_bearer(keyed):
    assert keyed.post("/v1/score", json=BODY, headers={"X-API-Key": SCORER}).status_code == 200
    assert keyed.post("/v1/score", json=BODY, headers={"Authorization": f"Bearer {SCORER}"}).status_code == 200


def test_health_and_metrics_need_no_key(keyed):
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200
    assert keyed.get("/metrics").status_code == 200


def test_reload_needs_the_admin_role(keyed, tiny_models_dir):
    _error(keyed.post("/v1/admin/reload", headers={"X-API-Key": SCORER}), 403, "forbidden")
    _error(keyed.post("/v1/admin/reload"), 401, "missing_api_key")


def test_rate_limit_per_key_is_429_with_retry_after(keyed):
    codes = [keyed.post("/v1/score", json=BODY, headers={"X-API-Key": SCORER}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]  # the burst
    res = _error(keyed.post("/v1/score", json=BODY, headers={"X-API-Key": SCORER}), 429, "rate_limited")
    assert int(res.headers["retry-after"]) >= 1
    # Another key has its own bucket.
    assert keyed.post("/v1/score", json=BODY, headers={"X-API-Key": ADMIN}).status_code == 200


def test_app_refuses_to_start_unconfigured_or_contradictory(tmp_path):
    with pytest.raises(ConfigError, match="no API keys"):
        create_app(Settings(models_dir=tmp_path))
    with pytest.raises(ConfigError, match="choose one"):
        create_app(Settings(models_dir=tmp_path, api_keys=KEYS, open=True))


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("alice:" + SCORER, "not a SHA-256"),  # a raw key pasted by mistake
        ("alice:root:" + "a" * 64, "role"),
        ("al ice:" + "a" * 64, "name"),
        ("alice", "expected name:role:sha256hex"),
        (f"a:{'b' * 64},a:{'c' * 64}", "unique"),
    ],
)
def test_bad_key_entries_are_refused_clearly(entry, problem):
    with pytest.raises(KeyConfigError, match=problem) as e:
        KeyRing.from_config(entry, None)
    assert SCORER not in str(e.value)  # never echo a secret


def test_keys_file(tmp_path):
    f = tmp_path / "keys"
    f.write_text(f"# ops keys\nalice:score:{hash_key(SCORER)}\n\nops:admin:{hash_key(ADMIN)}  # rotated\n")
    ring = KeyRing.from_config("", f)
    assert ring.lookup(SCORER).name == "alice" and ring.lookup(ADMIN).role == "admin"
    assert ring.lookup("nope") is None


def test_open_mode_policy():
    assert decide_open(Settings(host="127.0.0.1")) is True  # local default: open, with a loud warning
    assert decide_open(Settings(host="0.0.0.0", open=True)) is True
    assert decide_open(Settings(host="0.0.0.0", api_keys=KEYS)) is False
    with pytest.raises(ConfigError, match="refusing to serve on 0.0.0.0"):
        decide_open(Settings(host="0.0.0.0"))


def test_cli_keys_new_and_hash_and_serve_refusal(tmp_path, monkeypatch):
    runner = CliRunner()
    out = runner.invoke(cli, ["keys", "new", "bob", "--role", "admin"])
    assert out.exit_code == 0, out.output
    lines = dict(line.split(":", 1) for line in out.stdout.splitlines() if line.startswith(("key:", "entry:")))
    key, entry = lines["key"].strip(), lines["entry"].strip()
    assert entry == f"bob:admin:{hash_key(key)}"
    assert runner.invoke(cli, ["keys", "hash"], input=key + "\n").stdout.strip() == hash_key(key)
    assert runner.invoke(cli, ["keys", "new", "bob", "--role", "root"]).exit_code == 2

    monkeypatch.chdir(tmp_path)
    for var in ("MODLENS_API_KEYS", "MODLENS_OPEN", "MODLENS_KEYS_FILE"):
        monkeypatch.delenv(var, raising=False)
    refused = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "refusing to serve on 0.0.0.0" in refused.output
    assert not (tmp_path / "models").exists()  # refused before training anything

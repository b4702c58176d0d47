"""Through a real uvicorn process on a free loopback port, started by the real CLI."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tiny_data, tmp_path):
    """`modlens serve` in an empty folder: it trains from the seeds folder, then serves."""
    port = _free_port()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "tiny.jsonl").write_bytes(Path(tiny_data).read_bytes())
    env = dict(os.environ, MODLENS_MODELS_DIR=str(tmp_path / "models"), MODLENS_SEEDS_DIR=str(seeds))
    cli = [sys.executable, "-c", "from service.cli import app; app()"]
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode())
            time.sleep(0.2)
        else:
            pytest.fail("server did not become ready")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_real_server_scores_over_http(server):
    res = httpx.post(
        f"{server}/v1/score",
        json={"texts": ["Brothers, rise and fight the tyrants! Victory is near.", "Rain is expected tomorrow."]},
        timeout=10,
    )
    assert res.status_code == 200
    assert [r["label"] for r in res.json()["results"]] == ["propaganda", "unrelated"]
    bad = httpx.post(f"{server}/v1/score", content=b"{oops", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"

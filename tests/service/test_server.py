"""Through a real uvicorn process on a free loopback port, started by the real CLI."""

from pathlib import Path

import httpx
import pytest

from tests.live import serving


@pytest.fixture()
def server(tiny_data, tmp_path):
    """`modlens serve` in an empty folder: it trains from the seeds folder, then serves."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "tiny.jsonl").write_bytes(Path(tiny_data).read_bytes())
    env = {"MODLENS_MODELS_DIR": str(tmp_path / "models"), "MODLENS_SEEDS_DIR": str(seeds)}
    with serving(tmp_path, env) as (base, _, _):
        yield base


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

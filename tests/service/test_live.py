"""Against a real uvicorn on loopback, started by the real CLI: load, reload under load, many workers.

Each test prints its figures as a `[figures]` line in the pytest output.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time

import httpx
import pytest

from service.security.keys import hash_key, new_key
from tests.live import CLI, free_port, serving
from tests.service.live import TEXTS, run_load
from training import artifacts

ADMIN = new_key()
SCORER = new_key()
KEYS = f"ops:admin:{hash_key(ADMIN)},loadgen:score:{hash_key(SCORER)}"
H = {"X-API-Key": SCORER}
AH = {"X-API-Key": ADMIN}
LOAD_SECONDS = 15
RELOAD_SECONDS = 10


def _env(models, **extra):
    # The load is one client key; its rate limit is tested elsewhere, so it is set out of reach here.
    return {"MODLENS_MODELS_DIR": str(models), "MODLENS_API_KEYS": KEYS, "MODLENS_RATE_LIMIT_PER_SECOND": "100000",
            "MODLENS_RELOAD_POLL_SECONDS": "0.2", **extra}


def _report(capsys, line):
    with capsys.disabled():
        print(f"\n[figures] {line}")


def test_load(tmp_path, two_models, capsys):
    models, first, _ = two_models
    with serving(tmp_path, _env(models)) as (base, proc, log):
        load = run_load(base, LOAD_SECONDS, concurrency=8, headers=H)
        _report(capsys, f"load test, 1 worker, 8 clients: {load.summary(LOAD_SECONDS)}")
        assert load.errors == 0, load.problems[:5]
        assert load.requests > 50 and load.versions == {first.name: load.statuses[200]}

        # A body far over the limit, streamed without a length, is refused before it is all read.
        def chunks():
            for _ in range(1100):  # 11 MB, past the default 10 MiB
                yield b" " * 10_000

        big = httpx.post(f"{base}/v1/score", content=chunks(), headers={**H, "content-type": "application/json"})
        assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
        assert httpx.post(f"{base}/v1/score", json={"text": TEXTS[0]}).status_code == 401
    # Every log line is one JSON object; one access line per request, each with its request id.
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    access = [x for x in lines if x["logger"] == "modlens.access"]
    assert len(access) >= load.requests and all(x["request_id"] for x in access)
    assert not any("Brothers" in json.dumps(x) for x in lines)


def test_reload_under_load_fails_no_request(tmp_path, two_models, capsys):
    models, first, second = two_models
    with serving(tmp_path, _env(models)) as (base, proc, log):
        results = {}
        loader = threading.Thread(target=lambda: results.update(load=run_load(base, RELOAD_SECONDS, 6, H)))
        loader.start()
        reloads, target = [], second
        while loader.is_alive() and len(reloads) < 6:
            time.sleep(1.2)
            artifacts.set_current(models, target)
            if len(reloads) == 3:
                os.kill(proc.pid, signal.SIGHUP)  # the signal does the same as the endpoint
                reloads.append(("SIGHUP", target.name))
            else:
                res = httpx.post(f"{base}/v1/admin/reload", headers=AH, timeout=30)
                assert res.status_code == 200, res.text
                assert res.json()["version"] == target.name
                reloads.append(("endpoint", target.name))
            target = first if target == second else second
        loader.join()
        load = results["load"]
        _report(capsys, f"reload under load: {len(reloads)} reloads ({reloads[3][0]} once); {load.summary(RELOAD_SECONDS)}")
        assert load.errors == 0, load.problems[:5]
        assert len(reloads) >= 4 and set(load.versions) == {first.name, second.name}
        time.sleep(0.5)
        final = httpx.get(f"{base}/readyz").json()["model_version"]
        assert final == reloads[-1][1]


def _workers_serving(base):
    """pid -> version each worker process reports in the multiprocess metrics."""
    text = httpx.get(f"{base}/metrics").text
    found = {}
    for pid, version in re.findall(r'modlens_model_info\{pid="(\d+)",version="([^"]+)"\} 1\.0', text):
        found[pid] = version
    return found, text


def _wait_for(base, version, workers, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found, _ = _workers_serving(base)
        if len(found) == workers and set(found.values()) == {version}:
            return found
        time.sleep(0.2)
    pytest.fail(f"workers did not all reach {version}: {found}")


def test_many_workers_share_metrics_and_every_worker_reloads(tmp_path, two_models, capsys):
    models, first, second = two_models
    mp = tmp_path / "prom"
    env = _env(models, MODLENS_WORKERS="2", PROMETHEUS_MULTIPROC_DIR=str(mp))
    with serving(tmp_path, env) as (base, proc, log):
        pids = _wait_for(base, first.name, workers=2)
        load = run_load(base, 3, concurrency=4, headers=H)
        assert load.errors == 0, load.problems[:5]
        _, text = _workers_serving(base)
        # Counters from both workers are summed into one series.
        served = re.search(r'modlens_http_requests_total\{method="POST",route="/v1/score",status="200"\} (\S+)', text)
        assert served and float(served.group(1)) == load.statuses[200]

        artifacts.set_current(models, second)
        res = httpx.post(f"{base}/v1/admin/reload", headers=AH, timeout=30)
        assert res.status_code == 200, res.text
        t = time.monotonic()
        assert _wait_for(base, second.name, workers=2).keys() == pids.keys()  # same processes, not restarts
        followed = time.monotonic() - t
        after = run_load(base, 2, concurrency=4, headers=H)
        assert after.errors == 0 and set(after.versions) == {second.name}

        artifacts.set_current(models, first)
        os.kill(proc.pid, signal.SIGHUP)  # to the parent: it verifies, then every worker follows
        assert _wait_for(base, first.name, workers=2).keys() == pids.keys()
        _report(capsys, f"2 workers: reload reached both in {followed:.1f} s; pids {sorted(pids)}; "
                        f"{load.requests + after.requests} requests, {load.errors + after.errors} errors")
    assert list(mp.glob("*.db"))  # the workers really wrote multiprocess metric files


def test_first_run_trains_the_default_model_from_seeds_then_serves_it(tmp_path, tiny_data):
    seeds, models = tmp_path / "seeds", tmp_path / "models"
    seeds.mkdir()
    (seeds / "tiny.jsonl").write_text(tiny_data.read_text())
    env = _env(models, MODLENS_SEEDS_DIR=str(seeds))
    with serving(tmp_path, env) as (base, proc, log):
        trained = artifacts.current(models)
        assert trained is not None
        res = httpx.post(f"{base}/v1/score", json={"text": TEXTS[0]}, headers=H)
        assert res.status_code == 200 and res.json()["model"]["version"] == trained.name
    # `modlens train` ran (in a child process) and printed its summary table.
    text = log.read_text()
    assert "training the default model" in text and f"model {trained.name}" in text


def test_first_run_stops_with_the_training_error(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "broken.jsonl").write_text('{"text": "no label"}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODLENS_")}
    env.update(_env(tmp_path / "models", MODLENS_SEEDS_DIR=str(seeds)))
    done = subprocess.run([*CLI, "serve", "--port", str(free_port())], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "error" in (done.stdout + done.stderr).lower()
    assert artifacts.current(tmp_path / "models") is None

"""A real `modlens serve` (uvicorn) on a free loopback port, started by the real CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-c", "from service.cli import app; app()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cwd: Path, env: dict[str, str], *args: str, ready_timeout: float = 90):
    """Run `modlens serve` (real uvicorn) until the block ends; yields (base_url, process, log_path)."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("MODLENS_", "PROMETHEUS_"))}
    full_env.update(env)
    with open(log, "wb") as out:
        proc = subprocess.Popen([*CLI, "serve", "--port", str(port), *args], cwd=cwd, env=full_env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not become ready:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

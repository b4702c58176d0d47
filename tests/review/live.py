"""A real `modlens serve` process on a free loopback port, with a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from tests.live import CLI, free_port


def cli(*args: str, env: dict, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def env_for(model_dir: Path, db_url: str, **extra: str) -> dict:
    return dict(os.environ, MODLENS_MODEL_DIR=str(model_dir), MODLENS_REVIEW_DB_URL=db_url, **extra)


class Server:
    def __init__(self, workdir: Path, env: dict):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (workdir / f"server-{self.port}.log").open("wb")
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(self.port)], cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready(Path(self.log.name))

    def _wait_ready(self, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + log.read_text())
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become ready:\n" + log.read_text())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

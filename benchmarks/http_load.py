"""A real `modlens serve` on loopback, and a small load generator for it.

The load generator runs in its own process (`python benchmarks/http_load.py
URL CLIENTS SECONDS BODIES.json`), so that the clients never compete with the
server for its interpreter lock. It speaks HTTP/1.1 with keep-alive over raw
asyncio streams: a client costs tens of microseconds per request, not the
milliseconds of a full HTTP library.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`modlens serve --model DIR` in a subprocess; `pid` for its CPU time and memory."""

    def __init__(self, model_dir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cli = [sys.executable, "-c", "from service.cli import app; app()"]
        self.proc = subprocess.Popen(
            [*cli, "serve", "--model", str(model_dir), "--port", str(self.port)],
            env=dict(os.environ, **(env or {})),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid = self.proc.pid

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with status {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become ready")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB."""
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines() if ":" in line
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def run_load(url: str, bodies: list[bytes], clients: int, seconds: float, warmup: float = 1.0) -> dict:
    """Load `url` from a separate process: requests, seconds, statuses and latencies (ms) after the warm-up."""
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"modlens-load-{os.getpid()}.json"
    path.write_text(json.dumps([b.decode() for b in bodies]))
    try:
        out = subprocess.run(
            [sys.executable, __file__, url, str(clients), str(seconds), str(path), str(warmup)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        path.unlink(missing_ok=True)
    return json.loads(out)


# -- the client side (runs in its own process) ----------------------------------


async def _client(host: str, port: int, requests: list[bytes], start: float, warm: float, stop: float, out: dict):
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    try:
        while True:
            sent = time.perf_counter()
            if sent >= stop:
                return
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            done = time.perf_counter()
            out["all"] += 1
            if sent >= warm:
                out["latencies"].append((done - sent) * 1000)
                out["statuses"][status] = out["statuses"].get(status, 0) + 1
                out["last"] = done
    finally:
        writer.close()


async def _main(url: str, clients: int, seconds: float, bodies: list[str], warmup: float) -> dict:
    parts = urlsplit(url)
    head = f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
    requests = [(head + f"Content-Length: {len(b.encode())}\r\n\r\n").encode() + b.encode() for b in bodies]
    start = time.perf_counter()
    warm, stop = start + warmup, start + warmup + seconds
    out: dict = {"latencies": [], "statuses": {}, "last": warm, "all": 0}
    await asyncio.gather(
        *(_client(parts.hostname, parts.port, requests[k:] + requests[:k], start, warm, stop, out) for k in range(clients))
    )
    return {
        "requests": len(out["latencies"]),
        "all_requests": out["all"],  # with the warm-up, to match the server's CPU time
        "seconds": out["last"] - warm,
        "statuses": {str(k): v for k, v in out["statuses"].items()},
        "latencies_ms": out["latencies"],
    }


if __name__ == "__main__":
    url, clients, seconds, bodies_file, warmup = sys.argv[1:6]
    bodies = json.loads(Path(bodies_file).read_text())
    print(json.dumps(asyncio.run(_main(url, int(clients), float(seconds), bodies, float(warmup)))))

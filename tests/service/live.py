"""Load for tests against a real `modlens serve` on loopback."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

TEXTS = [
    "Brothers, rise and join the front! We will crush the invaders and our martyrs will be honoured.",
    "Police said the front claimed responsibility for the raid, according to a statement.",
    "Rain is expected tomorrow across the hills, with clearer skies by the weekend.",
    'An analyst said the leaflet, which read "we will crush the invaders", was old.',
]


@dataclass
class Load:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    versions: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")

    def summary(self, seconds: float) -> str:
        return (
            f"{self.requests} requests in {seconds:.0f} s ({self.requests / seconds:.0f}/s), {self.errors} errors, "
            f"p50 {self.percentile(0.5) * 1000:.0f} ms, p99 {self.percentile(0.99) * 1000:.0f} ms, "
            f"statuses {dict(self.statuses)}, versions {dict(self.versions)}"
        )


def run_load(base: str, seconds: float, concurrency: int, headers: dict[str, str],
             stop: Callable[[], bool] | None = None) -> Load:
    """`concurrency` clients posting batches to /v1/score for `seconds`; every non-200 is an error."""
    result = Load()

    async def client(i: int) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
            n = 0
            while time.monotonic() < end and not (stop and stop()):
                batch = [TEXTS[(i + n + k) % len(TEXTS)] for k in range(1 + n % 4)]
                n += 1
                t = time.perf_counter()
                try:
                    res = await c.post("/v1/score", json={"texts": batch})
                except httpx.HTTPError as e:
                    result.requests += 1
                    result.errors += 1
                    result.problems.append(repr(e))
                    continue
                result.latencies.append(time.perf_counter() - t)
                result.requests += 1
                result.statuses[res.status_code] += 1
                if res.status_code != 200 or len(res.json()["results"]) != len(batch):
                    result.errors += 1
                    result.problems.append(res.text[:300])
                else:
                    result.versions[res.json()["model"]["version"]] += 1

    async def main() -> None:
        await asyncio.gather(*(client(i) for i in range(concurrency)))

    end = time.monotonic() + seconds
    # A thread of its own: the caller's thread may already run an event loop
    # (a session-wide browser fixture does).
    runner = threading.Thread(target=asyncio.run, args=(main(),))
    runner.start()
    runner.join()
    return result

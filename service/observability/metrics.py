"""Prometheus metrics, one registry per app.

With several worker processes (`serve --workers N`) prometheus-client's
multiprocess mode is used: PROMETHEUS_MULTIPROC_DIR must be set before the
workers import prometheus_client (`serve` does that), every worker writes its
values to files there, and /metrics aggregates all of them.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

SCORE_BUCKETS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "modlens_http_requests", "HTTP requests by route template and status.", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "modlens_http_request_duration_seconds",
            "Time from the first byte received to the last byte sent.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.scores = Histogram(
            "modlens_propaganda_score", "propaganda_score of every scored text.", ["model_version"],
            buckets=SCORE_BUCKETS, registry=r,
        )
        self.load_seconds = Gauge(
            "modlens_model_load_seconds", "Seconds the last model load took (read, verify, build).",
            registry=r, multiprocess_mode="mostrecent",
        )
        # 1 for the version a process serves, 0 for versions it served before;
        # per process (pid label) in multiprocess mode, so a reload can be seen
        # reaching every worker.
        self.model_info = Gauge(
            "modlens_model_info", "The model version being served.", ["version"], registry=r, multiprocess_mode="all"
        )
        self.reloads = Counter("modlens_model_reloads", "Model reloads by outcome.", ["outcome"], registry=r)
        self._serving: str | None = None

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def observe_scores(self, version: str, results: list[dict]) -> None:
        hist = self.scores.labels(version)
        for r in results:
            hist.observe(r["propaganda_score"])

    def model_loaded(self, version: str, seconds: float | None) -> None:
        if seconds is not None:
            self.load_seconds.set(seconds)
        if self._serving and self._serving != version:
            self.model_info.labels(self._serving).set(0)
        self.model_info.labels(version).set(1)
        self._serving = version

    def render(self) -> bytes:
        if multiprocess_dir():
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

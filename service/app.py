"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

import training
from service import errors, review
from service.limits import LimitsMiddleware
from service.observability.context import RequestContextMiddleware
from service.observability.metrics import Metrics
from service.reload import Reloader
from service.routes import admin, health, metrics, score
from service.security.auth import AUTH_ERRORS, Guard, require
from service.settings import Settings
from service.store import ModelStore
from training.artifacts import ArtifactError
from training.model import Model

log = logging.getLogger("modlens.service")


def create_app(settings: Settings | None = None, model: Model | None = None) -> FastAPI:
    """Build the app. With `model`, serve it; otherwise load the configured one at startup.

    Raises service.security.auth.ConfigError when neither API keys nor open mode are configured.
    """
    settings = settings or Settings()
    guard = Guard.from_settings(settings)
    telemetry = Metrics()
    store = ModelStore(model, on_load=lambda m, seconds: telemetry.model_loaded(m.version, seconds))
    reloader = Reloader(store, settings, on_outcome=lambda outcome: telemetry.reloads.labels(outcome).inc())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not store.ready:
            try:
                store.load(settings.model_dir, settings.models_dir)
            except ArtifactError as e:
                # Stay up and say so on /readyz rather than crash-loop.
                log.error("no model loaded: %s", e)
        reloader.start()
        loop = asyncio.get_running_loop()
        hup = reloader.install_sighup(loop)
        try:
            yield
        finally:
            if hup:
                reloader.remove_sighup(loop)
            reloader.stop()

    app = FastAPI(
        title="modlens",
        version=training.__version__,
        description="Tells extremist propaganda from reporting about it, and shows where the propaganda is.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.guard = guard
    app.state.metrics = telemetry
    app.state.reloader = reloader
    errors.install(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(score.router, dependencies=[Depends(require("score"))], responses=AUTH_ERRORS)
    app.include_router(admin.router, dependencies=[Depends(require("admin"))], responses=AUTH_ERRORS)
    # Reviewers sign in with their own accounts (service/review), not API keys.
    review.install(app, settings)
    # Added last = outermost: every response, refusals included, gets an id and a metric.
    app.add_middleware(LimitsMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware, metrics=telemetry, log_text=settings.log_text)
    return app

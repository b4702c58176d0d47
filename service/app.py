"""The FastAPI application factory."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

import training
from service import errors, review
from service.routes import health, score
from service.settings import Settings
from service.store import ModelStore
from training.artifacts import ArtifactError
from training.model import Model

log = logging.getLogger("modlens.service")


def create_app(settings: Settings | None = None, model: Model | None = None) -> FastAPI:
    """Build the app. With `model`, serve it; otherwise load the configured one at startup."""
    settings = settings or Settings()
    store = ModelStore(model)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not store.ready:
            try:
                store.load(settings.model_dir, settings.models_dir)
            except ArtifactError as e:
                # Stay up and say so on /readyz rather than crash-loop.
                log.error("no model loaded: %s", e)
        yield

    app = FastAPI(
        title="modlens",
        version=training.__version__,
        description="Tells extremist propaganda from reporting about it, and shows where the propaganda is.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    errors.install(app)
    app.include_router(health.router)
    app.include_router(score.router)
    review.install(app, settings)
    return app

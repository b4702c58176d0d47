"""Request dependencies: what a route needs, taken from the app that serves it."""

from __future__ import annotations

from fastapi import Request

from service.settings import Settings
from service.store import ModelStore


# `async` only so that FastAPI calls them in place: a plain `def` dependency
# is sent to the threadpool, a thread hop per request for a field read.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> ModelStore:
    return request.app.state.store

"""Request dependencies: what a route needs, taken from the app that serves it."""

from __future__ import annotations

from fastapi import Request

from service.settings import Settings
from service.store import ModelStore


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> ModelStore:
    return request.app.state.store

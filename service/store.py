"""Holds the model the service is using, so that it can be replaced in one step."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from service.errors import ServiceError
from training import artifacts
from training.model import Model

log = logging.getLogger("modlens.service")


class ModelStore:
    def __init__(self, model: Model | None = None, on_load: Callable[[Model, float | None], None] | None = None):
        # Readers take one reference and use it for the whole request, so a
        # swap never mixes two models inside one response.
        self._model = model
        self._on_load = on_load
        self.last_error: str | None = None
        if model is not None and on_load is not None:
            on_load(model, None)

    @property
    def ready(self) -> bool:
        return self._model is not None

    @property
    def version(self) -> str | None:
        model = self._model
        return model.version if model is not None else None

    def get(self) -> Model:
        model = self._model
        if model is None:
            raise ServiceError(503, "model_not_ready", "the model is not loaded yet")
        return model

    def load(self, model_dir: Path | None, models_dir: Path) -> Model:
        return self.load_folder(artifacts.resolve(model_dir, models_dir))[0]

    def load_folder(self, folder: Path) -> tuple[Model, float]:
        """Build the model completely (verified), then swap it in with one assignment."""
        start = time.perf_counter()
        model = artifacts.load(folder)
        seconds = time.perf_counter() - start
        self._model = model
        self.last_error = None
        log.info("model %s loaded from %s in %.2f s", model.version, folder, seconds)
        if self._on_load is not None:
            self._on_load(model, seconds)
        return model, seconds

    def refused(self, reason: str) -> None:
        self.last_error = reason

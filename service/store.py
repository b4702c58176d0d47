"""Holds the model the service is using, so that it can be replaced in one step."""

from __future__ import annotations

import logging
from pathlib import Path

from service.errors import ServiceError
from training import artifacts
from training.model import Model

log = logging.getLogger("modlens.service")


class ModelStore:
    def __init__(self, model: Model | None = None):
        # Readers take one reference and use it for the whole request, so a
        # swap never mixes two models inside one response.
        self._model = model

    @property
    def ready(self) -> bool:
        return self._model is not None

    def get(self) -> Model:
        model = self._model
        if model is None:
            raise ServiceError(503, "model_not_ready", "the model is not loaded yet")
        return model

    def load(self, model_dir: Path | None, models_dir: Path) -> Model:
        model = artifacts.load(artifacts.resolve(model_dir, models_dir))
        self._model = model
        log.info("model %s loaded", model.version)
        return model

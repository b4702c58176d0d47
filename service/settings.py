"""Service configuration, from MODLENS_* environment variables or explicit values."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MODLENS_", extra="ignore")

    models_dir: Path = Path("models")
    # An explicit model folder; when unset, the current model under models_dir.
    model_dir: Path | None = None
    seeds_dir: Path = Path("seeds")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    max_text_chars: int = Field(default=100_000, ge=1)
    max_batch: int = Field(default=512, ge=1)

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

    # -- security (service/security/) ------------------------------------
    # API keys, stored hashed: comma-separated `name:role:sha256hex` (role is
    # `score` or `admin`; `name:sha256hex` means `score`). See `modlens keys new`.
    api_keys: str = ""
    # A file with one such entry per line (# comments allowed), read at startup.
    keys_file: Path | None = None
    # Serving without keys must be asked for: True = open; None = not said
    # (create_app refuses; `serve` allows it on a loopback host only).
    open: bool | None = None
    # Token bucket per key, per worker process: sustained requests/second and burst.
    rate_limit_per_second: float = Field(default=50.0, ge=0)  # 0 = no limit
    rate_limit_burst: int = Field(default=100, ge=1)

    # -- request limits (service/limits.py) ------------------------------
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_json_depth: int = Field(default=32, ge=2)
    request_timeout_seconds: float = Field(default=30.0, gt=0)

    # -- operations -------------------------------------------------------
    workers: int = Field(default=1, ge=1)
    # Put request bodies (the texts) in logs; off by default.
    log_text: bool = False
    log_level: str = "INFO"
    # How often each worker checks whether a reload was requested elsewhere.
    reload_poll_seconds: float = Field(default=1.0, gt=0)

    # Review queue (service/review): any SQLAlchemy URL; SQLite runs in WAL mode.
    review_db_url: str = "sqlite:///reviews.db"
    # Queue every text scoring at or above this, even without "review": true. Off by default.
    review_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # Store the text of items queued by the threshold rule (texts sent with "review": true always are).
    review_store_text: bool = False
    review_session_hours: float = Field(default=12, gt=0)
    # Set behind HTTPS so the session cookie is never sent in clear.
    review_cookie_secure: bool = False

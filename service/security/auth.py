"""The guard in front of the API: API key, role, then rate limit.

Refusals are ServiceErrors, so they share the one JSON error shape: 401
(missing or unknown key), 403 (key without the role), 429 (rate limited, with
Retry-After).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from service.errors import ServiceError
from service.schemas import ErrorResponse
from service.security.keys import KeyRing
from service.security.ratelimit import RateLimiter, retry_after
from service.settings import Settings

log = logging.getLogger("modlens.security")

# Both are accepted; declaring them puts them in the OpenAPI document.
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key from `modlens keys new`.")
_bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")

AUTH_ERRORS = {code: {"model": ErrorResponse} for code in (401, 403, 429)}


class ConfigError(RuntimeError):
    """The service is configured in a way that would be unsafe or cannot work."""


class Guard:
    def __init__(self, keys: KeyRing, limiter: RateLimiter, open_mode: bool):
        self.keys, self.limiter, self.open = keys, limiter, open_mode

    @classmethod
    def from_settings(cls, settings: Settings) -> Guard:
        keys = KeyRing.from_config(settings.api_keys, settings.keys_file)
        if keys and settings.open:
            raise ConfigError("API keys are configured and open mode is on: choose one")
        if not keys and not settings.open:
            raise ConfigError(
                "no API keys configured (MODLENS_API_KEYS or MODLENS_KEYS_FILE; see `modlens keys new`) "
                "and open mode not enabled (MODLENS_OPEN=true)"
            )
        if not keys:
            log.warning("OPEN MODE: the API accepts requests without an API key")
        return cls(keys, RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst), bool(settings.open))

    def check(self, request: Request, presented: str | None, role: str) -> None:
        if self.open:
            return
        if not presented:
            raise ServiceError(
                401, "missing_api_key", "send an API key in X-API-Key or Authorization: Bearer",
                headers={"WWW-Authenticate": "Bearer"},
            )
        key = self.keys.lookup(presented)
        if key is None:
            raise ServiceError(401, "invalid_api_key", "the API key is not valid", headers={"WWW-Authenticate": "Bearer"})
        request.state.api_key = key.name
        if not key.allows(role):
            raise ServiceError(403, "forbidden", f"key {key.name!r} may not do this (needs role {role!r})")
        wait = self.limiter.take(key.name)
        if wait:
            raise ServiceError(
                429, "rate_limited",
                f"key {key.name!r} is over {self.limiter.rate:g} requests/second (burst {self.limiter.burst})",
                headers={"Retry-After": retry_after(wait)},
            )


def require(role: str):
    """A route dependency: the request must carry a key with `role`."""

    async def dependency(
        request: Request,
        header: Annotated[str | None, Depends(_header)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        presented = header or (bearer.credentials if bearer else None)
        request.app.state.guard.check(request, presented, role)

    return dependency

"""Structured logs: one JSON object per line, carrying the request id.

Text sent for scoring never reaches the logs unless `log_text` is set: the
access line names the route, status and timing, and a failure is logged by
its exception type and stack, not its message (messages can quote input).
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

import orjson

request_id: ContextVar[str | None] = ContextVar("modlens_request_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            out["request_id"] = rid
        fields = getattr(record, "fields", None)
        if fields:
            out.update(fields)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def log_config(level: str = "INFO") -> dict:
    """A logging.config dict for uvicorn (and each of its workers): everything as JSON on stderr."""
    quiet = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "service.observability.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {"uvicorn": quiet, "uvicorn.error": quiet, "uvicorn.access": {"handlers": [], "propagate": False}},
    }

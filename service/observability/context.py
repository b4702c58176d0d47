"""The outermost middleware: request id, metrics, the access log line, and the last line of defence.

An exception that escapes a route becomes a 500 JSON error carrying the request
id (so an operator can find the logged stack) instead of a bare traceback page.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_body
from service.observability.logs import request_id
from service.observability.metrics import Metrics

access = logging.getLogger("modlens.access")
log = logging.getLogger("modlens.service")
# A caller's id is echoed only if it is short and plain, so it cannot forge log lines.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_LOG_CHARS = 4000


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, log_text: bool = False):
        self.app, self.metrics, self.log_text = app, metrics, log_text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = _header(scope, b"x-request-id")
        rid = given if given and _GOOD_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 0
        body = bytearray()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        async def receive_logged() -> Message:
            message = await receive()
            if len(body) < _BODY_LOG_CHARS:
                body.extend(message.get("body", b"")[: _BODY_LOG_CHARS - len(body)])
            return message

        try:
            await self.app(scope, receive_logged if self.log_text else receive, send_with_id)
        except Exception as e:
            log.error(
                "unhandled %s", type(e).__name__, exc_info=self.log_text,
                extra={"request_id": rid, "fields": {} if self.log_text else {"stack": _stack(e)}},
            )
            if not status:
                status = 500
                payload = orjson.dumps(error_body("internal_error", f"internal error; request id {rid}"))
                await send_with_id(
                    {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"application/json")]}
                )
                await send({"type": "http.response.body", "body": payload})
        finally:
            seconds = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(scope["method"], template, status, seconds)
            fields = {
                "method": scope["method"], "path": scope["path"], "route": template, "status": status,
                "ms": round(seconds * 1000, 2),
            }
            key = scope.get("state", {}).get("api_key")
            if key:
                fields["key"] = key
            if self.log_text and body:
                fields["body"] = body.decode("utf-8", "replace")
            access.info("request", extra={"request_id": rid, "fields": fields})
            request_id.reset(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope["headers"]:
        if k == name:
            return v.decode("latin-1")
    return None


def _stack(e: BaseException) -> list[str]:
    """Where it failed, without the exception message (which may quote the input)."""
    tb, out = e.__traceback__, []
    while tb is not None:
        code = tb.tb_frame.f_code
        out.append(f"{code.co_filename}:{tb.tb_lineno} in {code.co_name}")
        tb = tb.tb_next
    return out[-8:]

"""Request limits enforced before any route runs: body size, JSON depth, time.

Starlette has a body-size middleware, but it answers in plain text; this one
answers in the service's JSON error shape and also bounds JSON nesting (deep
nesting is what makes a JSON parser recurse until it fails) and the time a
request may take.
"""

from __future__ import annotations

import asyncio
import re

import numpy as np
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_body
from service.settings import Settings

_WITH_BODY = {"POST", "PUT", "PATCH"}
# JSON strings (escapes included), removed before brackets are counted. A
# string left open runs to the end, so the scan stays linear on any input.
# Unrolled and possessive: the plain `(?:[^"\\]|\\.)*` makes the regex engine
# keep a backtracking record per character, ~140 MB and 0.8 s for one string
# of 1 MB (the worker's whole memory peak in benchmarks/speed.py); this form
# keeps none and matches the same strings.
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)', re.DOTALL)


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON in `body` nests deeper than `limit` (cheap when it plainly cannot)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    skeleton = np.frombuffer(_JSON_STRING.sub(b"", body), dtype=np.uint8)
    opens = (skeleton == ord("[")) | (skeleton == ord("{"))
    closes = (skeleton == ord("]")) | (skeleton == ord("}"))
    depth = np.cumsum(opens.astype(np.int64) - closes)
    return bool(depth.size) and int(depth.max()) > limit


async def _reply(send: Send, status: int, code: str, message: str, headers: list | None = None) -> None:
    body = orjson.dumps(error_body(code, message))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.max_body = settings.max_body_bytes
        self.max_depth = settings.max_json_depth
        self.timeout = settings.request_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        length = _content_length(scope)
        if length is not None and length > self.max_body:
            # Refused on the header alone: the body is never read.
            return await _reply(send, 413, "body_too_large", f"the body has {length} bytes; the limit is {self.max_body}")
        if scope["method"] not in _WITH_BODY:
            return await self._run(scope, receive, send, deadline)
        try:
            async with asyncio.timeout_at(deadline):
                body, more = await self._read(receive)
        except TimeoutError:
            return await _reply(send, 408, "request_timeout", f"the body was not received within {self.timeout:g} s")
        if body is None:
            return  # the client went away
        if more:
            return await _reply(send, 413, "body_too_large", f"the body is over the limit of {self.max_body} bytes")
        if json_depth_exceeds(body, self.max_depth):
            return await _reply(send, 400, "json_too_deep", f"the JSON nests deeper than {self.max_depth} levels")

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._run(scope, replay, send, deadline)

    async def _read(self, receive: Receive) -> tuple[bytes | None, bool]:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", True  # stop reading: the rest is never buffered
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    async def _run(self, scope: Scope, receive: Receive, send: Send, deadline: float) -> None:
        started = finished = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if finished:
                return  # the client already has its timeout answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        # Scoring runs in a worker thread that cannot be interrupted, so on
        # timeout the client is answered at once and the late result dropped.
        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=max(0.0, deadline - asyncio.get_running_loop().time()))
        except TimeoutError:
            if started:
                return await task  # too late to refuse: let the answer finish
            finished = True
            task.add_done_callback(_swallow)
            await _reply(
                send, 503, "timeout", f"the request took longer than {self.timeout:g} s", [(b"retry-after", b"1")]
            )


def _swallow(task: asyncio.Task) -> None:
    if not task.cancelled():
        task.exception()


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None

"""Request body limit: a body larger than `MAX_BODY_BYTES` gets 413 before any route sees it.

A declared `Content-Length` over the limit is refused without reading the body. A body without
one (chunked transfer) is read into memory only up to the limit, then handed on to the app
unchanged, so a client cannot stream an endless body past the check.
The error has the shape of the 422 errors: `{"detail": [{"type", "loc", "msg"}]}`.
"""

from __future__ import annotations

import json
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# 2 MiB holds a MAX_LAYERS-deep model with every Keras argument spelled out, or its Keras JSON.
MAX_BODY_BYTES = int(os.environ.get("MAX_BODY_BYTES", 2 * 1024 * 1024))
# Fields of one page form: the editor sends every control (a checkbox twice), about 42,000 for
# MAX_LAYERS layers of the widest type. Starlette's default of 1,000 cut models at ~25 layers.
MAX_FORM_FIELDS = 65_536


def too_large_body(limit: int, received: int | None) -> bytes:
    seen = "" if received is None else f"; received {received:,} bytes or more"
    detail = [
        {
            "type": "body_too_large",
            "loc": ["body"],
            "msg": f"request body is larger than the limit of {limit:,} bytes{seen}",
        }
    ]
    return json.dumps({"detail": detail}).encode()


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Pure ASGI middleware, so it sees the raw `http.request` messages."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None:
            # The server frames the body by Content-Length, so it can never exceed `declared`.
            if declared > self.max_bytes:
                await self._refuse(send, declared)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, size)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send, received: int) -> None:
        body = too_large_body(self.max_bytes, received)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    # The unread rest of the body is still on the wire: do not reuse the connection.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body as one message, then the real channel (for `http.disconnect`)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

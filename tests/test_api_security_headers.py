"""`SecurityHeadersMiddleware` on raw ASGI messages: what it adds, and what it leaves alone."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from app.security import SECURITY_HEADERS, SecurityHeadersMiddleware

_OURS = {name.lower().encode(): value.encode() for name, value in SECURITY_HEADERS.items()}


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run` on a thread of its own: the browser tests keep a loop running on ours."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, coroutine).result()


def _sent(start: Message, scope_type: str = "http") -> list[Message]:
    """The messages a route sending `start` and an empty body puts on the wire."""

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": b""})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    middleware = SecurityHeadersMiddleware(route)
    _run(middleware({"type": scope_type}, receive, send))  # type: ignore[arg-type]
    return sent


def _start(*headers: tuple[bytes, bytes]) -> Message:
    return {"type": "http.response.start", "status": 200, "headers": headers}


def test_every_security_header_is_added_once_after_the_routes_own():
    route_headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
    [start, _] = _sent(_start(*route_headers))
    assert start["headers"][:2] == route_headers
    assert start["headers"][2:] == list(_OURS.items())


def test_a_security_header_the_route_set_itself_is_kept_and_not_repeated():
    own = (b"x-frame-options", b"SAMEORIGIN")
    [start, _] = _sent(_start((b"content-type", b"text/html"), own))
    names = [name for name, _ in start["headers"]]
    assert names.count(b"x-frame-options") == 1
    assert own in start["headers"]
    assert set(names) == {b"content-type", *_OURS}


def test_a_start_message_without_headers_gets_the_security_headers():
    [start, _] = _sent({"type": "http.response.start", "status": 204})
    assert dict(start["headers"]) == _OURS


def test_the_body_message_passes_unchanged():
    [_, body] = _sent(_start())
    assert body == {"type": "http.response.body", "body": b""}


def test_a_non_http_scope_is_passed_through_untouched():
    start = _start((b"content-type", b"text/plain"))
    [sent, _] = _sent(start, scope_type="lifespan")
    assert sent["headers"] == ((b"content-type", b"text/plain"),)

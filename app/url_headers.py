"""htmx's URL headers stay small enough for any proxy: a longer one is left out.

`POST /` answers htmx with the model's page URL in `HX-Replace-Url` or `HX-Push-Url`, and values
are kept as typed, so one long (invalid) value makes that header as long as the body allowed.
Such a URL could never be loaded anyway (uvicorn refuses a request target over 65,535 bytes with
400), and a proxy holds a response's whole header in one buffer (nginx: `proxy_buffer_size`)
and answers 502 when it does not fit. Past `MAX_URL_HEADER_BYTES` the header is dropped: the
results still update, the address bar keeps its previous URL (htmx changes it only when told).
A 1,024-layer model's URL is about 62 KB.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Below uvicorn's 65,535, with room for "GET " and " HTTP/1.1" in nginx's 64 KiB header line.
MAX_URL_HEADER_BYTES = 65_000
# The routes that answer htmx with a URL (the API is left alone: not a microsecond added there).
URL_ROUTES = frozenset({"/"})
URL_HEADERS = frozenset({b"hx-replace-url", b"hx-push-url"})


class UrlHeaderLimitMiddleware:
    """Pure ASGI middleware: drops an `HX-*-Url` response header longer than the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_URL_HEADER_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in URL_ROUTES:
            await self.app(scope, receive, send)
            return

        async def send_bounded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if any(n in URL_HEADERS and len(v) > self.max_bytes for n, v in headers):
                    kept = [
                        (n, v)
                        for n, v in headers
                        if not (n in URL_HEADERS and len(v) > self.max_bytes)
                    ]
                    message = {**message, "headers": kept}
            await send(message)

        await self.app(scope, receive, send_bounded)

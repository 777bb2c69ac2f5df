"""Conditional GETs: pages carry an ETag and Cache-Control; a matching If-None-Match gets 304.

A page GET (`/`, `/download/<format>`, `/docs`, `/openapi.json`) is a pure function of its URL,
of its language (for `/`) and of the release that runs it: code, templates, catalogs, static
files and pinned dependencies. The ETag is a digest of exactly these, so it is known before the
route runs and is the same on every replica of one release: a matching revalidation is answered
304 without rendering anything. `Cache-Control: no-cache` lets browsers and caches keep a page
but ask every time, so a new release is seen at once. Weak ETags (`W/"..."`), because gzip
changes the bytes but not the meaning.

The route still runs when it would set a cookie (`?lang=` remembers the language); its answer
then becomes the 304, Set-Cookie kept. Only 200 answers get an ETag.
Static assets are cached by `app/static_files.py` (fingerprinted names, a year `immutable`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n

PAGE_CACHE_CONTROL = "no-cache"
# What makes a release: everything a page is rendered from (relative to the project root).
RELEASE_PATHS = ("app", "templates", "static", "pyproject.toml")
# Paths whose answer depends on the URL and the release only; "/" and the downloads (their
# formulas and headings are written in it) also on the language.
LANGUAGE_PAGES = frozenset({"/"})
LANGUAGE_PAGE_PREFIXES = ("/download/",)
URL_PAGES = frozenset({"/docs", "/openapi.json"})
# Headers a 304 keeps (RFC 9110 §15.4.5), and Set-Cookie when the route set one.
_NOT_MODIFIED_KEEPS = frozenset(
    {b"cache-control", b"content-location", b"date", b"etag", b"expires", b"vary", b"set-cookie"}
)


def _release_files(root: Path) -> Iterator[Path]:
    for name in RELEASE_PATHS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                    yield file


@cache
def release_id(root: Path = i18n.ROOT) -> str:
    """SHA-256 of every release file's path and content: equal on replicas of one image."""
    sha = hashlib.sha256()
    for file in _release_files(root):
        sha.update(file.relative_to(root).as_posix().encode() + b"\0")
        sha.update(file.read_bytes() + b"\0")
    return sha.hexdigest()


def page_etag(scope: Scope) -> str | None:
    """The ETag of a page GET, or None for anything that is not a cacheable page."""
    path: str = scope["path"]
    if _by_language(path):
        request = Request(scope)
        language = i18n.choose(
            request.query_params.get("lang"),
            request.cookies.get(i18n.COOKIE),
            request.headers.get("accept-language", ""),
        )
    elif path in URL_PAGES:
        language = ""
    else:
        return None
    key = b"\0".join(
        [release_id().encode(), path.encode(), scope.get("query_string", b""), language.encode()]
    )
    return f'W/"{hashlib.sha256(key).hexdigest()[:32]}"'


def _by_language(path: str) -> bool:
    return path in LANGUAGE_PAGES or path.startswith(LANGUAGE_PAGE_PREFIXES)


def _if_none_match(scope: Scope) -> list[str]:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return [tag.strip().removeprefix("W/") for tag in value.decode("latin-1").split(",")]
    return []


def _sets_cookie(scope: Scope) -> bool:
    """Whether the route would set a cookie: the page remembers an explicit `?lang=`."""
    return scope["path"] in LANGUAGE_PAGES and b"lang=" in scope.get("query_string", b"")


class ConditionalGetMiddleware:
    """Pure ASGI middleware: ETag + Cache-Control on page GETs, 304 when the client has it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        etag = None
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            etag = page_etag(scope)
        if etag is None:
            await self.app(scope, receive, send)
            return
        wanted = _if_none_match(scope)
        matched = etag.removeprefix("W/") in wanted or "*" in wanted
        if matched and "*" not in wanted and not _sets_cookie(scope):
            await _not_modified(send, etag, vary=_by_language(scope["path"]))
            return
        await self.app(scope, receive, _with_etag(send, etag, matched))


async def _not_modified(send: Send, etag: str, vary: bool) -> None:
    headers = [(b"etag", etag.encode()), (b"cache-control", PAGE_CACHE_CONTROL.encode())]
    if vary:
        headers.append((b"vary", b"Accept-Language, Cookie, Accept-Encoding"))
    else:
        headers.append((b"vary", b"Accept-Encoding"))
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _with_etag(send: Send, etag: str, matched: bool) -> Send:
    """`send` that tags a 200 with the ETag, and turns it into a 304 when the client has it."""
    state = {"tagged": False}

    async def tagging_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                await send(message)
                return
            state["tagged"] = True
            headers = [h for h in message.get("headers", ()) if h[0] != b"etag"]
            if not any(name == b"cache-control" for name, _ in headers):
                headers.append((b"cache-control", PAGE_CACHE_CONTROL.encode()))
            headers.append((b"etag", etag.encode()))
            if matched:
                headers = [h for h in headers if h[0] in _NOT_MODIFIED_KEEPS]
                message = {**message, "status": 304, "headers": headers}
            else:
                message = {**message, "headers": headers}
            await send(message)
        elif message["type"] == "http.response.body" and matched and state["tagged"]:
            # The 304 has no body: swallow the rendered one, end the response once.
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})
        else:
            await send(message)

    return tagging_send

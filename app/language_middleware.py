"""The language of what the core writes (formulas, rules, errors), set for each request.

Pages take it as `app.i18n.choose` does (`?lang=`, the `lang` cookie, `Accept-Language`); the
JSON API ignores the cookie (a program gets English unless it asks with `?lang=` or
`Accept-Language`). A page whose form carries `lang` activates that one itself
(`app.pages._lang`). The language stays active until the response is sent, since texts are
written when the JSON is dumped or the template rendered, and is reset afterwards.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app import i18n
from app.core import translation

# The routes of `app.api` and `app.interop_api` (tests/test_core_texts_zh.py checks the list).
API_PATHS = frozenset({"/summary", "/sweep", "/presets", "/healthz", "/import/keras"})
API_PREFIXES = ("/export/",)


def lang_parameter() -> dict[str, Any]:
    """`?lang=` in the OpenAPI document of a JSON route that writes sentences (merged into the
    operation with `openapi_extra`). Documentation only: the middleware reads it, so a value
    other than a language code is ignored, as it always was, not refused."""
    return {
        "parameters": [
            {
                "name": "lang",
                "in": "query",
                "required": False,
                "description": "The language of the texts (formulas, rules, notes, error "
                f"messages): {' or '.join(f'`{code}`' for code in i18n.LANGUAGES)}. Without it "
                "(or with another value), `Accept-Language` decides, else English; the numbers "
                "are the same in every language.",
                "schema": {"type": "string", "examples": list(i18n.LANGUAGES)},
            }
        ]
    }


def is_api(path: str) -> bool:
    return path in API_PATHS or path.startswith(API_PREFIXES)


def request_language(scope: Scope) -> str:
    """The language code a request asks for."""
    request = Request(scope)
    cookie = None if is_api(scope["path"]) else request.cookies.get(i18n.COOKIE)
    return i18n.choose(
        request.query_params.get("lang"), cookie, request.headers.get("accept-language", "")
    )


class LanguageMiddleware:
    """Pure ASGI middleware: the request's language is the core's for the whole request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with translation.active(i18n.translations(request_language(scope))):
            await self.app(scope, receive, send)

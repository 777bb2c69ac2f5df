"""App factory: middleware, static files and routers."""

import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from app import (
    api,
    api_docs,
    caching,
    interop_api,
    interop_pages,
    lazy_cards,
    limits,
    openapi_responses,
    pages,
    picture_pages,
    url_headers,
    whatif_pages,
)
from app.head import HeadAsGetMiddleware
from app.language_middleware import LanguageMiddleware
from app.security import SecurityHeadersMiddleware
from app.static_files import FingerprintedStaticFiles


class App(FastAPI):
    """FastAPI with two middlewares outside Starlette's own error handling."""

    def build_middleware_stack(self) -> ASGIApp:
        # Starlette puts its ServerErrorMiddleware outside every `add_middleware` one, so its
        # 500 carried none of the security headers: these wrap the whole stack instead.
        return SecurityHeadersMiddleware(HeadAsGetMiddleware(super().build_middleware_stack()))


# CPU-bound requests run in the thread pool, but hold the GIL; the event loop waits for it each
# time it wakes. Every 5 ms (CPython's default) let a waiting thread in made /healthz wait tens
# of milliseconds behind four large requests; every 1 ms costs those requests little.
GIL_SWITCH_INTERVAL_S = 0.001


@asynccontextmanager
async def _frozen_startup_objects(app: FastAPI) -> AsyncIterator[None]:
    """Moves what exists once the app has started (modules, schemas, templates: ~85,000
    objects) out of the cyclic collector's sight. They live as long as the process, and each
    full collection rescanned them all: a 40 ms stall of every request in flight, about once
    per 3,000 seed summaries (bench/gc_pauses.py). Garbage is collected first, not frozen."""
    gc.collect()
    gc.freeze()
    yield


def create_app() -> FastAPI:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    app = App(
        lifespan=_frozen_startup_objects,
        title="ConvLSTM Cost Explorer",
        summary="Keras-exact parameters, shapes and costs of ConvLSTM models.",
        version="0.1.0",
        # FastAPI's Swagger UI and ReDoc load scripts from a CDN and inline: neither fits our CSP.
        # `app.api_docs` serves Swagger UI from our origin instead.
        docs_url=None,
        redoc_url=None,
    )
    # Pages and htmx fragments are repetitive HTML/SVG: gzip cuts the first load ~8x. Level 6
    # (zlib's default) gives within 2% of level 9's size at half its CPU: Starlette's level 9
    # spent more on a 1,024-layer answer than computing it did. Large bodies compress in a thread.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    # Outside gzip: a 304 is answered before anything is rendered or compressed.
    app.add_middleware(caching.ConditionalGetMiddleware)
    # htmx's page-URL headers never outgrow a proxy's response-header buffer (502).
    app.add_middleware(url_headers.UrlHeaderLimitMiddleware)
    app.add_middleware(limits.BodyLimitMiddleware)
    # Around routing and its error handlers: the core's texts speak the request's language.
    app.add_middleware(LanguageMiddleware)
    openapi_responses.declare_body_errors(app)
    api.install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(api_docs.router)
    app.include_router(interop_api.router)
    app.include_router(pages.router)
    app.include_router(lazy_cards.router)
    app.include_router(whatif_pages.router)
    app.include_router(interop_pages.router)
    app.include_router(picture_pages.router)
    app.mount("/static", FingerprintedStaticFiles(directory=pages.STATIC), name="static")
    return app


app = create_app()

"""App factory: middleware, static files and routers."""

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from app import (
    api,
    api_docs,
    caching,
    interop_api,
    interop_pages,
    limits,
    openapi_responses,
    pages,
    url_headers,
    whatif_pages,
)
from app.security import SecurityHeadersMiddleware
from app.static_files import FingerprintedStaticFiles


def create_app() -> FastAPI:
    app = FastAPI(
        title="ConvLSTM Cost Explorer",
        summary="Keras-exact parameters, shapes and costs of ConvLSTM models.",
        version="0.1.0",
        # FastAPI's Swagger UI and ReDoc load scripts from a CDN and inline: neither fits our CSP.
        # `app.api_docs` serves Swagger UI from our origin instead.
        docs_url=None,
        redoc_url=None,
    )
    # Pages and htmx fragments are repetitive HTML/SVG: gzip cuts the first load ~8x.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Outside gzip: a 304 is answered before anything is rendered or compressed.
    app.add_middleware(caching.ConditionalGetMiddleware)
    # htmx's page-URL headers never outgrow a proxy's response-header buffer (502).
    app.add_middleware(url_headers.UrlHeaderLimitMiddleware)
    # Added last runs first: every response, a 413 included, carries the security headers.
    app.add_middleware(limits.BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    openapi_responses.declare_body_errors(app)
    api.install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(api_docs.router)
    app.include_router(interop_api.router)
    app.include_router(pages.router)
    app.include_router(whatif_pages.router)
    app.include_router(interop_pages.router)
    app.mount("/static", FingerprintedStaticFiles(directory=pages.STATIC), name="static")
    return app


app = create_app()

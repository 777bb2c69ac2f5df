"""App factory: middleware, static files and routers."""

from fastapi import FastAPI

from app import api, interop_api, limits
from app.security import SecurityHeadersMiddleware


def create_app() -> FastAPI:
    app = FastAPI(
        title="ConvLSTM Cost Explorer",
        summary="Keras-exact parameters, shapes and costs of ConvLSTM models.",
        version="0.1.0",
        # Swagger UI and ReDoc load scripts from a CDN and inline: neither fits our CSP.
        docs_url=None,
        redoc_url=None,
    )
    # Added last runs first: every response, a 413 included, carries the security headers.
    app.add_middleware(limits.BodyLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    limits.declare_in_openapi(app)
    api.install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(interop_api.router)
    return app


app = create_app()

"""App factory: middleware, static files and routers."""

from fastapi import FastAPI

from app import api


def create_app() -> FastAPI:
    app = FastAPI(
        title="ConvLSTM Cost Explorer",
        summary="Keras-exact parameters, shapes and costs of ConvLSTM models.",
        version="0.1.0",
    )
    api.install_error_handlers(app)
    app.include_router(api.router)
    return app


app = create_app()

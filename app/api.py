"""JSON routes: `POST /summary` and `GET /healthz`."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.requests import ClientDisconnect

from app.core.errors import SpecError
from app.core.model import summary_json
from app.core.records import ModelSummary, SweepResult, dump_json
from app.core.sweep import sweep as run_sweep
from app.errors import clean_error, spec_error_detail
from app.schema import SEED_MODEL, SummaryRequest, SweepRequest

router = APIRouter()


class JSONBodyRoute(APIRoute):
    """A route whose only parameter, a JSON body, is validated from the raw bytes when it can be.

    FastAPI parses the content type with `email`, decodes the body with `json.loads`, validates
    the objects and solves the (here empty) dependencies: together more than validation itself.
    An `application/json` body that validates goes straight from bytes through pydantic-core to
    the endpoint. Anything else (another content type, invalid JSON, an invalid model) takes
    FastAPI's own path, so every error response, like the OpenAPI document, stays FastAPI's.
    The endpoint must be `async` and return a `Response`.
    """

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        standard = super().get_route_handler()
        bodies, parameters = self.dependant.body_params, inspect.signature(self.endpoint).parameters
        if self.dependant.dependencies or [b.name for b in bodies] != list(parameters):
            raise TypeError(f"{self.path}: JSONBodyRoute takes one body parameter and no other")
        if not inspect.iscoroutinefunction(self.endpoint):
            raise TypeError(f"{self.path}: JSONBodyRoute needs an async endpoint")
        (body,) = bodies
        validate_json = TypeAdapter(body.field_info.annotation).validate_json
        endpoint, name = self.endpoint, body.name

        async def handler(request: Request) -> Response:
            if _content_type(request) == b"application/json":
                try:
                    value = validate_json(await request.body())
                except (ValidationError, ClientDisconnect):
                    pass  # FastAPI's path reports it, in its words (a read body stays cached)
                else:
                    response: Response = await endpoint(**{name: value})
                    return response
            return await standard(request)

        return handler


def _content_type(request: Request) -> bytes | None:
    for name, value in request.scope["headers"]:
        if name == b"content-type":
            return value
    return None

SUMMARY_EXAMPLES = {
    "seed": {
        "summary": "The blog post's model: 35,760 + 144,200 + 237,840 + 327,880 = 745,680",
        "value": SEED_MODEL,
    },
}

# The routes return their JSON already serialised, in one pass of pydantic-core: `JSONBodyRoute`
# hands the endpoint's response straight back, and FastAPI's path would revalidate the result
# against `response_model` first. `response_model` stays declared for the OpenAPI document.

VALIDATION_ERROR = {
    422: {"description": "The model is invalid: `detail[].loc` names the layer and the field."},
}


# `async def`: these are a few hundred microseconds of CPU; a sync route would pay two or three
# hand-offs to the thread pool per request, which halved throughput (bench/api_load.py).
@router.get("/healthz", tags=["ops"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def summary(
    request: Annotated[SummaryRequest, Body(openapi_examples=SUMMARY_EXAMPLES)],
) -> Response:
    """Keras-exact parameters and shapes of a Sequential model, with per-gate breakdowns."""
    return _json(summary_json(request))


router.add_api_route(
    "/summary", summary, methods=["POST"], response_model=ModelSummary, tags=["summary"],
    responses=VALIDATION_ERROR, route_class_override=JSONBodyRoute,
)


# A sync route: a sweep is up to 32 summaries plus a bisection, so it runs in the thread pool
# instead of holding the event loop.
@router.post("/sweep", response_model=SweepResult, tags=["summary"], responses=VALIDATION_ERROR)
def sweep(request: SweepRequest) -> Response:
    """What-if: params, MACs and memory as one argument varies; the largest fit in a budget."""
    return _json(dump_json(run_sweep(request)))


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    try:
        body = json.loads(await request.body())
    except ValueError:
        body = None
    detail = [clean_error(e, body) for e in exc.errors()]
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": detail}))


async def _on_spec_error(request: Request, exc: SpecError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": spec_error_detail(exc)})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(SpecError, _on_spec_error)  # type: ignore[arg-type]

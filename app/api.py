"""JSON routes: `POST /summary`, `POST /sweep`, `GET /presets` and `GET /healthz`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter

from app import json_guard, presets
from app.core import translation
from app.core.errors import SpecError
from app.core.model import summary_json
from app.core.records import ModelSummary, SweepResult, dump_json
from app.core.sweep import sweep as run_sweep
from app.errors import safe_detail, spec_error_detail, validation_detail
from app.json_route import JSONBodyRoute, ThreadedJSONBodyRoute, unprocessable
from app.language_middleware import lang_parameter
from app.schema import SEED_MODEL, SummaryRequest, SweepRequest

router = APIRouter()


SUMMARY_EXAMPLES = {
    "seed": {
        "summary": "The blog post's model: 35,760 + 144,200 + 237,840 + 327,880 = 745,680",
        "value": SEED_MODEL,
    },
}

# The routes return their JSON already serialised, in one pass of pydantic-core: `JSONBodyRoute`
# hands the endpoint's response straight back, and FastAPI's path would revalidate the result
# against `response_model` first. `response_model` stays declared for the OpenAPI document.

VALIDATION_ERROR: dict[int | str, dict[str, Any]] = {
    422: {"description": "The model is invalid: `detail[].loc` names the layer and the field."},
}


# `async def`: these are a few hundred microseconds of CPU; a sync route would pay two or three
# hand-offs to the thread pool per request, which halved throughput (bench/api_load.py).
@router.get("/healthz", tags=["ops"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def summary(
    request: Annotated[SummaryRequest, Body(openapi_examples=SUMMARY_EXAMPLES)],
    texts: Annotated[
        bool,
        Query(
            description="`false`: the numbers only, without the texts written from them "
            "(`formula`, `costs.*_formula`, `costs.other_tools`, `memory.rules`, "
            "`latency.rule`, and every `text`). A smaller and faster answer for programs; "
            "the numbers are the same."
        ),
    ] = True,
) -> Response:
    """Keras-exact parameters and shapes of a Sequential model, with per-gate breakdowns."""
    return _json(summary_json(request, texts=texts))


router.add_api_route(
    "/summary",
    summary,
    methods=["POST"],
    response_model=ModelSummary,
    tags=["summary"],
    responses=VALIDATION_ERROR,
    route_class_override=JSONBodyRoute,
    openapi_extra=lang_parameter(),
)


# A sweep is up to 32 summaries plus a bisection: it always runs in the thread pool.
def sweep(request: SweepRequest) -> Response:
    """What-if: params, MACs and memory as one argument varies; the largest fit in a budget."""
    return _json(dump_json(run_sweep(request)))


router.add_api_route(
    "/sweep",
    sweep,
    methods=["POST"],
    response_model=SweepResult,
    tags=["summary"],
    responses=VALIDATION_ERROR,
    route_class_override=ThreadedJSONBodyRoute,
    openapi_extra=lang_parameter(),
)


_PRESETS_JSON: list[bytes] = []


def presets_json() -> bytes:
    """The gallery's JSON, serialised once: the presets and their numbers never change."""
    if not _PRESETS_JSON:
        adapter = TypeAdapter(list[presets.PresetOut])
        _PRESETS_JSON.append(adapter.dump_json(list(presets.presets_out())))
    return _PRESETS_JSON[0]


def list_presets() -> Response:
    """Published ConvLSTM architectures: citation, where their figures are printed, the
    request that builds each, and each published figure beside ours (exact, within the
    published rounding, or differs, with the reason)."""
    return _json(presets_json())


router.add_api_route(
    "/presets",
    list_presets,
    methods=["GET"],
    response_model=list[presets.PresetOut],
    tags=["presets"],
)


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Routes other than `JSONBodyRoute`s (a query or path parameter): the same words."""
    try:
        body = json_guard.parse(await request.body())
    except json_guard.JSONProblem:
        body = None
    return unprocessable(validation_detail(exc.errors(), body, translation.gettext))


async def _on_spec_error(request: Request, exc: SpecError) -> JSONResponse:
    return unprocessable(safe_detail(spec_error_detail(exc)))


def install_error_handlers(app: FastAPI) -> None:
    # FastAPI's decorator, called: Starlette's `add_exception_handler` is typed for handlers
    # of any `Exception`, not of the one class each of these is registered for.
    app.exception_handler(RequestValidationError)(_on_validation_error)
    app.exception_handler(SpecError)(_on_spec_error)

"""`JSONBodyRoute`: a route whose one parameter is a JSON body, read and answered by us.

FastAPI's own body handling parses the content type with `email`, decodes with `json.loads` and
validates on the event loop, and its 422 handler then encodes whatever was refused; a
pathological body (`[` × 1,000, `NaN`, a lone surrogate, invalid UTF-8) made that a 500, and a
large one held the event loop. Here an `application/json` body goes from bytes through
pydantic-core to the endpoint; anything it refuses is parsed again by `app.json_guard`, so every
refusal is a 422 located in the body. All of this runs in the thread pool, except for bodies
small enough (`inline_max_bytes`) that handing them to a thread would cost more than the work.

Besides the body, the endpoint may take query parameters (`Annotated[bool, Query()]`); they are
validated here too, and a refused one is a 422 located at `["query", name]`.

Errors keep FastAPI's shape (`{"detail": [{"type", "loc", "msg", "input"}]}`, `loc` starting
with "body"), and the OpenAPI document stays FastAPI's. The endpoint must be a plain `def` that
returns a `Response`; a `SpecError` it raises becomes a 422 through the app's handler.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request
from fastapi._compat import ModelField
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from app import json_guard
from app.core import translation
from app.error_words import Translate
from app.errors import json_problem_detail, validation_detail

Endpoint = Callable[..., Response]


def _content_type(request: Request) -> str:
    headers: list[tuple[bytes, bytes]] = request.scope["headers"]  # ASGI's raw headers
    for name, value in headers:
        if name == b"content-type":
            return value.decode("latin-1")
    return ""


def is_json(content_type: str) -> bool:
    """FastAPI's rule: no content type, `application/json` or `application/*+json`."""
    media = content_type.partition(";")[0].strip().lower()
    return media in ("", "application/json") or (
        media.startswith("application/") and media.endswith("+json")
    )


def unprocessable(detail: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": detail})


def _adapter(query: ModelField) -> TypeAdapter[Any]:
    """The validator of a query parameter's annotated type (`Annotated[bool, Query()]`)."""
    annotation = query.field_info.annotation
    if annotation is None:
        raise TypeError(f"query parameter {query.name} needs a type annotation")
    return TypeAdapter(annotation)


class _Body:
    """How one route turns a body into its endpoint's answer."""

    def __init__(
        self, annotation: Any, endpoint: Endpoint, name: str, queries: list[ModelField]
    ) -> None:
        self.adapter = TypeAdapter(annotation)
        self.endpoint = endpoint
        self.name = name
        self.queries = {q.alias: (q.name, _adapter(q)) for q in queries}
        self.defaults = {q.name: q.field_info.get_default() for q in queries}

    def answer(
        self, raw: bytes, content_type: str, query: dict[str, str], gettext: Translate
    ) -> Response:
        options = self.options(query, gettext)
        if isinstance(options, Response):
            return options
        value = self.value(raw, content_type, gettext)
        if isinstance(value, Response):
            return value
        response: Response = self.endpoint(**{self.name: value}, **options)
        return response

    def options(self, query: dict[str, str], gettext: Translate) -> dict[str, Any] | Response:
        """The endpoint's query parameters (their defaults where not given), or the 422."""
        options = dict(self.defaults)
        for alias, (name, adapter) in self.queries.items():
            if alias not in query:
                continue
            try:
                options[name] = adapter.validate_strings(query[alias])
            except ValidationError as error:
                errors = [{**e, "loc": ("query", alias)} for e in error.errors(include_url=False)]
                return unprocessable(validation_detail(errors, None, gettext))
        return options

    def value(self, raw: bytes, content_type: str, gettext: Translate) -> Any:
        """The validated body, or the 422 that says why there is none."""
        if not raw:
            missing = {"type": "missing", "loc": ("body",), "msg": "Field required"}
            return unprocessable(validation_detail([missing], None, gettext))
        if not is_json(content_type):
            # As FastAPI does: the bytes themselves are the value (an `Any` body takes them).
            try:
                return self.adapter.validate_python(raw, from_attributes=True)
            except ValidationError as error:
                hint = (
                    "; send JSON with `Content-Type: application/json` (received "
                    f"{json_guard.shown_text(content_type)[:80]})"
                )
                return self.refusal(error, None, gettext, hint)
        try:
            value = self.adapter.validate_json(raw)
        except ValidationError:
            return self.slow_path(raw, gettext)
        if json_guard.may_need_check(raw):
            try:
                json_guard.parse(raw)
            except json_guard.JSONProblem as problem:
                return unprocessable(json_problem_detail(problem, "body"))
        return value

    def slow_path(self, raw: bytes, gettext: Translate) -> Any:
        """What FastAPI does (`json.loads`, then validation), with every value checked first."""
        try:
            parsed = json_guard.parse(raw)
        except json_guard.JSONProblem as problem:
            return unprocessable(json_problem_detail(problem, "body"))
        try:
            return self.adapter.validate_python(parsed, from_attributes=True)
        except ValidationError as error:
            return self.refusal(error, parsed, gettext)

    @staticmethod
    def refusal(
        error: ValidationError, parsed: Any, gettext: Translate, hint: str = ""
    ) -> JSONResponse:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        detail = validation_detail(errors, parsed, gettext)
        if hint:
            for item in detail:
                if item["loc"] == ["body"]:
                    item["msg"] += hint
        return unprocessable(detail)


class JSONBodyRoute(APIRoute):
    """See the module docstring. Subclasses set `inline_max_bytes` by how costly a byte is."""

    # A 2 KiB model is at most a few dozen layers: a few milliseconds on the event loop, less
    # than two hand-offs to a thread for the seed model (bench/api_load.py).
    inline_max_bytes: ClassVar[int] = 2048

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        bodies, parameters = self.dependant.body_params, inspect.signature(self.endpoint).parameters
        queries = self.dependant.query_params
        given = [b.name for b in bodies] + [q.name for q in queries]
        if self.dependant.dependencies or len(bodies) != 1 or sorted(given) != sorted(parameters):
            raise TypeError(
                f"{self.path}: JSONBodyRoute takes one body parameter and query parameters only"
            )
        if inspect.iscoroutinefunction(self.endpoint):
            raise TypeError(
                f"{self.path}: JSONBodyRoute needs a plain `def` endpoint, so that "
                "large bodies can run in the thread pool"
            )
        (body,) = bodies
        answer = _Body(body.field_info.annotation, self.endpoint, body.name, queries).answer
        inline_max_bytes = self.inline_max_bytes

        async def handler(request: Request) -> Response:
            try:
                raw = await request.body()
            except ClientDisconnect:  # as FastAPI answers it (nobody is left to read it)
                return JSONResponse({"detail": "There was an error parsing the body"}, 400)
            query = dict(request.query_params)
            # The language LanguageMiddleware made the request's (`?lang=`, Accept-Language).
            gettext = translation.gettext
            if len(raw) <= inline_max_bytes:
                return answer(raw, _content_type(request), query, gettext)
            return await run_in_threadpool(answer, raw, _content_type(request), query, gettext)

        return handler


class ThreadedJSONBodyRoute(JSONBodyRoute):
    """For endpoints whose work per byte is large (a sweep is dozens of summaries)."""

    inline_max_bytes = 0

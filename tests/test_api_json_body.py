"""`POST /summary` validates an `application/json` body from bytes (`app.json_route`).

The shortcut is only sound if pydantic-core's JSON validation accepts exactly what FastAPI's
path (`json.loads`, then `validate_python`) accepts, and builds the same request from it; any
body it refuses goes FastAPI's way, so errors are FastAPI's by construction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from starlette.types import Message

from app.api import JSONBodyRoute
from app.main import app
from app.schema import SEED_MODEL, SummaryRequest
from tests.strategies import invalid_requests, valid_requests

_REQUEST = TypeAdapter(SummaryRequest)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run` on a thread of its own: the browser tests keep a loop running on ours."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, coroutine).result()


def _fastapi_way(raw: bytes) -> SummaryRequest | None:
    """What FastAPI's own body handling makes of `raw`: None where it answers 422."""
    try:
        return _REQUEST.validate_python(json.loads(raw), from_attributes=True)
    except (ValueError, RecursionError):  # JSONDecodeError, ValidationError, bad UTF-8
        return None


def _from_bytes(raw: bytes) -> SummaryRequest | None:
    try:
        return _REQUEST.validate_json(raw)
    except ValidationError:
        return None


def _same_request(raw: bytes) -> None:
    expected, fast = _fastapi_way(raw), _from_bytes(raw)
    if expected is None:
        assert fast is None, "the shortcut accepts a body FastAPI refuses"
    elif fast is not None:  # a body the shortcut refuses simply takes FastAPI's path
        # `repr`, not `==`: 1 and 1.0, or a list and a tuple, must not pass for each other.
        assert repr(fast) == repr(expected)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(valid_requests(), invalid_requests()))
def test_a_generated_model_validates_from_bytes_as_fastapi_validates_it(body):
    _same_request(json.dumps(body).encode())


_LAYER = '{"type": "ConvLSTM2D", "filters": 3, "kernel_size": 3%s}'


def _body(layer_extra: str = "", extra: str = "") -> bytes:
    layer = _LAYER % layer_extra
    return f'{{"input_shape": [5, 8, 8, 3], "layers": [{layer}]{extra}}}'.encode()


@pytest.mark.parametrize(
    "raw",
    [
        _body(', "dropout": 1'),
        _body(', "dropout": 1.0'),
        _body(', "dropout": -0.0'),
        _body(', "filters": 3.0'),
        _body(', "filters": 123456789012345678901234567890'),
        _body(', "activation": 123456789012345678901234567890'),
        _body(', "activation": 1e400'),
        _body(', "activation": NaN'),
        _body(', "dropout": NaN'),
        _body(', "activation": 0.1000000000000000055511151231257827'),
        _body(', "name": "a\\ud800b"'),
        _body(', "name": "caf\\u00e9"'),
        _body(', "name": "tab\there"'),
        _body(', "filters": 5, "filters": 7'),
        _body(', "padding": "SAME"'),
        _body(extra=', "peak_tflops": 5'),
        _body(extra=', "peak_tflops": -Infinity'),
        _body(extra=', "time_steps": 2.0'),
        _body(extra=', "batch_size": true'),
        b"\xef\xbb\xbf" + _body(),
        _body().decode().encode("utf-16"),
        _body(', "name": "\xff"'.encode("latin-1").decode("latin-1")).replace(b"\xc3\xbf", b"\xff"),
        _body() + b" \n",
        _body() + b"x",
        _body(', "activation": ' + "[" * 3000 + "]" * 3000),
    ],
    ids=lambda raw: raw[:60].decode("utf-8", "replace"),
)
def test_an_edge_of_json_validates_from_bytes_as_fastapi_validates_it(raw):
    _same_request(raw)


def test_the_seed_model_validates_from_bytes_into_the_same_request():
    raw = json.dumps(SEED_MODEL).encode()
    assert repr(_from_bytes(raw)) == repr(_fastapi_way(raw))


def test_a_charset_in_the_content_type_still_gets_the_summary(http):
    raw = json.dumps(SEED_MODEL).encode()
    plain = http.post("/summary", content=raw, headers={"content-type": "application/json"})
    charset = http.post(
        "/summary", content=raw, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert charset.status_code == 200
    assert charset.json() == plain.json()


def test_malformed_json_is_reported_where_it_breaks_as_fastapi_does(http):
    response = http.post(
        "/summary", content=b'{"input_shape": [1,', headers={"content-type": "application/json"}
    )
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("json_invalid", ["body", 19])


def test_a_body_without_a_json_content_type_is_refused_as_fastapi_does(http):
    response = http.post(
        "/summary", content=json.dumps(SEED_MODEL).encode(), headers={"content-type": "text/plain"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "model_attributes_type"


def test_an_invalid_model_gets_fastapis_422_with_our_words(http):
    body = {**SEED_MODEL, "layers": [{"type": "ConvLSTM2D", "filter": 3, "kernel_size": 3}]}
    response = http.post("/summary", json=body)
    assert response.status_code == 422
    messages = [error["msg"] for error in response.json()["detail"]]
    assert "ConvLSTM2D has no argument 'filter'; did you mean 'filters'?" in messages


def _route_for(endpoint: Any) -> None:
    router = APIRouter()
    router.add_api_route("/x", endpoint, methods=["POST"], route_class_override=JSONBodyRoute)
    FastAPI().include_router(router)


def test_the_json_body_route_refuses_an_endpoint_with_another_parameter():
    def endpoint(body: SummaryRequest, request: Request) -> Response:
        return Response()

    with pytest.raises(TypeError, match="one body parameter"):
        _route_for(endpoint)


def test_the_json_body_route_refuses_an_async_endpoint():
    # Large bodies are answered in the thread pool, which needs a plain function.
    async def endpoint(body: SummaryRequest) -> Response:
        return Response()

    with pytest.raises(TypeError, match="plain `def`"):
        _route_for(endpoint)


def test_a_client_that_leaves_before_its_body_arrives_gets_fastapis_400_not_a_500():
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/summary",
        "raw_path": b"/summary",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    _run(app(scope, receive, send))
    assert sent[0]["status"] == 400

"""Security headers and request limits, over real HTTP against a running uvicorn."""

from __future__ import annotations

import pytest

from app.limits import MAX_BODY_BYTES
from app.schema import MAX_DIM, MAX_LAYERS, SEED_MODEL


def _seed_with(**changes):
    return {**SEED_MODEL, **changes}


@pytest.mark.parametrize("path", ["/healthz", "/openapi.json", "/no-such-page"])
def test_every_response_carries_the_security_headers(http, path):
    headers = http.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_the_content_security_policy_allows_only_our_own_scripts_and_styles(http):
    policy = http.get("/healthz").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_an_error_response_carries_the_security_headers_too(http):
    response = http.post("/summary", json=_seed_with(layers=[]))
    assert response.status_code == 422
    assert "content-security-policy" in response.headers


def test_a_body_over_the_limit_is_refused_with_413_from_its_content_length(http):
    response = http.post(
        "/summary",
        content=b" " * (MAX_BODY_BYTES + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    error = response.json()["detail"][0]
    assert error["type"] == "body_too_large"
    assert error["loc"] == ["body"]
    assert f"{MAX_BODY_BYTES:,} bytes" in error["msg"]
    assert "content-security-policy" in response.headers


def test_a_streamed_body_over_the_limit_is_refused_with_413(http):
    def chunks():  # no Content-Length: httpx sends Transfer-Encoding: chunked
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    response = http.post("/summary", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"][0]["type"] == "body_too_large"


def test_a_streamed_body_under_the_limit_reaches_the_route_intact(http):
    import json

    payload = json.dumps(SEED_MODEL).encode()

    def chunks():
        for start in range(0, len(payload), 7):
            yield payload[start : start + 7]

    response = http.post("/summary", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["total_params"] == 745680


def test_more_layers_than_max_layers_is_a_422_on_the_layers_field(http):
    layer = {"type": "Dropout", "rate": 0.1}
    response = http.post(
        "/summary", json=_seed_with(input_shape=[4], layers=[layer] * (MAX_LAYERS + 1))
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "layers"]


def test_a_dimension_over_max_dim_is_a_422_naming_the_layer_and_field(http):
    layers = [dict(SEED_MODEL["layers"][0], filters=MAX_DIM + 1)]
    response = http.post("/summary", json=_seed_with(layers=layers))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "layers", 0, "filters"]


def test_a_boolean_is_not_accepted_where_a_number_belongs(http):
    layers = [dict(SEED_MODEL["layers"][0], filters=True)]
    response = http.post("/summary", json=_seed_with(layers=layers, batch_size=False))
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "layers", 0, "filters"] in locs
    assert ["body", "batch_size"] in locs


def test_the_openapi_declares_413_and_422_for_summary(http):
    responses = http.get("/openapi.json").json()["paths"]["/summary"]["post"]["responses"]
    assert {"200", "413", "422"} <= set(responses)

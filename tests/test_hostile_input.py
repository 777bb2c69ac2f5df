"""No input gives a 500 (issue 14, section 2): each cause the attacker's trial found, as a test.

Every refusal is a 4xx whose message names where the problem is: the JSON routes answer 422 with
`loc` pointing into the body, the page shows the message beside the field. Every response, a 500
included, carries the security headers. Requests go through the app in this process.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app.json_guard import MAX_DEPTH
from app.main import app, create_app
from app.schema import SEED_MODEL
from app.security import SECURITY_HEADERS

JSON = {"content-type": "application/json"}
TEXT = {"content-type": "text/plain"}
JSON_ROUTES = [
    "/summary",
    "/sweep",
    "/import/keras",
    "/export/keras-code",
    "/export/pytorch-code",
    "/export/csv",
    "/export/json",
    "/export/text",
]
DENSE = {"input_shape": "4", "layers.0.type": "Dense", "layers.0.units": "3"}
HUGE = "9" * 5000  # over Python's 4,300-digit limit for int(str)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _secure(response: Any) -> Any:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{name} missing on {response.status_code}"
    return response


def _refusal(response: Any) -> dict[str, Any]:
    """The one error of a 422 from a JSON route, after checking status and headers."""
    assert response.status_code == 422, response.text[:300]
    _secure(response)
    return response.json()["detail"][0]


def _seed_text(**replace: str) -> str:
    """The seed model as JSON text, with raw JSON (NaN, a surrogate escape) spliced in."""
    text = json.dumps(SEED_MODEL)
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _layer_with(raw: str) -> str:
    return _seed_text(**{'"type": "ConvLSTM2D", ': f'"type": "ConvLSTM2D", {raw}, '})


def _field_error(page: str, key: str) -> str:
    """The message the page shows beside field `key` (`layers.0.units`)."""
    found = re.search(rf'id="err-{re.escape(key.replace(".", "-"))}" class="error">([^<]*)<', page)
    assert found, f"no error slot for {key}"
    return found.group(1)


# --- JSON routes --------------------------------------------------------------------------


@pytest.mark.parametrize("route", JSON_ROUTES)
def test_a_thousand_brackets_as_text_plain_is_a_located_422(client, route):
    response = client.post(route, content=b"[" * 1000, headers=TEXT)
    error = _refusal(response)
    assert error["loc"] == ["body"]
    assert "Content-Type: application/json" in error["msg"] or "nested" in error["msg"]


@pytest.mark.parametrize("route", JSON_ROUTES)
def test_a_thousand_brackets_as_json_is_a_located_422(client, route):
    error = _refusal(client.post(route, content=b"[" * 1000, headers=JSON))
    assert error["loc"][0] == "body"
    assert f"deeper than {MAX_DEPTH}" in error["msg"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_in_a_failing_field_is_a_located_422(client, token):
    body = _seed_text(**{'"filters": 30': f'"filters": {token}'})
    error = _refusal(client.post("/summary", content=body, headers=JSON))
    assert error["loc"] == ["body", "layers", 0, "filters"]
    assert error["type"] == "finite_number"
    assert token in error["msg"]


@pytest.mark.parametrize("route", ["/summary", "/export/keras-code"])
def test_nan_is_refused_even_where_a_float_would_validate(client, route):
    body = json.dumps(
        {"input_shape": [4], "layers": [{"type": "BatchNormalization", "momentum": 0.5}]}
    ).replace("0.5", "NaN")
    error = _refusal(client.post(route, content=body, headers=JSON))
    assert error["loc"] == ["body", "layers", 0, "momentum"]


@pytest.mark.parametrize("field", ["name", "activation"])
@pytest.mark.parametrize("route", ["/summary", "/export/keras-code", "/export/csv"])
def test_a_lone_surrogate_is_a_located_422(client, route, field):
    body = _layer_with(f'"{field}": "a\\ud800b"')
    error = _refusal(client.post(route, content=body, headers=JSON))
    assert error["loc"] == ["body", "layers", 0, field]
    assert error["type"] == "string_unicode"
    assert "\\ud800" in error["msg"]


def test_a_surrogate_pair_is_text_like_any_other(client):
    body = _layer_with('"name": "\\ud83d\\ude00"')
    response = client.post("/summary", content=body, headers=JSON)
    assert response.status_code == 200
    assert response.json()["layers"][0]["name"] == "\U0001f600"


@pytest.mark.parametrize("headers", [TEXT, JSON])
def test_invalid_utf8_is_a_422_never_a_500(client, headers):
    response = client.post("/summary", content=b'{"input_shape": "\xff\xfe"}', headers=headers)
    error = _refusal(response)
    assert error["loc"][0] == "body"
    if headers is JSON:
        assert error["loc"] == ["body", 17] and "UTF-8" in error["msg"]


def test_an_integer_too_long_to_print_is_a_located_422(client):
    body = _layer_with(f'"seed": {HUGE}')
    error = _refusal(client.post("/export/keras-code", content=body, headers=JSON))
    assert error["loc"] == ["body", "layers", 0, "seed"]
    assert error["type"] == "int_parsing_size"


def test_a_500_deep_list_in_a_free_form_argument_is_a_located_422(client):
    body = _layer_with('"kernel_initializer": ' + "[" * 500 + "]" * 500)
    error = _refusal(client.post("/export/keras-code", content=body, headers=JSON))
    assert error["loc"][:5] == ["body", "layers", 0, "kernel_initializer", 0]
    assert f"deeper than {MAX_DEPTH}" in error["msg"]


def test_free_form_arguments_within_the_depth_limit_still_export(client):
    initializer = {"class_name": "RandomNormal", "config": {"stddev": 0.1, "seed": 3}}
    body = {
        **SEED_MODEL,
        "layers": [{**SEED_MODEL["layers"][0], "kernel_initializer": initializer}],
    }
    response = client.post("/export/keras-code", json=body)
    assert response.status_code == 200
    assert "'stddev': 0.1" in response.text


def _keras_json(initializer: str) -> str:
    return (
        '{"class_name": "Sequential", "config": {"name": "s", "layers": ['
        '{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}},'
        '{"class_name": "Dense", "config": {"name": "d", "units": 2, '
        f'"kernel_initializer": {initializer}}}}}]}}}}'
    )


NAN_INITIALIZER = _keras_json('{"class_name": "RandomNormal", "config": {"stddev": NaN}}')
NAN_LOC = ["config", "layers", 1, "config", "kernel_initializer", "config", "stddev"]
DEEP_JSON = "[" * 1000 + "]" * 1000


def test_keras_json_with_nan_in_an_initializer_is_a_located_422(client):
    error = _refusal(client.post("/import/keras", content=NAN_INITIALIZER, headers=JSON))
    assert error["loc"] == ["body", *NAN_LOC]
    as_string = _refusal(client.post("/import/keras", json=NAN_INITIALIZER))
    assert as_string["loc"] == ["body", *NAN_LOC]


def test_keras_json_nested_1000_deep_is_a_located_422(client):
    error = _refusal(client.post("/import/keras", json=DEEP_JSON))
    assert f"deeper than {MAX_DEPTH}" in error["msg"]


@pytest.mark.parametrize("text", [NAN_INITIALIZER, DEEP_JSON, _keras_json(DEEP_JSON)])
def test_the_page_import_refuses_hostile_keras_json_beside_the_text(client, text):
    response = _secure(client.post("/import", data={"keras_json": text}))
    assert response.status_code == 422
    message = re.search(r'class="error[^"]*"[^>]*>([^<]+)<', response.text.split("import")[-1])
    assert "NaN" in response.text or "deeper than" in response.text, message


# --- page fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("layers.0.units", HUGE),
        ("layers.0.units", "1" * 30),
        ("layers.0.units", "²"),
        ("batch_size", "1" * 30),
        ("time_steps", "²"),
        ("input_shape", HUGE),
        ("input_shape", "²"),
    ],
)
def test_a_page_field_with_a_huge_or_unicode_number_shows_a_message_beside_it(client, key, value):
    for response in (
        client.get("/?" + urlencode({**DENSE, key: value})),
        client.post("/", data={**DENSE, key: value}),
    ):
        _secure(response)
        assert response.status_code == 200
        assert _field_error(response.text, key)


def test_a_page_float_that_is_not_finite_shows_a_message_beside_it(client):
    form = {"input_shape": "4", "layers.0.type": "BatchNormalization", "layers.0.momentum": "nan"}
    page = client.get("/?" + urlencode(form)).text
    assert "finite" in _field_error(page, "layers.0.momentum")


@pytest.mark.parametrize("index", ["²", HUGE, "-1", "+1", "١"])
def test_a_layer_index_that_is_not_ascii_digits_is_ignored(client, index):
    response = _secure(client.get("/?" + urlencode({**DENSE, f"layers.{index}.type": "Dense"})))
    assert response.status_code == 200
    assert 'id="f-layers-1-units"' not in response.text


@pytest.mark.parametrize("action", ["remove:²", f"remove:{HUGE}", "duplicate:²", "up:١", "down:-1"])
def test_an_action_on_a_layer_that_is_not_there_changes_nothing(client, action):
    form = {**DENSE, "layers.1.type": "Dense", "layers.1.units": "5", "action": action}
    response = _secure(client.post("/", data=form))
    assert response.status_code == 200
    assert 'id="f-layers-1-units"' in response.text and 'id="f-layers-2-units"' not in response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sweep.layer", "²"),
        ("sweep.layer", HUGE),
        ("sweep.layer", "1" * 30),
        ("sweep.values", "²"),
        ("sweep.values", f"2,{HUGE}"),
        ("sweep.values", "1" * 30),
        ("sweep.budget_mb", "1e400"),
        ("sweep.budget_mb", "nan"),
    ],
)
def test_a_hostile_what_if_field_is_a_message_naming_it(client, field, value):
    form = {**DENSE, "sweep.argument": "batch_size", field: value}
    response = _secure(client.post("/whatif", data=form, headers={"HX-Request": "true"}))
    assert response.status_code == 200
    message = re.search(r'id="whatif-error"[^>]*>([^<]+)<', response.text)
    assert message, response.text[:500]
    assert field.removeprefix("sweep.") in message.group(1)


def test_a_download_link_with_a_huge_number_is_a_422_naming_the_field(client):
    response = _secure(client.get("/download/csv?" + urlencode({**DENSE, "batch_size": HUGE})))
    assert response.status_code == 422
    assert "batch_size" in response.text


# --- responses ----------------------------------------------------------------------------


def test_a_500_carries_the_security_headers():
    broken = create_app()

    @broken.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(broken, raise_server_exceptions=False) as test_client:
        response = test_client.get("/boom")
    assert response.status_code == 500
    _secure(response)


def test_starlettes_own_400_carries_the_security_headers(client):
    # More fields than any form may have: Starlette refuses it before any route runs.
    response = client.post(
        "/",
        content=b"&".join([b"a=1"] * 70_000),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    _secure(response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/healthz",
        "/docs",
        "/openapi.json",
        "/static/explorer.js",
        "/download/csv?" + urlencode(DENSE),
    ],
)
def test_head_answers_wherever_get_does_with_the_same_headers_and_no_body(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    _secure(head)


def test_an_unknown_lang_sets_no_cookie_and_a_known_one_does(client):
    unknown = client.get("/?lang=xx")
    assert unknown.status_code == 200 and "set-cookie" not in unknown.headers
    assert "lang=zh" in client.get("/?lang=zh").headers["set-cookie"]
    client.cookies.clear()


@pytest.mark.parametrize("name", ["a\r=cmd|' -C calc'!A0", "a\x0b=1+1", "a\u2028=1", "a\r\n=1"])
def test_a_csv_name_with_a_control_character_stays_in_one_quoted_cell(client, name):
    body = {
        **SEED_MODEL,
        "layers": [{**SEED_MODEL["layers"][0], "name": name}, *SEED_MODEL["layers"][1:]],
    }
    text = client.post("/export/csv", json=body).text
    line = text.split("\n", 1)[1]
    assert line.startswith('"a'), "the cell is quoted"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][0] == name
    assert len(rows) == 2 + len(SEED_MODEL["layers"])  # no extra record

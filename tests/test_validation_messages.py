"""A refused request is told in the user's words and language (issue 10, §4).

- A location is the user's field: never a pydantic union tag (`constrained-int`,
  `tuple[constrained-int, ...]`), list indexes inside the field allowed (`kernel_size[1]`).
- One error per field, whichever members of a union failed.
- Every message is a sentence about the field, in English by default and in Chinese with
  `?lang=zh` or `Accept-Language: zh`, on the API and beside the field on the page.
- Activations, initializers, regularizers and constraints Keras does not know are refused by
  name with a suggestion (tests/test_keras_object_names.py proves the names against Keras).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import app.core.model  # noqa: F401  (fills the analyser registry that editable_types reads)
from app import editor, i18n
from app.errors import validation_detail
from app.main import create_app
from app.schema import LAYER_SPECS, SummaryRequest

CJK = re.compile(r"[\u4e00-\u9fff]")
# What pydantic names a union's members: never part of what the user is told.
TAG = re.compile(r"constrained-|\[constrained|^(int|float|str|bool|list|tuple|dict|none)$|-")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def detail(body: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """The 422's `detail` for `body` (asserting it is refused), as the API answers it."""
    try:
        SummaryRequest.model_validate(body)
    except ValidationError as error:
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        return validation_detail(located, body, i18n.translations(lang).gettext)
    raise AssertionError(f"accepted: {body}")


def one_layer(layer: dict[str, Any]) -> dict[str, Any]:
    return {"input_shape": [5, 8, 8, 3], "layers": [layer]}


CONV = {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3}


# --- the examples ----------------------------------------------------------------------


def test_a_size_that_is_no_number_is_one_error_at_the_field_in_plain_words() -> None:
    (error,) = detail(one_layer({**CONV, "kernel_size": "x"}))
    assert error["loc"] == ["body", "layers", 0, "kernel_size"]
    assert error["msg"] == (
        "kernel_size must be a positive integer or a list of them (e.g. 3 or [3, 3])"
    )


def test_an_entry_of_a_size_is_named_with_its_index() -> None:
    (error,) = detail(one_layer({**CONV, "kernel_size": [3, 0]}))
    assert error["loc"] == ["body", "layers", 0, "kernel_size", 1]
    assert error["msg"] == "kernel_size[1] must be at least 1; received 0"


def test_the_same_errors_in_chinese() -> None:
    (size,) = detail(one_layer({**CONV, "kernel_size": "x"}), "zh")
    (entry,) = detail(one_layer({**CONV, "kernel_size": [3, 0]}), "zh")
    assert size["msg"] == "kernel_size 必须是正整数或正整数列表（例如 3 或 [3, 3]）"
    assert entry["msg"] == "kernel_size[1] 至少为 1；收到 0"


@pytest.mark.parametrize(
    "field,value,hint",
    [
        ("activation", "swishy", "swish"),
        ("recurrent_activation", "sigmod", "sigmoid"),
        ("activation", "Relu", "relu"),
        ("kernel_initializer", "glorot_unifrm", "glorot_uniform"),
        ("kernel_regularizer", "L_2", "L2"),
        ("bias_constraint", "nonneg", "NonNeg"),
    ],
)
def test_a_name_keras_does_not_know_is_refused_with_a_suggestion(
    field: str, value: str, hint: str
) -> None:
    (error,) = detail(one_layer({**CONV, field: value}))
    assert error["loc"] == ["body", "layers", 0, field]
    assert error["msg"].startswith("Keras does not know the ")
    assert error["msg"].endswith(f"'{value}'; did you mean '{hint}'?")
    (chinese,) = detail(one_layer({**CONV, field: value}), "zh")
    assert CJK.search(chinese["msg"]) and f"'{hint}'" in chinese["msg"]


def test_a_serialised_object_is_refused_at_its_class_name() -> None:
    layer = {**CONV, "kernel_initializer": {"class_name": "GlorotUnifrm", "config": {}}}
    (error,) = detail(one_layer(layer))
    assert error["loc"] == ["body", "layers", 0, "kernel_initializer", "class_name"]
    assert error["input"] == "GlorotUnifrm"
    assert "did you mean 'GlorotUniform'?" in error["msg"]


def test_an_activation_object_s_config_is_checked_by_its_layer() -> None:
    activation = {"class_name": "LeakyReLU", "config": {"negative_slop": 0.2}}
    (error,) = detail(one_layer({**CONV, "activation": activation}))
    assert error["loc"] == ["body", "layers", 0, "activation", "config", "negative_slop"]
    assert (
        error["msg"] == "LeakyReLU has no argument 'negative_slop'; did you mean 'negative_slope'?"
    )


def test_an_activation_object_keras_would_give_weights_is_refused_saying_why() -> None:
    (error,) = detail(one_layer({**CONV, "activation": {"class_name": "PReLU", "config": {}}}))
    assert error["loc"][-1] == "class_name"
    assert "PReLU has weights of its own" in error["msg"]


def test_a_module_keras_would_not_look_in_is_named_with_the_one_it_would() -> None:
    activation = {"module": "keras.activations", "class_name": "ReLU", "config": {}}
    (error,) = detail(one_layer({**CONV, "activation": activation}))
    assert error["loc"] == ["body", "layers", 0, "activation", "module"]
    assert error["input"] == "keras.activations"
    assert "'keras.layers'" in error["msg"]


def test_what_a_layer_is_called_on_is_said_as_tensors() -> None:
    (error,) = detail(one_layer({**CONV, "inputs": 5}))
    assert error["loc"] == ["body", "layers", 0, "inputs"]
    assert error["msg"].startswith("inputs must be a tensor name (e.g. 'frames'")


def test_a_union_of_numbers_says_a_number() -> None:
    (error,) = detail(one_layer({"type": "BatchNormalization", "momentum": "x"}))
    assert error["loc"] == ["body", "layers", 0, "momentum"]
    assert error["msg"] == "momentum must be a number; received 'x'"


# --- every field of every layer type -----------------------------------------------------------

JUNK = st.one_of(
    st.text(max_size=4),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.booleans(),
    st.lists(st.one_of(st.integers(-2, 3), st.text(max_size=2), st.none()), max_size=4),
    st.dictionaries(st.sampled_from(["class_name", "config", "x"]), st.integers(0, 2), max_size=2),
)
TYPES = sorted(t for t in editor.editable_types())


def fields_of(layer_type: str) -> list[str]:
    return [f for f in LAYER_SPECS[layer_type].model_fields if f != "type"]


@st.composite
def broken_layers(draw: st.DrawFn) -> dict[str, Any]:
    layer_type = draw(st.sampled_from(TYPES))
    layer = editor.layer_body(editor.new_layer(layer_type))
    for field in draw(st.lists(st.sampled_from(fields_of(layer_type)), min_size=1, max_size=3)):
        layer[field] = draw(JUNK)
    return layer


def _points_into(body: Any, loc: list[Any]) -> bool:
    """Whether `loc` walks the body, all but a last key that may be absent (missing, unknown)."""
    node = body
    for position, part in enumerate(loc[1:]):
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            return position == len(loc) - 2
    return True


# Lists whose items are objects of their own: each item's error is its own.
ITEM_LISTS = ("layers", "inputs")


def _field(loc: list[Any]) -> tuple[Any, ...]:
    end = len(loc)
    while isinstance(loc[end - 1], int) and loc[end - 2] not in ITEM_LISTS:
        end -= 1
    return tuple(loc[:end])


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(broken_layers())
def test_every_refusal_is_at_the_user_s_field_once_in_both_languages(layer: dict) -> None:
    body = one_layer(layer)
    try:
        SummaryRequest.model_validate(body)
    except ValidationError:
        pass
    else:
        return  # the junk happened to be valid
    english, chinese = detail(body), detail(body, "zh")
    assert [e["loc"] for e in english] == [e["loc"] for e in chinese]
    fields = [_field(e["loc"]) for e in english]
    assert len(fields) == len(set(fields)), english
    for error, said in zip(english, chinese, strict=True):
        assert not any(isinstance(p, str) and TAG.search(p) for p in error["loc"]), error
        assert _points_into(body, error["loc"]), error
        assert "Input should" not in error["msg"] and "constrained" not in error["msg"], error
        assert CJK.search(said["msg"]), said


MODEL_FIELDS = [f for f in SummaryRequest.model_fields if f != "layers"]


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.data())
def test_every_refusal_of_a_model_argument_is_at_it_once_in_both_languages(data) -> None:
    body = one_layer(CONV)
    for field in data.draw(st.lists(st.sampled_from(MODEL_FIELDS), min_size=1, max_size=3)):
        body[field] = data.draw(JUNK)
    try:
        SummaryRequest.model_validate(body)
    except ValidationError:
        pass
    else:
        return
    english, chinese = detail(body), detail(body, "zh")
    fields = [_field(e["loc"]) for e in english]
    assert len(fields) == len(set(fields)), english
    for error, said in zip(english, chinese, strict=True):
        assert not any(isinstance(p, str) and TAG.search(p) for p in error["loc"]), error
        assert "Input should" not in error["msg"] and CJK.search(said["msg"]), (error, said)


@pytest.mark.parametrize(
    "body",
    [
        one_layer({**CONV, "kernel_size": [3, 3, 3]}),
        one_layer({**CONV, "name": "a/b"}),
        one_layer({"type": "ZeroPadding2D", "padding": [1, 2, 3]}),
        one_layer({"type": "ZeroPadding1D", "padding": -1}),
        one_layer({"type": "GroupNormalization", "groups": 0}),
        {"layers": [CONV]},
        {**one_layer(CONV), "inputs": [{"shape": [5, 8, 8, 3]}]},
    ],
)
def test_a_validator_s_own_sentence_is_said_in_chinese_too(body: dict[str, Any]) -> None:
    (english,), (chinese,) = detail(body), detail(body, "zh")
    assert english["type"] == "value_error"
    assert not CJK.search(english["msg"]) and CJK.search(chinese["msg"]), (english, chinese)


# --- the language of the answer ------------------------------------------------------------------


def test_the_api_answers_in_english_by_default_and_in_chinese_when_asked(client) -> None:
    body = one_layer({**CONV, "activation": "swishy"})
    english = client.post("/summary", json=body).json()["detail"][0]["msg"]
    by_query = client.post("/summary?lang=zh", json=body).json()["detail"][0]["msg"]
    by_header = client.post(
        "/summary", json=body, headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    ).json()["detail"][0]["msg"]
    assert english == "Keras does not know the activation 'swishy'; did you mean 'swish'?"
    assert by_query == by_header == "Keras 不认识激活函数 'swishy'；您是指 'swish' 吗？"


def test_a_sweep_refusal_is_said_in_chinese_too(client) -> None:
    body = {"model": one_layer({**CONV, "kernel_size": "x"})}
    (error,) = client.post("/sweep?lang=zh", json=body).json()["detail"]
    assert error["loc"] == ["body", "model", "layers", 0, "kernel_size"]
    assert CJK.search(error["msg"])


def _field_error(page: str, key: str) -> str:
    found = re.search(rf'id="err-{re.escape(key.replace(".", "-"))}" class="error">([^<]*)<', page)
    assert found, f"no error slot for {key}"
    return found.group(1)


def test_the_page_shows_the_field_s_error_in_the_page_s_language(client) -> None:
    form = {
        "input_shape": "5,8,8,3",
        "layers.0.type": "ConvLSTM2D",
        "layers.0.filters": "2",
        "layers.0.kernel_size": "3",
        "layers.0.activation": "swishy",
    }
    english = client.get("/", params=form).text
    chinese = client.get("/", params={**form, "lang": "zh"}).text
    assert "did you mean &#39;swish&#39;?" in _field_error(english, "layers.0.activation")
    assert "您是指" in _field_error(chinese, "layers.0.activation")


# --- What the JSON guard refuses (app/json_guard.py) speaks the request's language too ---------


@pytest.mark.parametrize(
    ("raw", "english", "chinese"),
    [
        (b"[", "JSON decode error: Expecting value", "JSON 解析错误：此处应为一个值"),
        (b'{"input_shape": NaN}', "NaN is not a number JSON allows", "NaN 不是 JSON 允许的数"),
        (b"[" * 40 + b"]" * 40, "nested deeper than 32 levels", "嵌套超过 32 层"),
    ],
)
def test_a_body_the_json_guard_refuses_is_told_why_in_the_requests_language(
    client: TestClient, raw: bytes, english: str, chinese: str
) -> None:
    headers = {"content-type": "application/json"}
    said = client.post("/summary", content=raw, headers=headers).json()["detail"][0]["msg"]
    assert english in said
    zh = client.post("/summary?lang=zh", content=raw, headers=headers).json()["detail"][0]
    assert chinese in zh["msg"] and not re.search("[A-Za-z]{4}", zh["msg"].replace("JSON", ""))

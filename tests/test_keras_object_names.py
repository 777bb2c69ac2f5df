"""Activations, initializers, regularizers and constraints are taken by name exactly as real
Keras 3 takes them, and an activation given as a Keras layer object (what `to_json()` writes for
`activation=LeakyReLU()`) works in every layer that has an activation, as in Keras.

- The name tables of `app.core.keras_objects` are Keras's `ALL_OBJECTS_DICT` keys, and every
  name (and every near miss: other cases, typos) is accepted by us exactly when
  `keras.<kind>.get` accepts it.
- Parameters and shapes with an activation layer object are Keras's (`count_params`, layer by
  layer); its costs are those of the function it computes; the Keras code export rebuilds it;
  `to_json()` imports; the PyTorch export runs with the same count.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_reference import build, keras
from pydantic import ValidationError
from test_keras_parity import assert_same_layers

from app import editor
from app.core import keras_objects
from app.core.errors import SpecError
from app.core.model import summarize, summary_json
from app.interop.formats import FORMATS
from app.interop.keras_code import keras_code
from app.interop.keras_import import import_keras
from app.interop.pytorch_code import pytorch_code
from app.schema import SummaryRequest

KINDS = {
    "activation": (keras_objects.ACTIVATIONS, keras.activations),
    "initializer": (keras_objects.INITIALIZERS, keras.initializers),
    "regularizer": (keras_objects.REGULARIZERS, keras.regularizers),
    "constraint": (keras_objects.CONSTRAINTS, keras.constraints),
}
# One field of each kind, on a layer that has it.
FIELDS = {
    "activation": "activation",
    "initializer": "kernel_initializer",
    "regularizer": "kernel_regularizer",
    "constraint": "kernel_constraint",
}


def keras_takes(kind: str, identifier: Any) -> bool:
    try:
        KINDS[kind][1].get(identifier)
    except (ValueError, TypeError, KeyError):  # KeyError: `get("constant")` has no value
        return False
    return True


def we_take(kind: str, identifier: Any) -> bool:
    layer = {"type": "Dense", "units": 2, FIELDS[kind]: identifier}
    try:
        SummaryRequest.model_validate({"input_shape": [4], "layers": [layer]})
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("kind", KINDS)
def test_the_name_tables_are_keras_s(kind: str) -> None:
    module = {
        "activation": "keras.src.activations",
        "initializer": "keras.src.initializers",
        "regularizer": "keras.src.regularizers",
        "constraint": "keras.src.constraints",
    }[kind]
    names = __import__(module, fromlist=["ALL_OBJECTS_DICT"]).ALL_OBJECTS_DICT
    assert sorted(KINDS[kind][0]) == sorted(names)


def near_misses(name: str) -> list[str]:
    return [name.upper(), name.capitalize(), name.swapcase(), name + "s", name[:-1], f" {name}"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_name_and_its_near_misses_are_taken_exactly_when_keras_takes_them(
    kind: str,
) -> None:
    names = KINDS[kind][0]
    for candidate in {*names, *(m for n in names for m in near_misses(n))}:
        assert we_take(kind, candidate) == keras_takes(kind, candidate), candidate


@pytest.mark.parametrize("kind", ["initializer", "regularizer", "constraint"])
def test_a_serialised_object_is_looked_up_by_its_class_name_as_keras_does(kind: str) -> None:
    names = KINDS[kind][0]
    for candidate in {*names, *(m for n in names for m in near_misses(n))}:
        for config in ({}, {"class_name": candidate, "config": {}, "module": f"keras.{kind}s"}):
            identifier = config or {"class_name": candidate, "config": {}}
            assert we_take(kind, identifier) == keras_takes(kind, identifier), identifier


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    name=st.text(alphabet="abcdefghilmnorstuvwxyzLNORTU_2 ", min_size=1, max_size=12),
)
def test_any_text_is_a_name_for_us_exactly_when_it_is_one_for_keras(kind: str, name: str) -> None:
    assert we_take(kind, name) == keras_takes(kind, name)


def test_values_that_are_no_identifier_are_refused_by_both() -> None:
    for kind in KINDS:
        for value in (3, 0.5, True, ["relu"], {"config": {}}):
            assert not we_take(kind, value) and not keras_takes(kind, value), (kind, value)


# --- activation layer objects ---------------------------------------------------------------


def layer_object(name: str, **config: Any) -> dict[str, Any]:
    """What `to_json()` writes for `activation=keras.layers.<name>(**config)`."""
    return {"module": "keras.layers", "class_name": name, "config": config, "registered_name": None}


OBJECTS = [
    layer_object("LeakyReLU", negative_slope=0.2),
    layer_object("ReLU", max_value=6.0),
    layer_object("ELU", alpha=0.5),
    layer_object("Softmax"),
    layer_object("Activation", activation="hard_sigmoid"),
]
# Every layer type with an activation argument, with an input it fits.
HOSTS = [
    ([5, 8, 8, 3], {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}),
    ([5, 8, 3], {"type": "ConvLSTM1D", "filters": 2, "kernel_size": 3}),
    ([3, 6, 6, 6, 2], {"type": "ConvLSTM3D", "filters": 2, "kernel_size": 2}),
    ([8, 8, 3], {"type": "Conv2D", "filters": 4, "kernel_size": 3}),
    ([8, 3], {"type": "Conv1DTranspose", "filters": 4, "kernel_size": 3}),
    ([8, 8, 3], {"type": "SeparableConv2D", "filters": 4, "kernel_size": 3}),
    ([8, 8, 3], {"type": "DepthwiseConv2D", "kernel_size": 3}),
    ([6], {"type": "Dense", "units": 3}),
    ([5, 3], {"type": "LSTM", "units": 4}),
    ([5, 3], {"type": "GRU", "units": 4}),
    ([5, 3], {"type": "SimpleRNN", "units": 4}),
    ([6], {"type": "Activation"}),
]


@pytest.mark.parametrize("shape,host", HOSTS, ids=[h["type"] for _, h in HOSTS])
@pytest.mark.parametrize("activation", OBJECTS, ids=[o["class_name"] for o in OBJECTS])
def test_an_activation_layer_object_counts_and_shapes_as_in_keras(
    shape: list[int], host: dict[str, Any], activation: dict[str, Any]
) -> None:
    request = {"input_shape": shape, "layers": [{**host, "activation": activation}]}
    reference = build(request)
    assert reference.error is None, reference.error
    summary = summarize(SummaryRequest.model_validate(request))
    assert_same_layers(summary, reference)
    assert summary_json(SummaryRequest.model_validate(request))  # the whole answer, texts too


def _function_of(activation: dict[str, Any]) -> str:
    name = keras_objects.activation_function(activation)
    return "linear" if name is None else name


@pytest.mark.parametrize("shape,host", HOSTS, ids=[h["type"] for _, h in HOSTS])
@pytest.mark.parametrize("activation", OBJECTS, ids=[o["class_name"] for o in OBJECTS])
def test_an_activation_layer_object_costs_what_its_function_costs(
    shape: list[int], host: dict[str, Any], activation: dict[str, Any]
) -> None:
    def costs(value: Any) -> Any:
        request = {"input_shape": shape, "layers": [{**host, "activation": value}]}
        return summarize(SummaryRequest.model_validate(request)).costs

    assert costs(activation) == costs(_function_of(activation))


def test_an_activation_layer_that_computes_nothing_costs_nothing() -> None:
    linear = layer_object("Activation", activation="linear")
    assert keras_objects.is_linear(linear) and keras_objects.is_linear(
        {"class_name": "function", "config": "linear"}
    )
    assert not keras_objects.is_linear(layer_object("ReLU"))


def test_prelu_as_an_activation_is_refused_since_keras_gives_it_weights_of_its_own() -> None:
    # Keras builds the PReLU inside the host layer on its first call and counts its alphas
    # there (ConvLSTM2D(4, 3) on 8×8×3: 1,024 + 144); we say so rather than count it wrong.
    keras.backend.clear_session()
    layer = keras.layers.ConvLSTM2D(4, 3, activation=keras.layers.PReLU())
    model = keras.Sequential([keras.Input((5, 8, 8, 3)), layer])
    model(keras.ops.zeros((1, 5, 8, 8, 3)))
    assert model.count_params() == 1024 + 144
    assert keras_takes("activation", layer_object("PReLU"))
    assert not we_take("activation", layer_object("PReLU"))


def test_the_brief_s_short_form_without_a_module_is_accepted() -> None:
    # Keras's `activations.get` needs `module` to find the class; we take the short form too
    # (the module can only be keras.layers) and export it as the constructor call.
    assert we_take("activation", {"class_name": "LeakyReLU", "config": {"negative_slope": 0.2}})
    assert not we_take("activation", {"class_name": "LeakyReLU", "config": {}, "module": "x"})


def test_to_json_with_activation_objects_imports_and_exports_to_code_keras_rebuilds() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((5, 8, 8, 3)),
            keras.layers.ConvLSTM2D(
                4, 3, activation=keras.layers.LeakyReLU(negative_slope=0.2), return_sequences=True
            ),
            keras.layers.TimeDistributed(
                keras.layers.Conv2D(2, 3, activation=keras.layers.ReLU(max_value=6.0))
            ),
            keras.layers.Reshape((5, -1)),
            keras.layers.LSTM(
                3,
                activation=keras.layers.ELU(alpha=0.5),
                recurrent_activation=keras.layers.Activation("hard_sigmoid"),
            ),
            keras.layers.Dense(2, activation=keras.layers.Softmax()),
        ]
    )
    request = import_keras(model.to_json())
    summary = summarize(request)
    assert summary.total_params == model.count_params()
    code = keras_code(request, summary)
    assert "activation=keras.layers.LeakyReLU(negative_slope=0.2)" in code
    assert 'recurrent_activation=keras.layers.Activation(activation="hard_sigmoid")' in code
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(code, "<exported model.py>", "exec"), namespace)  # our own generated code
    rebuilt = namespace["model"]
    assert rebuilt.count_params() == model.count_params()
    assert [layer.output.shape for layer in rebuilt.layers] == [
        layer.output.shape for layer in model.layers
    ]
    again = import_keras(rebuilt.to_json())
    assert json.loads(summary_json(again)) == json.loads(summary_json(request))


def test_the_short_form_exports_to_code_keras_builds() -> None:
    body = {
        "input_shape": [5, 8, 8, 3],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "filters": 4,
                "kernel_size": 3,
                "activation": {"class_name": "LeakyReLU", "config": {"negative_slope": 0.2}},
                "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
            }
        ],
    }
    request = SummaryRequest.model_validate(body)
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(keras_code(request, summarize(request)), "<exported>", "exec"), namespace)
    layer = namespace["model"].layers[0]
    assert namespace["model"].count_params() == 1024
    assert layer.get_config()["kernel_regularizer"]["config"]["l2"] == pytest.approx(0.01)


@pytest.mark.parametrize("activation", OBJECTS[:4], ids=[o["class_name"] for o in OBJECTS[:4]])
def test_the_pytorch_export_runs_with_an_activation_object(activation: dict[str, Any]) -> None:
    pytest.importorskip("torch", reason="torch not installed (as .ci/run installs it)")
    from tests.test_pytorch_code import check

    for shape, host in (HOSTS[0], HOSTS[3], HOSTS[7], HOSTS[8]):
        check({"input_shape": shape, "layers": [{**host, "activation": activation}]}, False)


def test_the_page_form_keeps_a_keras_object_as_its_json() -> None:
    layer = {
        "type": "ConvLSTM2D",
        "filters": 2,
        "kernel_size": 3,
        "activation": layer_object("LeakyReLU", negative_slope=0.2),
        "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
    }
    draft = editor.draft_from_body({"input_shape": [5, 8, 8, 3], "layers": [layer]})
    request, errors = editor.validate(draft)
    assert errors == {} and request is not None
    assert request.layers[0].activation == layer["activation"]
    assert request.layers[0].kernel_regularizer == layer["kernel_regularizer"]


def test_every_export_format_writes_a_model_with_activation_objects() -> None:
    layers = [
        {**host, "activation": activation}
        for (_, host), activation in zip(HOSTS[:1], OBJECTS[:1], strict=True)
    ]
    request = SummaryRequest.model_validate({"input_shape": [5, 8, 8, 3], "layers": layers})
    summary = summarize(request)
    for export in FORMATS.values():
        assert export.render(request, summary), export.name


def test_an_activation_object_torch_cannot_compute_is_refused_by_field() -> None:
    # ReLU(threshold=...) has no faithful torch function here: refused, naming the field.
    layer = {**HOSTS[7][1], "activation": layer_object("ReLU", threshold=0.5)}
    request = SummaryRequest.model_validate({"input_shape": HOSTS[7][0], "layers": [layer]})
    with pytest.raises(SpecError) as caught:
        pytorch_code(request)
    assert caught.value.loc[-1] == "activation" and "ReLU object" in caught.value.msg

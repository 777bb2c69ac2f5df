"""Differential tests: `POST /summary`'s arithmetic agrees with real Keras 3, layer by layer.

Every generated request is built twice: by Keras (`tests/keras_reference.py`) and by our schema
plus `app.core.model.summarize`. Either both accept it and agree on every layer's name, output
shape(s), parameters (trainable / non-trainable) and weight shapes, and on the totals; or both
refuse it (Keras raises, we raise pydantic's `ValidationError` or our `SpecError`).

Only layer types whose analyser is registered in the core are generated, so the suite widens
by itself as layer families land. The hypothesis profile is derandomized: CI sees the same
cases every run.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from keras_reference import KerasLayer, KerasModel, build, keras
from pydantic import ValidationError
from strategies import invalid_requests, valid_requests

from app.core.errors import SpecError
from app.core.families import FAMILY_OF
from app.core.merging import MERGES
from app.core.model import summarize
from app.core.records import LayerRecord, ModelSummary
from app.schema import LAYER_SPECS, SEED_MODEL, SummaryRequest

# Merge layers take several tensors: graph models only (tests/test_graph_parity.py).
SUPPORTED = frozenset(
    name for name, spec in LAYER_SPECS.items() if spec in FAMILY_OF and spec not in MERGES
)
VALID_EXAMPLES = 300
INVALID_EXAMPLES = 100
PER_TYPE_EXAMPLES = 4
HTTP_EXAMPLES = 40


def parity(max_examples: int) -> settings:
    """Deterministic and bounded: the same cases on every run, no example database."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def ours(request: dict[str, Any]) -> ModelSummary | ValidationError | SpecError:
    """Our answer to `request`: the summary, or the error a client would get as a 422."""
    try:
        return summarize(SummaryRequest.model_validate(request))
    except (ValidationError, SpecError) as error:
        return error


def _as_lists(shape: Any) -> Any:
    if isinstance(shape, list):
        return [list(s) for s in shape]
    return list(shape)


def assert_same_weights(record: LayerRecord, layer: KerasLayer) -> None:
    """Same names, shapes and trainable flags, in Keras's order.

    Our names carry the owner only where it tells the weights apart: a Bidirectional's copy,
    `forward_conv_lstm2d/kernel`, however deep the Bidirectional is nested; elsewhere the owner
    (a wrapped layer, a cell) is dropped.
    """
    ours = [(w.name, list(w.shape), w.trainable) for w in record.weights]
    theirs = [
        (f"{w.direction}/{w.name}" if w.direction else w.name, w.shape, w.trainable)
        for w in layer.weights
    ]
    assert ours == theirs, f"layer {record.index} ({record.name})"


def assert_same_layers(summary: ModelSummary, reference: KerasModel) -> None:
    assert reference.layers is not None
    assert [r.name for r in summary.layers] == [k.name for k in reference.layers]
    for record, layer in zip(summary.layers, reference.layers, strict=True):
        where = f"layer {record.index} ({record.name})"
        assert _as_lists(record.output_shape) == layer.output_shape, where
        assert record.params == layer.params, where
        assert record.trainable_params == layer.trainable_params, where
        assert record.non_trainable_params == layer.non_trainable_params, where
        assert_same_weights(record, layer)
    assert summary.total_params == reference.total_params
    assert summary.trainable_params == reference.trainable_params
    assert summary.non_trainable_params == reference.non_trainable_params


def _input_ranks(request: dict[str, Any], reference: KerasModel) -> list[int]:
    """Rank (batch axis included) of what each layer receives, as Keras built it."""
    assert reference.layers is not None
    shapes = [[None, *request["input_shape"]]] + [k.output_shape for k in reference.layers]
    return [len(shape) for shape in shapes[:-1]]


def deliberate_refusal(
    request: dict[str, Any], reference: KerasModel, answer: ValidationError | SpecError
) -> str | None:
    """Why we refuse on purpose a model Keras builds (it would fail on its first call)."""
    if isinstance(answer, SpecError) and "backward_layer" in answer.loc:
        # Keras builds a Bidirectional's output shape from the forward layer alone.
        return "Bidirectional backward_layer cannot run on the input"
    for layer, rank in zip(request["layers"], _input_ranks(request, reference), strict=True):
        axis = layer.get("axis")
        if (
            layer["type"] == "LayerNormalization"
            and isinstance(axis, list)
            and len({a % rank for a in axis}) < len(axis)
        ):
            return "LayerNormalization axis list names one axis twice"
        if layer["type"] == "Softmax" and any(
            not -rank <= a < rank
            for a in (axis if isinstance(axis, list) else [axis])
            if a is not None
        ):
            return "Softmax axis the input lacks"
    return None


def check_parity(request: dict[str, Any], tally: Counter) -> None:
    """Both accept and agree, or both refuse. `tally` counts what happened."""
    reference = build(request)
    answer = ours(request)
    if reference.error is not None:
        assert not isinstance(answer, ModelSummary), (
            f"Keras refuses this model but we accept it.\nKeras: {reference.error}"
        )
        if isinstance(answer, SpecError):
            assert answer.loc[0] in ("layers", "input_shape"), answer.loc
        tally["both refuse"] += 1
        return
    if not isinstance(answer, ModelSummary) and deliberate_refusal(request, reference, answer):
        tally["refused on purpose"] += 1
        return
    assert isinstance(answer, ModelSummary), f"Keras accepts this model but we refuse: {answer}"
    assert_same_layers(answer, reference)
    tally["both accept and agree"] += 1
    tally.update(f"layer {_types(layer)}" for layer in request["layers"])


def _types(layer: dict[str, Any]) -> str:
    inner = layer.get("layer")
    return f"{layer['type']}({_types(inner)})" if isinstance(inner, dict) else layer["type"]


def _report(capsys: pytest.CaptureFixture, title: str, tally: Counter) -> None:
    with capsys.disabled():
        cases = sum(
            tally[k] for k in ("both accept and agree", "both refuse", "refused on purpose")
        )
        print(
            f"\n{title}: {cases} cases checked against Keras "
            f"({tally['both accept and agree']} built, {tally['both refuse']} refused by both, "
            f"{tally['refused on purpose']} refused by us on purpose)"
        )
        built = sorted(
            ((k.removeprefix("layer "), n) for k, n in tally.items() if k.startswith("layer ")),
            key=lambda kv: (-kv[1], kv[0]),
        )
        if built:
            print("  layers built and compared: " + ", ".join(f"{t} ×{n}" for t, n in built))
        missing = SUPPORTED - {t for k, _ in built for t in k.replace(")", "").split("(")}
        if built and missing and title.startswith("valid"):
            print("  supported but not built this run: " + ", ".join(sorted(missing)))


def run_generated(strategy: Any, examples: int) -> Counter:
    """`check_parity` on `examples` derandomized requests; returns what happened how often."""
    tally: Counter = Counter()

    @parity(examples)
    @given(strategy)
    def check(request: dict[str, Any]) -> None:
        note(json.dumps(request))
        check_parity(request, tally)

    check()
    return tally


def test_generated_stacks_match_keras_layer_by_layer(capsys: pytest.CaptureFixture) -> None:
    tally = run_generated(valid_requests(SUPPORTED), VALID_EXAMPLES)
    _report(capsys, "valid-leaning stacks", tally)
    assert tally["both accept and agree"] >= VALID_EXAMPLES // 2


def test_generated_broken_stacks_are_refused_like_keras(capsys: pytest.CaptureFixture) -> None:
    tally = run_generated(invalid_requests(SUPPORTED), INVALID_EXAMPLES)
    _report(capsys, "broken stacks", tally)
    assert tally["both refuse"] >= INVALID_EXAMPLES // 2


@pytest.mark.parametrize("first", sorted(SUPPORTED))
def test_every_supported_layer_type_is_compared_with_keras(first: str) -> None:
    """A few stacks starting with each type, so no family is left out by chance."""
    tally = run_generated(valid_requests(SUPPORTED, first=first), PER_TYPE_EXAMPLES)
    assert tally["both accept and agree"] >= 1, tally


def test_generated_stacks_over_http_are_a_200_or_a_422_exactly_when_keras_says(http) -> None:
    """The same verdicts through the real server: never a 500, the numbers survive JSON."""
    tally: Counter = Counter()

    @parity(HTTP_EXAMPLES)
    @given(valid_requests(SUPPORTED) | invalid_requests(SUPPORTED))
    def check(request: dict[str, Any]) -> None:
        note(json.dumps(request))
        reference = build(request)
        response = http.post("/summary", json=request)
        if reference.error is not None or response.status_code == 422:
            assert response.status_code == 422 or reference.error is None, reference.error
            if reference.error is None:  # only the refusals we make on purpose
                assert deliberate_refusal(request, reference, ours(request)), response.json()
            detail = response.json()["detail"]
            assert detail and all(d["loc"][0] == "body" for d in detail)
            tally["422"] += 1
            return
        assert response.status_code == 200, response.text
        body = response.json()
        assert [
            (layer["name"], layer["output_shape"], layer["params"], layer["trainable_params"])
            for layer in body["layers"]
        ] == [(k.name, k.output_shape, k.params, k.trainable_params) for k in reference.layers]
        assert body["total_params"] == reference.total_params
        tally["200"] += 1

    check()
    assert tally["200"] and tally["422"], tally


# Golden models: numbers people know, checked against Keras rather than typed in.


def test_seed_model_matches_keras_and_the_blog_post() -> None:
    summary = summarize(SummaryRequest.model_validate(SEED_MODEL))
    assert_same_layers(summary, build(SEED_MODEL))
    assert [r.params for r in summary.layers] == [35_760, 144_200, 237_840, 327_880]
    assert summary.total_params == 745_680


NEXT_FRAME = {
    # keras.io example "Next-frame prediction with Conv-LSTM".
    "input_shape": [None, 64, 64, 1],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [5, 5],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {"type": "BatchNormalization"},
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [3, 3],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {"type": "BatchNormalization"},
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [1, 1],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {
            "type": "Conv3D",
            "filters": 1,
            "kernel_size": [3, 3, 3],
            "activation": "sigmoid",
            "padding": "same",
        },
    ],
}


@pytest.mark.skipif(
    not {"BatchNormalization", "Conv3D"} <= SUPPORTED,
    reason="BatchNormalization or Conv3D is not in the core yet",
)
def test_next_frame_prediction_example_matches_keras() -> None:
    assert_same_layers(summarize(SummaryRequest.model_validate(NEXT_FRAME)), build(NEXT_FRAME))


def test_seed_model_over_http_matches_keras(http) -> None:
    response = http.post("/summary", json=SEED_MODEL)
    assert response.status_code == 200
    body = response.json()
    reference = build(SEED_MODEL)
    assert [layer["params"] for layer in body["layers"]] == [k.params for k in reference.layers]
    assert [layer["output_shape"] for layer in body["layers"]] == [
        k.output_shape for k in reference.layers
    ]
    assert body["total_params"] == reference.total_params


def test_a_model_keras_refuses_is_a_422_naming_the_layer_over_http(http) -> None:
    request = {
        "input_shape": [10, 2, 8, 3],
        "layers": [{"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}],
    }
    assert build(request).error is not None
    response = http.post("/summary", json=request)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "layers", 0, "kernel_size"]


# Regressions: each mismatch the generated cases found, pinned as one readable case.


def _convlstm(**arguments: Any) -> dict[str, Any]:
    return {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3, **arguments}


@pytest.mark.parametrize("input_shape", [[4, None, 8, 3], [4, 8, None, 3]])
def test_conv_lstm_with_an_unknown_spatial_size_is_refused_like_keras(input_shape) -> None:
    request = {"input_shape": input_shape, "layers": [_convlstm()]}
    assert "static input shapes" in build(request).error
    answer = ours(request)
    assert isinstance(answer, SpecError) and answer.loc == ("input_shape",)


def test_conv_lstm_with_an_unknown_number_of_steps_is_built_like_keras() -> None:
    check_parity({"input_shape": [None, 8, 8, 3], "layers": [_convlstm(unroll=True)]}, Counter())


FROZEN_LAYERS = [
    ([4, 8, 8, 3], _convlstm(trainable=False)),
    ([4, 8, 8, 3], {"type": "Bidirectional", "layer": _convlstm(), "trainable": False}),
    ([4, 8, 8, 3], {"type": "Bidirectional", "layer": _convlstm(trainable=False)}),
    (
        [2, 4, 8, 3],
        {
            "type": "TimeDistributed",
            "layer": {**_convlstm(), "type": "ConvLSTM1D"},
            "trainable": False,
        },
    ),
    (
        [4, 8, 3],
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2}, "trainable": False},
    ),
]


@pytest.mark.parametrize(("input_shape", "layer"), FROZEN_LAYERS)
def test_trainable_false_freezes_every_weight_like_the_keras_setter(input_shape, layer) -> None:
    request = {"input_shape": input_shape, "layers": [layer]}
    reference = build(request)
    assert reference.non_trainable_params == reference.total_params > 0
    check_parity(request, Counter())


def test_keras_constructor_trainable_false_leaves_a_conv_lstm_cell_trainable() -> None:
    # Why the oracle freezes with the setter: Keras 3.15.1 applies the constructor argument only
    # to weights the layer creates itself, and a ConvLSTM's weights belong to its cell.
    keras.backend.clear_session()
    layer = keras.layers.ConvLSTM2D(4, 3, trainable=False)
    model = keras.Sequential([keras.Input((4, 8, 8, 3)), layer])
    assert len(model.trainable_weights) == 3
    assert layer.trainable_weights == []


def test_trainable_false_on_a_wrapped_dense_layer_freezes_it_like_keras() -> None:
    layer = {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2, "trainable": False}}
    request = {"input_shape": [4, 8, 3], "layers": [layer]}
    assert build(request).trainable_params == 0
    check_parity(request, Counter())


@pytest.mark.parametrize("padding", ["SAME", "Valid"])
def test_pooling_padding_is_case_sensitive_like_keras(padding) -> None:
    request = {"input_shape": [8, 8, 3], "layers": [{"type": "MaxPooling2D", "padding": padding}]}
    assert build(request).error is not None
    assert isinstance(ours(request), ValidationError)


def test_convolution_padding_is_case_insensitive_like_keras() -> None:
    check_parity({"input_shape": [4, 8, 8, 3], "layers": [_convlstm(padding="SAME")]}, Counter())


def test_an_explicit_backward_layer_keeps_its_own_name_like_keras() -> None:
    layer = {
        "type": "Bidirectional",
        "layer": _convlstm(),
        "backward_layer": _convlstm(filters=3, go_backwards=True),
    }
    request = {"input_shape": [4, 8, 8, 3], "layers": [layer]}
    assert build(request).layers[0].weights[3].path.startswith("conv_lstm2d_1/")
    check_parity(request, Counter())


def test_a_bidirectional_inside_a_nested_sequential_names_its_copies_like_keras() -> None:
    inner = {"type": "Bidirectional", "layer": _convlstm(), "trainable": False}
    request = {
        "input_shape": [4, 8, 8, 3],
        "layers": [_convlstm(return_sequences=True), {"type": "Sequential", "layers": [inner]}],
    }
    assert build(request).layers[1].weights[0].direction == "forward_conv_lstm2d_1"
    check_parity(request, Counter())


def test_several_outputs_are_fine_on_the_last_layer_only_like_keras() -> None:
    last = {"input_shape": [4, 8, 8, 3], "layers": [_convlstm(return_state=True)]}
    assert len(build(last).layers[0].output_shape) == 3
    check_parity(last, Counter())
    inside = {
        "input_shape": [4, 8, 8, 3],
        "layers": [_convlstm(return_state=True, return_sequences=True), _convlstm()],
    }
    check_parity(inside, Counter())


def test_stateful_conv_lstm_without_a_batch_size_is_refused_like_keras() -> None:
    check_parity({"input_shape": [4, 8, 8, 3], "layers": [_convlstm(stateful=True)]}, Counter())


def test_a_backward_layer_whose_window_does_not_fit_is_refused_on_purpose() -> None:
    # Keras builds it (the output shape comes from the forward layer alone) but cannot run it.
    layer = {
        "type": "Bidirectional",
        "layer": _convlstm(kernel_size=1),
        "backward_layer": _convlstm(kernel_size=9, go_backwards=True),
    }
    request = {"input_shape": [4, 8, 8, 3], "layers": [layer]}
    reference = build(request)
    assert reference.error is None
    answer = ours(request)
    assert isinstance(answer, SpecError)
    assert deliberate_refusal(request, reference, answer)


def test_a_softmax_over_an_axis_the_input_lacks_is_refused_on_purpose() -> None:
    # Keras builds it (its output shape is the input's) but its first call fails.
    request = {"input_shape": [5, 3], "layers": [{"type": "Softmax", "axis": 3}]}
    reference = build(request)
    assert reference.error is None
    answer = ours(request)
    assert isinstance(answer, SpecError) and answer.loc == ("layers", 0, "axis")
    assert deliberate_refusal(request, reference, answer)


# Recurrent layers: Bidirectional keeps one state list per direction, whatever the cell.


def _rnn(layer_type: str, **arguments: Any) -> dict[str, Any]:
    return {"type": layer_type, "units": 3, **arguments}


@pytest.mark.parametrize("layer_type", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_rnn_with_states_matches_keras(layer_type: str, merge_mode) -> None:
    layer = {
        "type": "Bidirectional",
        "layer": _rnn(layer_type, return_state=True),
        "merge_mode": merge_mode,
    }
    request = {"input_shape": [None, 4], "layers": [layer]}
    states = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}[layer_type]
    outputs = build(request).layers[0].output_shape
    assert len(outputs) == (1 if merge_mode else 2) + 2 * states
    check_parity(request, Counter())


@pytest.mark.parametrize("layer_type", ["LSTM", "GRU", "SimpleRNN"])
def test_return_state_in_the_middle_of_a_stack_is_refused_like_keras(layer_type: str) -> None:
    request = {
        "input_shape": [5, 4],
        "layers": [_rnn(layer_type, return_state=True, return_sequences=True), _rnn(layer_type)],
    }
    tally: Counter = Counter()
    check_parity(request, tally)
    assert tally["both refuse"] == 1


def test_a_stack_of_every_new_layer_type_matches_keras() -> None:
    request = {
        "input_shape": [6],
        "layers": [
            {"type": "RepeatVector", "n": 5},
            {"type": "LSTM", "units": 4, "return_sequences": True},
            {"type": "GRU", "units": 3, "return_sequences": True, "reset_after": False},
            {"type": "SimpleRNN", "units": 3, "return_sequences": True, "activation": "relu"},
            {"type": "Permute", "dims": [2, 1]},
            {"type": "PReLU", "shared_axes": [2]},
            {"type": "ReLU", "max_value": 6},
            {"type": "LeakyReLU", "negative_slope": 0.2},
            {"type": "ELU", "alpha": 0.5},
            {"type": "Softmax", "axis": 1},
            {"type": "Bidirectional", "layer": _rnn("LSTM", return_sequences=True)},
        ],
    }
    tally: Counter = Counter()
    check_parity(request, tally)
    assert tally["both accept and agree"] == 1

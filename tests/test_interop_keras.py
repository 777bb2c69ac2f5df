"""Interop against real Keras 3: import round trips, exported code, and the summary table.

- Import: generated stacks are built in Keras (as a Sequential and as a single-chain
  Functional model), serialized with `to_json()`, imported, and summarized by our core; every
  layer's name, output shape and parameter counts equal Keras's.
- Export: our Keras code for a generated spec is executed; `count_params()` and every layer's
  output shape equal ours, and Keras's own `model.summary(print_fn=...)` text equals our table
  line by line (names included: the code passes them).

Generated stacks come from `tests/strategies.py` (every layer type the core analyses); the
hypothesis settings are derandomized and bounded, so CI sees the same cases every run.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from keras_reference import keras, keras_layer
from strategies import valid_requests

from app.core.families import FAMILY_OF
from app.core.merging import MERGES
from app.core.model import summarize
from app.core.records import ModelSummary
from app.interop.keras_code import keras_code
from app.interop.keras_import import KerasImportError, compact, import_keras
from app.interop.summary_text import keras_summary_text
from app.schema import LAYER_SPECS, SEED_MODEL, SummaryRequest

# Merge layers take several tensors: graph models only (tests/test_graph_parity.py).
SUPPORTED = frozenset(
    name for name, spec in LAYER_SPECS.items() if spec in FAMILY_OF and spec not in MERGES
)
ROUND_TRIPS = 60
CODE_EXPORTS = 60


def bounded(max_examples: int) -> settings:
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


@pytest.fixture(scope="module", autouse=True)
def wide_terminal() -> Iterator[None]:
    """Keras sizes its table to the terminal (88 columns when it has 92); ours assumes that."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "92")
        yield


def build_in_keras(request: dict[str, Any], functional: bool) -> keras.Model | None:
    """The request as a Keras model, or None when Keras refuses it."""
    keras.backend.clear_session()
    try:
        inputs = keras.Input(shape=tuple(request["input_shape"]))
        layers = [keras_layer(spec) for spec in request["layers"]]
        if not functional:
            return keras.Sequential([inputs, *layers])
        tensor = inputs
        for layer in layers:
            tensor = layer(tensor)
        return keras.Model(inputs, tensor)
    except Exception:  # Keras refusing a generated model is not what these tests check
        return None


def _shape(output: Any) -> Any:
    if isinstance(output, list | tuple):
        return [tuple(t.shape) for t in output]
    return tuple(output.shape)


def _weights(weights: list) -> int:
    return sum(int(w.numpy().size) for w in weights)


def assert_summary_matches_model(summary: ModelSummary, model: keras.Model) -> None:
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert [r.name for r in summary.layers] == [layer.name for layer in layers]
    for record, layer in zip(summary.layers, layers, strict=True):
        where = f"layer {record.index} ({record.name})"
        ours = record.output_shape
        ours = [tuple(s) for s in ours] if isinstance(ours, list) else tuple(ours)
        assert ours == _shape(layer.output), where
        assert record.params == layer.count_params(), where
    # The trainable split as `model.summary()` prints it: Keras counts it over the model's
    # weights (a frozen ConvLSTM's cell weights stay trainable there), not layer by layer.
    assert summary.total_params == model.count_params()
    assert summary.trainable_params == _weights(model.trainable_weights)
    assert summary.non_trainable_params == _weights(model.non_trainable_weights)


def keras_summary(model: keras.Model) -> str:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    return "".join(lines)


# --- import ------------------------------------------------------------------------------------


def test_generated_keras_models_import_to_the_same_summary(capsys) -> None:
    tally: Counter = Counter()

    @bounded(ROUND_TRIPS)
    @given(valid_requests(SUPPORTED), st.booleans())
    def check(request: dict[str, Any], functional: bool) -> None:
        note(json.dumps(request))
        model = build_in_keras(request, functional)
        if model is None:
            tally["refused by Keras"] += 1
            return
        imported = import_keras(model.to_json())
        assert_summary_matches_model(summarize(imported), model)
        # What the API returns is itself a valid spec with the same numbers.
        again = summarize(SummaryRequest.model_validate(compact(imported)))
        assert again == summarize(imported)
        tally["functional" if functional else "sequential"] += 1

    check()
    with capsys.disabled():
        print(
            f"\nKeras JSON import: {tally['sequential']} Sequential + {tally['functional']} "
            f"Functional models round-tripped ({tally['refused by Keras']} refused by Keras)"
        )
    assert tally["sequential"] + tally["functional"] >= ROUND_TRIPS // 2


def seed_model(functional: bool) -> keras.Model:
    model = build_in_keras(SEED_MODEL, functional)
    assert model is not None
    return model


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_the_blog_posts_model_imports_with_its_totals(functional: bool) -> None:
    summary = summarize(import_keras(seed_model(functional).to_json()))
    assert [r.params for r in summary.layers] == [35760, 144200, 237840, 327880]
    assert summary.total_params == 745_680


def test_import_keeps_the_users_layer_names() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((5, 8, 8, 3)),
            keras.layers.ConvLSTM2D(4, 3, name="encoder <1> | =x", return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Conv2D(2, 1, name="head"), name="per_step"),
        ]
    )
    request = import_keras(model.to_json())
    assert request.layers[0].name == "encoder <1> | =x"
    assert request.layers[1].name == "per_step"
    assert request.layers[1].layer.name == "head"


def test_import_accepts_the_parsed_object_and_a_json_encoded_string() -> None:
    text = seed_model(False).to_json()
    assert import_keras(json.loads(text)) == import_keras(text) == import_keras(json.dumps(text))


def test_import_keeps_the_batch_size_and_the_weight_dtype() -> None:
    keras.backend.clear_session()
    inputs = keras.Input((8, 8, 3), batch_size=4)
    # Not a ConvLSTM: numpy's linalg cannot build its orthogonal initializer in float16.
    outputs = keras.layers.Conv2D(4, 3, dtype="float16")(inputs)
    request = import_keras(keras.Model(inputs, outputs).to_json())
    assert (request.batch_size, request.dtype) == (4, "float16")
    assert summarize(request).total_bytes == 2 * summarize(request).total_params


def test_a_frozen_keras_model_imports_with_every_weight_non_trainable() -> None:
    # Conv layers: for recurrent layers Keras itself cannot tell from the JSON whether the cell
    # was frozen too (`model_from_json` keeps cell weights trainable), so neither can we.
    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization()]
    )
    model.trainable = False
    summary = summarize(import_keras(model.to_json()))
    assert (summary.trainable_params, summary.non_trainable_params) == (0, model.count_params())


def _error(model: Any) -> KerasImportError:
    with pytest.raises(KerasImportError) as caught:
        import_keras(model.to_json() if hasattr(model, "to_json") else model)
    return caught.value


def test_an_unsupported_layer_is_refused_by_name() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((5, 3)),
            keras.layers.GaussianNoise(0.1, name="my_noise"),
            keras.layers.Dense(2),
        ]
    )
    error = _error(model)
    assert error.loc == ("config", "layers", 1, "class_name")
    assert "'my_noise' (GaussianNoise)" in error.msg and "not supported" in error.msg


def test_a_branching_functional_model_imports_with_keras_s_totals() -> None:
    keras.backend.clear_session()
    inputs = keras.Input((5, 8, 8, 3))
    trunk = keras.layers.ConvLSTM2D(4, 3, return_sequences=True, name="trunk")(inputs)
    left = keras.layers.ConvLSTM2D(2, 3, name="left")(trunk)
    right = keras.layers.ConvLSTM2D(2, 3, name="right")(trunk)
    model = keras.Model(inputs, keras.layers.Add(name="merge")([left, right]))
    summary = summarize(import_keras(model.to_json()))
    assert summary.total_params == model.count_params()
    assert summary.layers[-1].connected_to == ("left[0][0]", "right[0][0]")


def test_a_model_with_two_outputs_imports_both() -> None:
    keras.backend.clear_session()
    inputs = keras.Input((5, 8, 8, 3))
    a = keras.layers.ConvLSTM2D(2, 3, name="a")(inputs)
    b = keras.layers.ConvLSTM2D(2, 3, name="b")(inputs)
    request = import_keras(keras.Model(inputs, [a, b]).to_json())
    assert request.outputs == ["a[0][0]", "b[0][0]"]


def test_a_shared_layer_imports_with_its_weights_counted_once() -> None:
    keras.backend.clear_session()
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(4, name="shared")
    model = keras.Model(inputs, dense(dense(inputs)))
    summary = summarize(import_keras(model.to_json()))
    assert summary.total_params == model.count_params() == 20
    assert [(r.name, r.node_index, r.params) for r in summary.layers] == [
        ("shared", 0, 20),
        ("shared", 1, 0),
    ]


def test_a_nested_sequential_imports_as_one_layer() -> None:
    keras.backend.clear_session()
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)], name="inner")
    model = keras.Sequential([keras.Input((4,)), inner])
    summary = summarize(import_keras(model.to_json()))
    assert [(r.name, r.type, r.params) for r in summary.layers] == [("inner", "Sequential", 15)]


def test_a_nested_functional_model_is_refused_by_name() -> None:
    keras.backend.clear_session()
    x = keras.Input((4,))
    inner = keras.Model(x, keras.layers.Dense(3)(x), name="inner")
    error = _error(keras.Sequential([keras.Input((4,)), inner]))
    assert "'inner'" in error.msg and "nested functional model" in error.msg


def test_an_argument_that_would_change_the_count_is_refused_not_dropped() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.Input((4, 6)), keras.layers.LayerNormalization(rms_scaling=True, name="norm")]
    )
    error = _error(model)
    assert error.loc == ("config", "layers", 1, "config", "rms_scaling")
    assert "'norm' (LayerNormalization)" in error.msg


def test_an_unbuilt_sequential_is_refused_asking_for_an_input_shape() -> None:
    keras.backend.clear_session()
    error = _error(keras.Sequential([keras.layers.Dense(3)]))
    assert "input shape" in error.msg


def test_a_tf_keras_2_sequential_imports() -> None:
    """tf.keras 2 kept the input shape on the first layer as `batch_input_shape`."""
    model = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {
                    "class_name": "ConvLSTM2D",
                    "config": {
                        "name": "conv_lst_m2d",
                        "batch_input_shape": [None, 15, 40, 40, 3],
                        "dtype": "float32",
                        "filters": 30,
                        "kernel_size": [3, 3],
                        "padding": "same",
                        "return_sequences": True,
                    },
                },
            ],
        },
    }
    summary = summarize(import_keras(model))
    assert summary.layers[0].name == "conv_lst_m2d" and summary.total_params == 35_760


def test_a_tf_keras_2_functional_chain_imports() -> None:
    model = {
        "class_name": "Functional",
        "config": {
            "name": "model",
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["conv", 0, 0]],
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "input_1",
                    "inbound_nodes": [],
                    "config": {"batch_input_shape": [None, 15, 40, 40, 3], "name": "input_1"},
                },
                {
                    "class_name": "ConvLSTM2D",
                    "name": "conv",
                    "inbound_nodes": [[["input_1", 0, 0, {}]]],
                    "config": {
                        "name": "conv",
                        "filters": 30,
                        "kernel_size": [3, 3],
                        "padding": "same",
                    },
                },
            ],
        },
    }
    assert summarize(import_keras(model)).total_params == 35_760


# --- export --------------------------------------------------------------------------------------


def run_code(code: str) -> keras.Model:
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(code, "<exported model.py>", "exec"), namespace)  # our own generated code
    return namespace["model"]


def test_exported_code_builds_the_same_model_and_keras_prints_our_table(capsys) -> None:
    tally: Counter = Counter()

    @bounded(CODE_EXPORTS)
    @given(valid_requests(SUPPORTED))
    def check(body: dict[str, Any]) -> None:
        note(json.dumps(body))
        if build_in_keras(body, functional=False) is None:
            tally["refused by Keras"] += 1
            return
        request = SummaryRequest.model_validate(body)
        summary = summarize(request)
        model = run_code(keras_code(request, summary))
        assert_summary_matches_model(summary, model)
        assert keras_summary(model).splitlines() == keras_summary_text(summary).splitlines()
        tally["compared"] += 1
        tally["rows"] += len(summary.layers)

    check()
    with capsys.disabled():
        print(
            f"\nKeras code export: {tally['compared']} generated models rebuilt from our code "
            f"and their model.summary() compared line by line ({tally['rows']} layer rows; "
            f"{tally['refused by Keras']} refused by Keras)"
        )
    assert tally["compared"] >= CODE_EXPORTS // 2


def test_the_blog_posts_table_matches_keras_line_by_line() -> None:
    request = SummaryRequest.model_validate(SEED_MODEL)
    summary = summarize(request)
    ours = keras_summary_text(summary)
    assert keras_summary(run_code(keras_code(request, summary))) == ours
    assert " Total params: 745,680 (2.84 MB)" in ours.splitlines()


def test_long_names_wrap_inside_their_column_as_keras_wraps_them() -> None:
    body = {
        "input_shape": [4, 8, 8, 3],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "filters": 2,
                "kernel_size": 3,
                "return_state": True,
                "name": "a_very_long_layer_name_that_cannot_fit_in_the_first_column [bold]x[red]",
            },
        ],
    }
    request = SummaryRequest.model_validate(body)
    summary = summarize(request)
    ours = keras_summary_text(summary)
    assert keras_summary(run_code(keras_code(request, summary))) == ours
    assert "[bold]x[red]" in ours  # rich markup in a name stays literal text


def test_exported_code_keeps_a_hostile_name_inside_its_string() -> None:
    name = 'x")\nimport os; os.system("echo pwned")  # \\ """ \'\'\''
    body = {"input_shape": [4, 3], "layers": [{"type": "Dense", "units": 2, "name": name}]}
    request = SummaryRequest.model_validate(body)
    model = run_code(keras_code(request, summarize(request)))
    assert model.layers[0].name == name


def test_exported_code_keeps_dtype_trainable_and_serialized_initializers() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Conv2D(
                4,
                3,
                trainable=False,
                dtype="float16",
                kernel_initializer=keras.initializers.RandomNormal(stddev=0.5),
                kernel_regularizer=keras.regularizers.L2(0.01),
            ),
        ]
    )
    request = import_keras(model.to_json())
    rebuilt = run_code(keras_code(request, summarize(request)))
    layer = rebuilt.layers[0]
    assert (layer.trainable, layer.dtype_policy.name) == (False, "float16")
    assert layer.get_config()["kernel_initializer"]["config"]["stddev"] == 0.5
    assert layer.get_config()["kernel_regularizer"]["config"]["l2"] == pytest.approx(0.01)
    assert rebuilt.count_params() == model.count_params()


def test_exported_code_is_a_script_that_prints_the_summary() -> None:
    request = SummaryRequest.model_validate(SEED_MODEL)
    code = keras_code(request, summarize(request))
    assert code.startswith('"""') and "import keras\n" in code
    assert 'if __name__ == "__main__":\n    model.summary()' in code
    assert os.linesep == "\n" or "\r" not in code


NEW_FAMILIES = {
    "input_shape": [9, 10, 4],
    "layers": [
        {"type": "ZeroPadding2D", "padding": [[1, 0], 2]},
        {"type": "Cropping2D", "cropping": [0, [1, 2]]},
        {"type": "SeparableConv2D", "filters": 6, "kernel_size": 3, "depth_multiplier": 2},
        {"type": "DepthwiseConv2D", "kernel_size": [2, 3], "strides": 2, "use_bias": False},
        {"type": "GroupNormalization", "groups": 3},
        {"type": "Reshape", "target_shape": [-1, 6]},
        {"type": "ZeroPadding1D", "padding": [0, 2]},
        {"type": "Cropping1D", "cropping": 1},
        {"type": "Conv1DTranspose", "filters": 2, "kernel_size": 3, "strides": 2},
        {"type": "SeparableConv1D", "filters": 3, "kernel_size": 2},
        {"type": "DepthwiseConv1D", "kernel_size": 2, "depth_multiplier": 2},
    ],
}


# --- the recurrent, reordering and activation layers, one of each ------------------------------

EVERY_NEW_TYPE = {
    "input_shape": [6],
    "layers": [
        {"type": "RepeatVector", "n": 5},
        {"type": "LSTM", "units": 4, "return_sequences": True, "unit_forget_bias": False},
        {
            "type": "GRU",
            "units": 3,
            "return_sequences": True,
            "reset_after": False,
            "recurrent_activation": "hard_sigmoid",
        },
        {
            "type": "Bidirectional",
            "layer": {"type": "SimpleRNN", "units": 3, "return_sequences": True, "dropout": 0.1},
            "merge_mode": "sum",
        },
        {"type": "Permute", "dims": [2, 1]},
        {"type": "PReLU", "shared_axes": [2], "alpha_regularizer": "l2"},
        {"type": "ReLU", "max_value": 6.0, "threshold": 0.5},
        {"type": "LeakyReLU", "negative_slope": 0.2},
        {"type": "ELU", "alpha": 0.5},
        {"type": "Softmax", "axis": 1},
        {"type": "GRU", "units": 2, "return_state": True, "use_bias": False},
    ],
}


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_padding_cropping_depthwise_separable_and_group_norm_import_from_keras(functional):
    model = build_in_keras(NEW_FAMILIES, functional)
    assert model is not None
    imported = import_keras(model.to_json())
    assert_summary_matches_model(summarize(imported), model)
    assert imported.layers[0].padding == ((1, 0), (2, 2))  # Keras's normalised form
    assert summarize(SummaryRequest.model_validate(compact(imported))) == summarize(imported)


def test_padding_cropping_depthwise_separable_and_group_norm_export_to_keras_code():
    request = SummaryRequest.model_validate(NEW_FAMILIES)
    summary = summarize(request)
    code = keras_code(request, summary)
    assert "padding=((1, 0), (2, 2))" in code
    model = run_code(code)
    assert_summary_matches_model(summary, model)
    assert keras_summary(model).splitlines() == keras_summary_text(summary).splitlines()


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_every_new_layer_type_imports_from_keras_json(functional: bool) -> None:
    model = build_in_keras(EVERY_NEW_TYPE, functional)
    assert model is not None
    imported = import_keras(model.to_json())
    assert [spec.type for spec in imported.layers] == [
        layer["type"] for layer in EVERY_NEW_TYPE["layers"]
    ]
    assert_summary_matches_model(summarize(imported), model)
    again = summarize(SummaryRequest.model_validate(compact(imported)))
    assert again == summarize(imported)


def test_every_new_layer_type_exports_to_code_keras_rebuilds() -> None:
    request = SummaryRequest.model_validate(EVERY_NEW_TYPE)
    summary = summarize(request)
    model = run_code(keras_code(request, summary))
    assert_summary_matches_model(summary, model)
    assert keras_summary(model).splitlines() == keras_summary_text(summary).splitlines()


def test_a_legacy_leaky_relu_alpha_exports_as_negative_slope() -> None:
    request = SummaryRequest.model_validate(
        {"input_shape": [4], "layers": [{"type": "LeakyReLU", "alpha": 0.1}]}
    )
    code = keras_code(request, summarize(request))
    assert "negative_slope=0.1" in code and "alpha" not in code


def test_tf_keras_2_recurrent_and_leaky_relu_configs_import() -> None:
    """tf.keras 2 wrote `implementation` and `time_major` on RNNs and `alpha` on LeakyReLU."""
    model = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 5, 3]}},
                {
                    "class_name": "LSTM",
                    "config": {
                        "name": "lstm",
                        "units": 4,
                        "return_sequences": True,
                        "time_major": False,
                        "implementation": 2,
                        "zero_output_for_mask": True,
                    },
                },
                {"class_name": "LeakyReLU", "config": {"name": "leaky", "alpha": 0.2}},
            ],
        },
    }
    request = import_keras(model)
    assert request.layers[1].negative_slope == 0.2
    assert summarize(request).total_params == 4 * (3 * 4 + 4 * 4 + 4)
    model["config"]["layers"][1]["config"]["time_major"] = True
    error = _error(model)
    assert error.loc == ("config", "layers", 1, "config", "time_major")


def test_a_tf_keras_2_encoder_forecaster_imports_its_state_handoff() -> None:
    """tf.keras 2 lists `initial_state` tensors after the input in the layer's inbound node."""
    model = {
        "class_name": "Functional",
        "config": {
            "name": "seq2seq",
            "input_layers": [["frames", 0, 0]],
            "output_layers": [["forecaster", 0, 0]],
            "layers": [
                {
                    "class_name": "InputLayer",
                    "name": "frames",
                    "inbound_nodes": [],
                    "config": {"batch_input_shape": [None, 10, 16, 16, 16], "name": "frames"},
                },
                {
                    "class_name": "ConvLSTM2D",
                    "name": "encoder",
                    "inbound_nodes": [[["frames", 0, 0, {}]]],
                    "config": {
                        "name": "encoder",
                        "filters": 8,
                        "kernel_size": [3, 3],
                        "padding": "same",
                        "return_state": True,
                    },
                },
                {
                    "class_name": "ConvLSTM2D",
                    "name": "forecaster",
                    "inbound_nodes": [
                        [["frames", 0, 0, {}], ["encoder", 0, 1, {}], ["encoder", 0, 2, {}]]
                    ],
                    "config": {
                        "name": "forecaster",
                        "filters": 8,
                        "kernel_size": [3, 3],
                        "padding": "same",
                        "return_sequences": True,
                    },
                },
            ],
        },
    }
    request = import_keras(model)
    assert request.layers[1].initial_state == ["encoder[0][1]", "encoder[0][2]"]
    summary = summarize(request)
    assert summary.graph is not None and summary.graph.name == "seq2seq"
    assert summary.total_params == 2 * 4 * (3 * 3 * 16 * 8 + 3 * 3 * 8 * 8 + 8)

"""LSTM, GRU and SimpleRNN: Keras's weights and shapes, the parameter formula and the counts."""

from __future__ import annotations

import pytest
from core_records import invalid, record, refusal
from hypothesis import given, settings
from hypothesis import strategies as st
from layer_parity import assert_layer_matches_keras, keras_refuses

from app.core.model import summarize
from app.schema import SummaryRequest

KERAS_CASES = [
    ([5, 3], {"type": "LSTM", "units": 4}),
    ([None, 3], {"type": "LSTM", "units": 4, "return_sequences": True, "use_bias": False}),
    ([5, 3], {"type": "LSTM", "units": 2, "unit_forget_bias": False, "unroll": True}),
    ([5, 3], {"type": "GRU", "units": 4}),
    ([5, 3], {"type": "GRU", "units": 4, "reset_after": False, "return_sequences": True}),
    ([5, 3], {"type": "GRU", "units": 4, "use_bias": False, "go_backwards": True}),
    ([5, 3], {"type": "SimpleRNN", "units": 4, "activation": "relu"}),
    ([None, 7], {"type": "SimpleRNN", "units": 1, "trainable": False}),
    (
        [5, 3],
        {
            "type": "LSTM",
            "units": 4,
            "dropout": 0.5,
            "recurrent_dropout": 0.2,
            "seed": 1,
            "kernel_regularizer": "l2",
            "use_cudnn": False,
            "recurrent_activation": "relu",
        },
    ),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


@st.composite
def rnn_layers(draw):
    layer_type = draw(st.sampled_from(sorted(GATES)))
    layer = {"type": layer_type, "units": draw(st.integers(1, 64)), "use_bias": draw(st.booleans())}
    if layer_type == "GRU":
        layer["reset_after"] = draw(st.booleans())
    return [draw(st.integers(1, 9)), draw(st.integers(1, 64))], layer


@settings(deadline=None)
@given(rnn_layers())
def test_params_are_gates_of_input_kernel_recurrent_kernel_and_bias(case):
    (steps, d), layer = case
    g, u = GATES[layer["type"]], layer["units"]
    biases = 2 if layer.get("reset_after", False) else 1
    rnn = record([steps, d], layer)
    assert rnn.params == g * (d * u + u * u + (biases * u if layer["use_bias"] else 0))
    assert rnn.formula.endswith(f"{rnn.params:,}")


@settings(deadline=None)
@given(rnn_layers())
def test_macs_per_step_are_the_input_and_recurrent_products(case):
    (steps, d), layer = case
    g, u = GATES[layer["type"]], layer["units"]
    costs = record([steps, d], layer).costs
    assert costs.macs_per_step == g * u * (d + u)
    assert costs.macs == steps * g * u * (d + u)
    assert costs.flops == 2 * costs.macs + costs.elementwise_flops


def test_lstm_weights_have_four_gates_side_by_side():
    lstm = record([10, 8], {"type": "LSTM", "units": 16})
    assert [(w.name, w.shape) for w in lstm.weights] == [
        ("kernel", (8, 64)),
        ("recurrent_kernel", (16, 64)),
        ("bias", (64,)),
    ]
    assert lstm.formula == "4 × (8·16 + 16·16 + 16) = 4 × 400 = 1,600"


def test_gru_reset_after_gives_the_recurrent_product_its_own_bias_row():
    gru = record([10, 8], {"type": "GRU", "units": 16})
    assert gru.weights[-1].shape == (2, 48)
    assert gru.formula == "3 × (8·16 + 16·16 + 2·16) = 3 × 416 = 1,248"
    classic = record([10, 8], {"type": "GRU", "units": 16, "reset_after": False})
    assert classic.weights[-1].shape == (48,)


def test_simple_rnn_formula_has_no_gate_factor():
    assert record([10, 8], {"type": "SimpleRNN", "units": 16}).formula == "8·16 + 16·16 + 16 = 400"


@pytest.mark.parametrize(("layer_type", "states"), [("LSTM", 2), ("GRU", 1), ("SimpleRNN", 1)])
def test_return_state_appends_one_shape_per_state(layer_type, states):
    rnn = record(
        [5, 3], {"type": layer_type, "units": 4, "return_state": True, "return_sequences": True}
    )
    assert rnn.output_shape == [(None, 5, 4), *[(None, 4)] * states]


def test_elementwise_counts_per_unit_and_step():
    # LSTM 4 bias + 4 sums + 5 activations + 3 cell update + 1 output; GRU (reset_after)
    # 6 bias + 3 sums + 3 activations + 1 reset product + 4 output; SimpleRNN 1 + 1 + 1.
    for layer, per_unit in (
        ({"type": "LSTM"}, 17),
        ({"type": "GRU"}, 17),
        ({"type": "GRU", "reset_after": False}, 14),
        ({"type": "SimpleRNN"}, 3),
        ({"type": "SimpleRNN", "activation": None, "use_bias": False}, 1),
    ):
        costs = record([5, 3], {**layer, "units": 4}).costs
        assert costs.elementwise_flops_per_step == per_unit * 4, layer


def test_saved_elements_per_step_are_the_input_step_and_the_cell_tensors():
    for layer_type, per_unit in (("LSTM", 7), ("GRU", 6), ("SimpleRNN", 2)):
        costs = record([5, 3], {"type": layer_type, "units": 4}).costs
        assert costs.saved_elements_per_step == 3 + per_unit * 4
        assert costs.saved_elements == 5 * (3 + per_unit * 4)


def test_unknown_steps_give_per_step_costs_and_time_steps_give_totals():
    body = {"input_shape": [None, 3], "layers": [{"type": "LSTM", "units": 4}]}
    per_step = summarize(SummaryRequest.model_validate(body)).layers[0].costs
    assert per_step.macs is None and per_step.macs_per_step == 4 * 4 * 7
    total = summarize(SummaryRequest.model_validate({**body, "time_steps": 10})).layers[0].costs
    assert total.macs == 10 * 4 * 4 * 7


def test_bidirectional_lstm_costs_twice_one_direction():
    one = record([5, 3], {"type": "LSTM", "units": 4}).costs
    both = record([5, 3], {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4}}).costs
    assert both.macs == 2 * one.macs


@pytest.mark.parametrize("layer_type", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("input_shape", [[5], [5, 3, 2]])
def test_input_without_exactly_time_and_features_is_refused(layer_type, input_shape):
    layer = {"type": layer_type, "units": 2}
    error = refusal(input_shape, layer)
    assert error.loc == ("input_shape",) and "(batch, time, features)" in error.msg
    assert keras_refuses(input_shape, layer)


def test_unknown_feature_size_is_refused():
    layer = {"type": "GRU", "units": 2}
    assert refusal([5, None], layer).loc == ("input_shape",)
    assert keras_refuses([5, None], layer)


def test_stateful_without_a_batch_size_is_refused_at_stateful():
    layer = {"type": "SimpleRNN", "units": 2, "stateful": True}
    assert refusal([5, 3], layer).loc == ("layers", 0, "stateful")
    assert keras_refuses([5, 3], layer)


@pytest.mark.parametrize("field", ["activation", "recurrent_activation"])
def test_an_unknown_activation_is_refused_at_its_field(field):
    layer = {"type": "LSTM", "units": 2, field: "sigmoidal"}
    error = invalid([5, 3], layer)
    assert error["loc"] == ["layers", 0, field] and "did you mean 'sigmoid'?" in error["msg"]
    assert keras_refuses([5, 3], layer)


def test_simple_rnn_takes_no_recurrent_activation_like_keras():
    layer = {"type": "SimpleRNN", "units": 2, "recurrent_activation": "sigmoid"}
    with pytest.raises(ValueError, match="recurrent_activation"):
        record([5, 3], layer)
    assert keras_refuses([5, 3], layer)


def test_bidirectional_of_a_non_recurrent_layer_names_the_layers_it_takes():
    layer = {"type": "Bidirectional", "layer": {"type": "Dense", "units": 2}}
    error = refusal([5, 3], layer)
    assert error.loc == ("layers", 0, "layer", "type")
    assert "LSTM, GRU, SimpleRNN" in error.msg
    assert keras_refuses([5, 3], layer)

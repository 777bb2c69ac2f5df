"""The ConvLSTM family: the per-gate split and the parameter formula, as properties."""

import math

from hypothesis import given
from hypothesis import strategies as st

from app.core.model import summarize
from app.schema import SummaryRequest

RANK_TYPES = {1: "ConvLSTM1D", 2: "ConvLSTM2D", 3: "ConvLSTM3D"}


@st.composite
def conv_lstm_models(draw):
    rank = draw(st.integers(1, 3))
    kernel = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    spatial = [draw(st.integers(k, k + 4)) for k in kernel]
    channels = draw(st.integers(1, 8))
    layer = {
        "type": RANK_TYPES[rank],
        "filters": draw(st.integers(1, 16)),
        "kernel_size": kernel,
        "use_bias": draw(st.booleans()),
        "padding": draw(st.sampled_from(["valid", "same"])),
    }
    return (
        SummaryRequest.model_validate(
            {"input_shape": [draw(st.integers(1, 5)), *spatial, channels], "layers": [layer]}
        ),
        math.prod(kernel),
        channels,
    )


@given(conv_lstm_models())
def test_params_are_four_gates_of_input_kernel_recurrent_kernel_and_bias(case):
    request, k, c = case
    spec = request.layers[0]
    f = spec.filters
    record = summarize(request).layers[0]
    assert record.params == 4 * (k * c * f + k * f * f + (f if spec.use_bias else 0))


@given(conv_lstm_models())
def test_gates_add_up_to_the_weights(case):
    request, _, _ = case
    record = summarize(request).layers[0]
    assert sum(g.total for g in record.gates) == sum(w.count for w in record.weights)
    assert [g.gate for g in record.gates] == ["input", "forget", "cell", "output"]


@given(conv_lstm_models())
def test_recurrent_kernel_sees_filters_not_input_channels(case):
    request, _, _ = case
    spec = request.layers[0]
    recurrent = summarize(request).layers[0].weights[1]
    assert recurrent.name == "recurrent_kernel"
    assert recurrent.shape == (*spec.kernel_size, spec.filters, 4 * spec.filters)


def test_blog_posts_second_layer_uses_fifty_filters_not_forty():
    request = SummaryRequest.model_validate(
        {
            "input_shape": [15, 40, 40, 30],
            "layers": [{"type": "ConvLSTM2D", "filters": 50, "kernel_size": 3, "padding": "same"}],
        }
    )
    record = summarize(request).layers[0]
    assert record.gates[0].total == 36050
    assert record.formula == "4 × (3·3·30·50 + 3·3·50·50 + 50) = 4 × 36,050 = 144,200"


def test_without_bias_the_formula_has_no_bias_term():
    request = SummaryRequest.model_validate(
        {
            "input_shape": [15, 40, 40, 3],
            "layers": [{"type": "ConvLSTM2D", "filters": 30, "kernel_size": 3, "use_bias": False}],
        }
    )
    assert summarize(request).layers[0].formula == (
        "4 × (3·3·3·30 + 3·3·30·30) = 4 × 8,910 = 35,640"
    )


def test_frozen_layer_counts_every_weight_as_non_trainable():
    request = SummaryRequest.model_validate(
        {
            "input_shape": [15, 40, 40, 3],
            "layers": [{"type": "ConvLSTM2D", "filters": 30, "kernel_size": 3, "trainable": False}],
        }
    )
    summary = summarize(request)
    assert (summary.trainable_params, summary.non_trainable_params) == (0, 35760)

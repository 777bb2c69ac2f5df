"""DepthwiseConv1D/2D and SeparableConv1D/2D: Keras's weight names and shapes, output
lengths and refusals."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses
from pydantic import ValidationError

from app.schema import SummaryRequest

KERAS_CASES = [
    ([9, 3], {"type": "DepthwiseConv1D", "kernel_size": 3}),
    (
        [9, 3],
        {
            "type": "DepthwiseConv1D",
            "kernel_size": 2,
            "depth_multiplier": 3,
            "padding": "same",
            "strides": 2,
        },
    ),
    (
        [3, 9],
        {
            "type": "DepthwiseConv1D",
            "kernel_size": 3,
            "data_format": "channels_first",
            "use_bias": False,
        },
    ),
    ([9, 8, 3], {"type": "DepthwiseConv2D", "kernel_size": [3, 2], "depth_multiplier": 2}),
    (
        [3, 9, 9],
        {
            "type": "DepthwiseConv2D",
            "kernel_size": 3,
            "padding": "SAME",
            "data_format": "channels_first",
        },
    ),
    ([None, 9, 2], {"type": "DepthwiseConv2D", "kernel_size": 3, "dilation_rate": 2}),
    ([9, 3], {"type": "SeparableConv1D", "filters": 5, "kernel_size": 3}),
    (
        [3, 9],
        {
            "type": "SeparableConv1D",
            "filters": 4,
            "kernel_size": 3,
            "depth_multiplier": 2,
            "data_format": "channels_first",
            "use_bias": False,
        },
    ),
    (
        [9, 8, 3],
        {
            "type": "SeparableConv2D",
            "filters": 5,
            "kernel_size": [3, 2],
            "strides": 2,
            "padding": "same",
        },
    ),
    (
        [9, 9, 4],
        {
            "type": "SeparableConv2D",
            "filters": 2,
            "kernel_size": 3,
            "depth_multiplier": 3,
            "trainable": False,
        },
    ),
    # Keras checks strides > 1 with dilation > 1 only for Conv; these build and run.
    ([9, 9, 2], {"type": "DepthwiseConv2D", "kernel_size": 3, "strides": 2, "dilation_rate": 2}),
    (
        [9, 9, 2],
        {
            "type": "SeparableConv2D",
            "filters": 4,
            "kernel_size": 3,
            "strides": 2,
            "dilation_rate": 2,
        },
    ),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_depthwise_kernel_is_window_by_channels_by_multiplier():
    layer = record([9, 8, 3], {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": 2})
    assert [(w.name, w.shape) for w in layer.weights] == [("kernel", (3, 3, 3, 2)), ("bias", (6,))]
    assert layer.output_shape == (None, 7, 6, 6)
    assert layer.formula == "3·3·3·2 + 2·3 = 60 (each of the 3 channels × depth_multiplier 2)"


def test_separable_is_a_depthwise_then_a_pointwise_kernel():
    layer = record(
        [9, 9, 4],
        {"type": "SeparableConv2D", "filters": 5, "kernel_size": 3, "depth_multiplier": 2},
    )
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("depthwise_kernel", (3, 3, 4, 2)),
        ("pointwise_kernel", (1, 1, 8, 5)),
        ("bias", (5,)),
    ]
    assert layer.params == 72 + 40 + 5
    assert layer.formula == "depthwise 3·3·4·2 + pointwise 8·5 + 5 = 117"


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "DepthwiseConv1D", "kernel_size": 3, "padding": "causal"},
        {"type": "SeparableConv1D", "filters": 2, "kernel_size": 3, "padding": "causal"},
        {"type": "DepthwiseConv1D", "kernel_size": 3, "depth_multiplier": 0},
        {"type": "DepthwiseConv1D", "kernel_size": 3, "groups": 2},
    ],
)
def test_arguments_keras_refuses_are_a_validation_error(layer):
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate({"input_shape": [9, 2], "layers": [layer]})
    assert keras_refuses([9, 2], layer)


def test_a_window_larger_than_the_input_is_refused_at_kernel_size():
    layer = {"type": "SeparableConv2D", "filters": 2, "kernel_size": 5}
    assert refusal([4, 9, 2], layer).loc == ("layers", 0, "kernel_size")
    assert keras_refuses([4, 9, 2], layer)


def test_unknown_channels_are_refused_at_the_input():
    layer = {"type": "DepthwiseConv1D", "kernel_size": 3}
    assert refusal([9, None], layer).loc == ("input_shape",)
    assert keras_refuses([9, None], layer)


def test_wrong_rank_input_is_refused_at_the_input():
    layer = {"type": "DepthwiseConv2D", "kernel_size": 3}
    error = refusal([9, 9, 9, 2], layer)
    assert error.loc == ("input_shape",)
    assert keras_refuses([9, 9, 9, 2], layer)

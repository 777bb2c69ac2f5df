"""Conv1D/2D/3D and Conv1D/2D/3DTranspose: weights, output lengths and refusals."""

from __future__ import annotations

import pytest
from core_records import invalid, record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses
from pydantic import ValidationError

from app.schema import SummaryRequest

KERAS_CASES = [
    ([10, 4], {"type": "Conv1D", "filters": 6, "kernel_size": 3, "groups": 2}),
    (
        [10, 3],
        {"type": "Conv1D", "filters": 2, "kernel_size": 3, "padding": "causal", "strides": 2},
    ),
    (
        [3, 10],
        {
            "type": "Conv1D",
            "filters": 4,
            "kernel_size": 3,
            "dilation_rate": 2,
            "data_format": "channels_first",
            "use_bias": False,
        },
    ),
    (
        [None, 9, 8],
        {
            "type": "Conv2D",
            "filters": 3,
            "kernel_size": [2, 3],
            "strides": [2, 1],
            "padding": "same",
        },
    ),
    ([5, 6, 7, 2], {"type": "Conv3D", "filters": 4, "kernel_size": 2, "groups": 2}),
    (
        [8, 8, 3],
        {
            "type": "Conv2DTranspose",
            "filters": 5,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "output_padding": 1,
        },
    ),
    ([8, 8, 3], {"type": "Conv2DTranspose", "filters": 5, "kernel_size": 1, "strides": 3}),
    (
        [3, 7, 8],
        {
            "type": "Conv2DTranspose",
            "filters": 2,
            "kernel_size": 4,
            "strides": 3,
            "padding": "same",
            "output_padding": 2,
            "data_format": "channels_first",
        },
    ),
    (
        [4, 5, 6, 2],
        {
            "type": "Conv3DTranspose",
            "filters": 3,
            "kernel_size": 2,
            "dilation_rate": 2,
            "use_bias": False,
        },
    ),
    ([9, 3], {"type": "Conv1DTranspose", "filters": 4, "kernel_size": 3}),
    (
        [9, 3],
        {
            "type": "Conv1DTranspose",
            "filters": 4,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "output_padding": 1,
        },
    ),
    (
        [3, None],
        {
            "type": "Conv1DTranspose",
            "filters": 2,
            "kernel_size": 2,
            "strides": 3,
            "data_format": "channels_first",
            "use_bias": False,
        },
    ),
    ([7, 2], {"type": "Conv1DTranspose", "filters": 3, "kernel_size": 3, "dilation_rate": 2}),
    ([8, 8, 6], {"type": "Conv2D", "filters": 4, "kernel_size": 3, "groups": 2, "lora_rank": 2}),
    ([8, 6], {"type": "Conv1D", "filters": 4, "kernel_size": 3, "lora_rank": 3, "use_bias": False}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_kernel_is_window_by_channels_per_group_by_filters():
    conv = record([10, 10, 8], {"type": "Conv2D", "filters": 3, "kernel_size": 3})
    assert [w.shape for w in conv.weights] == [(3, 3, 8, 3), (3,)]
    assert conv.formula == "3·3·8·3 + 3 = 219"


def test_groups_divide_the_input_channels_of_each_filter():
    conv = record([10, 8], {"type": "Conv1D", "filters": 4, "kernel_size": 3, "groups": 4})
    assert conv.weights[0].shape == (3, 2, 4)
    assert conv.formula.endswith("(groups=4: each filter sees 8 ÷ 4 = 2 input channels)")


def test_causal_padding_keeps_the_length():
    conv = record(
        [10, 3],
        {"type": "Conv1D", "filters": 2, "kernel_size": 5, "padding": "causal", "dilation_rate": 2},
    )
    assert conv.output_shape == (None, 10, 2)


def test_transpose_kernel_puts_filters_before_channels():
    conv = record([8, 8, 3], {"type": "Conv2DTranspose", "filters": 5, "kernel_size": 3})
    assert conv.weights[0].shape == (3, 3, 5, 3)
    assert conv.formula == "3·3·5·3 + 5 = 140"


def test_transpose_valid_length_without_output_padding_is_n_times_stride_when_kernel_small():
    conv = record(
        [8, 8, 3], {"type": "Conv2DTranspose", "filters": 5, "kernel_size": 2, "strides": 3}
    )
    assert conv.output_shape == (None, 24, 24, 5)


def test_unknown_sizes_stay_unknown():
    conv = record([None, 3], {"type": "Conv1D", "filters": 2, "kernel_size": 3})
    assert conv.output_shape == (None, None, 2)


def test_kernel_larger_than_input_is_refused_at_kernel_size():
    error = refusal([2, 4], {"type": "Conv1D", "filters": 4, "kernel_size": 3})
    assert error.loc == ("layers", 0, "kernel_size")
    assert "kernel 3 does not fit the 2 input" in error.msg


def test_filters_not_divisible_by_groups_is_refused_at_groups():
    layer = {"type": "Conv1D", "filters": 4, "kernel_size": 3, "groups": 3}
    error = refusal([10, 6], layer)
    assert error.loc == ("layers", 0, "groups")
    assert keras_refuses([10, 6], layer)


def test_channels_not_divisible_by_groups_is_refused_at_groups():
    layer = {"type": "Conv2D", "filters": 4, "kernel_size": 3, "groups": 2}
    error = refusal([6, 6, 3], layer)
    assert error.loc == ("layers", 0, "groups")
    assert "3 channels" in error.msg
    assert keras_refuses([6, 6, 3], layer)


def test_unknown_channels_are_refused_at_the_input():
    layer = {"type": "Conv1D", "filters": 4, "kernel_size": 3}
    error = refusal([10, None], layer)
    assert error.loc == ("input_shape",)
    assert keras_refuses([10, None], layer)


def test_wrong_rank_input_is_refused_at_the_input():
    layer = {"type": "Conv1D", "filters": 2, "kernel_size": 3}
    error = refusal([10, 4, 3], layer)
    assert error.loc == ("input_shape",)
    assert "expects 3-D input (batch, steps, channels)" in error.msg
    assert keras_refuses([10, 4, 3], layer)


def test_strides_with_dilation_are_refused():
    layer = {
        "type": "Conv2DTranspose",
        "filters": 2,
        "kernel_size": 3,
        "strides": 2,
        "dilation_rate": 2,
    }
    assert refusal([8, 8, 3], layer).loc == ("layers", 0, "strides")


def test_output_padding_not_below_strides_is_refused():
    layer = {
        "type": "Conv2DTranspose",
        "filters": 2,
        "kernel_size": 3,
        "strides": 2,
        "output_padding": 2,
    }
    assert refusal([8, 8, 3], layer).loc == ("layers", 0, "output_padding")
    assert keras_refuses([8, 8, 3], layer)


def test_empty_transpose_output_that_keras_builds_is_refused():
    layer = {
        "type": "Conv2DTranspose",
        "filters": 5,
        "kernel_size": 2,
        "padding": "same",
        "output_padding": 0,
    }
    assert not keras_refuses([1, 1, 3], layer)  # Keras builds a (None, 0, 0, 5) output
    assert refusal([1, 1, 3], layer).loc == ("layers", 0, "output_padding")


def test_unknown_activation_name_is_refused():
    layer = {"type": "Conv1D", "filters": 2, "kernel_size": 3, "activation": "Relu"}
    error = invalid([10, 3], layer)
    assert error["loc"] == ["layers", 0, "activation"]
    assert "did you mean 'relu'?" in error["msg"]


def test_conv1d_transpose_kernel_puts_filters_before_channels():
    conv = record([9, 3], {"type": "Conv1DTranspose", "filters": 4, "kernel_size": 3, "strides": 2})
    assert [w.shape for w in conv.weights] == [(3, 4, 3), (4,)]
    assert conv.output_shape == (None, 19, 4)


def test_conv1d_transpose_refuses_causal_padding_like_keras():
    layer = {"type": "Conv1DTranspose", "filters": 2, "kernel_size": 3, "padding": "causal"}
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate({"input_shape": [9, 3], "layers": [layer]})
    assert keras_refuses([9, 3], layer)

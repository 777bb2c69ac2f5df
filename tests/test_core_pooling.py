"""Max/Average pooling, global pooling and up-sampling: shapes only, no weights."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses

KERAS_CASES = [
    ([5, 3], {"type": "MaxPooling1D", "pool_size": 2, "strides": 3, "padding": "same"}),
    ([3, 7], {"type": "AveragePooling1D", "pool_size": 3, "data_format": "channels_first"}),
    ([5, 4, 2], {"type": "AveragePooling2D", "pool_size": [2, 1], "strides": [1, 3]}),
    ([None, 9, 2], {"type": "MaxPooling2D", "pool_size": 3, "padding": "same"}),
    ([2, 5, 4, 6], {"type": "MaxPooling3D", "pool_size": 2, "data_format": "channels_first"}),
    ([4, 4, 4, 1], {"type": "AveragePooling3D", "pool_size": [1, 2, 4], "padding": "valid"}),
    ([5, 3], {"type": "GlobalAveragePooling1D", "keepdims": True}),
    ([3, 5, 5], {"type": "GlobalMaxPooling2D", "data_format": "channels_first"}),
    ([2, 3, 4, 5], {"type": "GlobalAveragePooling3D", "keepdims": True}),
    ([5, 3], {"type": "UpSampling1D", "size": 3}),
    ([5, None, 2], {"type": "UpSampling2D", "size": [3, 2], "interpolation": "bilinear"}),
    ([2, 3, 4, 5], {"type": "UpSampling3D", "size": 2, "data_format": "channels_first"}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_strides_default_to_the_pool_size():
    assert record([9, 9, 1], {"type": "MaxPooling2D", "pool_size": 3}).output_shape == (
        None,
        3,
        3,
        1,
    )


def test_same_padding_rounds_up():
    pool = record([7, 2], {"type": "AveragePooling1D", "pool_size": 2, "padding": "same"})
    assert pool.output_shape == (None, 4, 2)


def test_pooling_has_no_weights():
    pool = record([8, 8, 3], {"type": "MaxPooling2D"})
    assert (pool.params, pool.weights, pool.formula) == (0, (), "no weights: 0")


def test_pooling_needs_no_known_channels():
    assert record([8, None], {"type": "MaxPooling1D"}).output_shape == (None, 4, None)


def test_window_larger_than_input_is_refused_at_pool_size():
    layer = {"type": "MaxPooling1D", "pool_size": 2}
    error = refusal([1, 3], layer)
    assert error.loc == ("layers", 0, "pool_size")
    assert "pool 2 does not fit the 1 input" in error.msg
    assert keras_refuses([1, 3], layer)


def test_global_pooling_drops_the_spatial_axes():
    pool = record([4, 5, 6, 3], {"type": "GlobalMaxPooling3D"})
    assert pool.output_shape == (None, 3)


def test_up_sampling_multiplies_each_spatial_size():
    up = record([2, 3, 4, 5], {"type": "UpSampling3D", "size": [1, 2, 3]})
    assert up.output_shape == (None, 2, 6, 12, 5)


@pytest.mark.parametrize(
    ("layer", "input_shape"),
    [
        ({"type": "MaxPooling2D"}, [8, 3]),
        ({"type": "GlobalAveragePooling1D"}, [8, 8, 3]),
        ({"type": "UpSampling2D"}, [5, 3]),
        ({"type": "AveragePooling3D", "pool_size": 2}, [4, 4, 4]),
    ],
)
def test_wrong_rank_input_is_refused_at_the_input(layer, input_shape):
    assert refusal(input_shape, layer).loc == ("input_shape",)
    assert keras_refuses(input_shape, layer)

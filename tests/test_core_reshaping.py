"""Flatten, Reshape, Dropout, SpatialDropout, Activation and Dense."""

from __future__ import annotations

import pytest
from core_records import invalid, record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses

KERAS_CASES = [
    ([2, 3, 4], {"type": "Flatten", "data_format": "channels_first"}),
    ([8, None], {"type": "Flatten"}),
    ([2, 3, 4], {"type": "Reshape", "target_shape": [-1, 2]}),
    ([2, None, 4], {"type": "Reshape", "target_shape": [5, -1]}),
    ([6], {"type": "Dropout", "rate": 0.5, "noise_shape": [None, 1]}),
    ([2, 3], {"type": "SpatialDropout1D", "rate": 0.1}),
    ([3, 4, 5], {"type": "SpatialDropout2D", "rate": 0.1, "data_format": "channels_first"}),
    ([2, 3, 4, 5], {"type": "SpatialDropout3D", "rate": 0.2}),
    ([2, 3], {"type": "Activation", "activation": "gelu"}),
    ([64], {"type": "Dense", "units": 10}),
    ([8, 8, 3], {"type": "Dense", "units": 5, "use_bias": False}),
    ([8, 3], {"type": "Dense", "units": 5, "lora_rank": 2, "lora_alpha": 7}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_flatten_multiplies_every_axis_but_the_batch():
    assert record([2, 3, 4], {"type": "Flatten"}).output_shape == (None, 24)


def test_reshape_infers_the_minus_one_entry():
    assert record([2, 3, 4], {"type": "Reshape", "target_shape": [4, -1]}).output_shape == (
        None,
        4,
        6,
    )


def test_reshape_to_a_different_size_is_refused_with_the_size_that_fits():
    layer = {"type": "Reshape", "target_shape": [5, 5]}
    error = refusal([2, 3, 4], layer)
    assert error.loc == ("layers", 0, "target_shape")
    assert "holds 25 values, but each sample of (None, 2, 3, 4) has 24" in error.msg
    assert keras_refuses([2, 3, 4], layer)


def test_reshape_whose_fixed_sizes_do_not_divide_the_input_is_refused():
    layer = {"type": "Reshape", "target_shape": [5, -1]}
    error = refusal([2, 3, 4], layer)
    assert error.loc == ("layers", 0, "target_shape")
    assert "1, 2, 3, 4, 6, 8, 12, 24" in error.msg
    assert keras_refuses([2, 3, 4], layer)


def test_reshape_with_two_minus_ones_is_refused():
    layer = {"type": "Reshape", "target_shape": [-1, -1]}
    assert refusal([6], layer).loc == ("layers", 0, "target_shape")
    assert keras_refuses([6], layer)


def test_reshape_to_an_empty_tensor_is_refused_even_where_keras_builds_it():
    layer = {"type": "Reshape", "target_shape": [0]}
    assert not keras_refuses([2, None], layer)
    assert refusal([2, None], layer).loc == ("layers", 0, "target_shape")


def test_dropout_noise_shape_that_cannot_broadcast_is_refused():
    layer = {"type": "Dropout", "rate": 0.5, "noise_shape": [None, 3]}
    assert refusal([6], layer).loc == ("layers", 0, "noise_shape")


@pytest.mark.parametrize(
    ("layer_type", "input_shape"),
    [
        ("SpatialDropout1D", [2, 3, 4]),
        ("SpatialDropout2D", [2, 3]),
        ("SpatialDropout3D", [2, 3, 4]),
    ],
)
def test_spatial_dropout_of_the_wrong_rank_is_refused(layer_type, input_shape):
    layer = {"type": layer_type, "rate": 0.5}
    assert refusal(input_shape, layer).loc == ("input_shape",)
    assert keras_refuses(input_shape, layer)


def test_unknown_activation_is_refused():
    layer = {"type": "Activation", "activation": "foo"}
    assert invalid([3], layer)["loc"] == ["layers", 0, "activation"]
    assert keras_refuses([3], layer)


def test_dense_acts_on_the_last_axis_only():
    dense = record([8, 8, 3], {"type": "Dense", "units": 5})
    assert dense.output_shape == (None, 8, 8, 5)
    assert dense.formula == "3·5 + 5 = 20"


def test_dense_lora_freezes_the_kernel_and_trains_two_low_rank_factors():
    dense = record([64], {"type": "Dense", "units": 10, "lora_rank": 4})
    assert [(w.name, w.shape, w.trainable) for w in dense.weights] == [
        ("kernel", (64, 10), False),
        ("bias", (10,), True),
        ("lora_kernel_a", (64, 4), True),
        ("lora_kernel_b", (4, 10), True),
    ]
    assert (dense.trainable_params, dense.non_trainable_params) == (10 + 256 + 40, 640)


def test_dense_lora_with_a_kernel_constraint_is_refused():
    layer = {"type": "Dense", "units": 5, "lora_rank": 2, "kernel_constraint": "non_neg"}
    assert refusal([8], layer).loc == ("layers", 0, "lora_rank")
    assert keras_refuses([8], layer)


def test_dense_on_an_unknown_last_axis_is_refused_at_the_input():
    layer = {"type": "Dense", "units": 5}
    assert refusal([8, None], layer).loc == ("input_shape",)
    assert keras_refuses([8, None], layer)


def test_spatial_dropout_accepts_trainable_as_the_keras_setter_does():
    # Its constructor has no trainable argument, but `"trainable"` means the setter, which every
    # layer has; the layer has no weights, so nothing changes.
    layer = {"type": "SpatialDropout1D", "rate": 0.5, "trainable": False}
    assert record([2, 3], layer).params == 0

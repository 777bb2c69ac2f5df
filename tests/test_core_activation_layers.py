"""ReLU, LeakyReLU, ELU, Softmax and PReLU; Permute and RepeatVector."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses
from pydantic import ValidationError

KERAS_CASES = [
    ([5, 3], {"type": "ReLU"}),
    ([5, 3], {"type": "ReLU", "max_value": 6, "negative_slope": 0.1, "threshold": 0.5}),
    ([2, 3, 4], {"type": "LeakyReLU", "negative_slope": 0.2}),
    ([4], {"type": "ELU", "alpha": 0.5}),
    ([5, 3], {"type": "Softmax", "axis": 1}),
    ([2, 3, 4], {"type": "Softmax", "axis": [1, -1]}),
    ([5, 3], {"type": "PReLU"}),
    ([4, 5, 3], {"type": "PReLU", "shared_axes": [1, 2]}),
    ([None, 3], {"type": "PReLU", "shared_axes": 1}),
    ([5, 3], {"type": "PReLU", "shared_axes": [0]}),
    ([5, 3], {"type": "PReLU", "shared_axes": [-1], "trainable": False}),
    ([5, 3], {"type": "Permute", "dims": [2, 1]}),
    ([2, 3, 4], {"type": "Permute", "dims": [3, 1, 2]}),
    ([None, 4], {"type": "Permute", "dims": [2, 1]}),
    ([6], {"type": "RepeatVector", "n": 4}),
    ([None], {"type": "RepeatVector", "n": 2}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_leaky_relu_takes_the_deprecated_alpha_as_keras_3_does():
    with pytest.warns(UserWarning, match="alpha"):
        assert_layer_matches_keras([5, 3], {"type": "LeakyReLU", "alpha": 0.1})
    assert record([5, 3], {"type": "LeakyReLU", "alpha": 0.1}).params == 0


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "ReLU", "max_value": -1},
        {"type": "ReLU", "negative_slope": -0.1},
        {"type": "ReLU", "threshold": None},
        {"type": "LeakyReLU", "negative_slope": -1},
        {"type": "LeakyReLU", "alpha": None},
    ],
)
def test_negative_or_missing_slopes_and_limits_are_refused_like_keras(layer):
    with pytest.raises(ValidationError):
        record([5, 3], layer)
    assert keras_refuses([5, 3], layer)


def test_prelu_learns_one_slope_per_element_except_along_shared_axes():
    prelu = record([4, 5, 3], {"type": "PReLU", "shared_axes": [1, 2]})
    assert [(w.name, w.shape) for w in prelu.weights] == [("alpha", (1, 1, 3))]
    assert prelu.formula == "1·1·3 = 3"


@pytest.mark.parametrize("shared_axes", [3, [-2], [1, 4]])
def test_prelu_shared_axis_outside_the_sample_is_refused(shared_axes):
    layer = {"type": "PReLU", "shared_axes": shared_axes}
    assert refusal([5, 3], layer).loc == ("layers", 0, "shared_axes")
    assert keras_refuses([5, 3], layer)


def test_prelu_on_an_unknown_size_it_does_not_share_is_refused():
    layer = {"type": "PReLU"}
    error = refusal([None, 3], layer)
    assert error.loc == ("input_shape",) and "shared_axes" in error.msg
    assert keras_refuses([None, 3], layer)


def test_softmax_axis_outside_the_input_is_refused():
    assert refusal([5, 3], {"type": "Softmax", "axis": -4}).loc == ("layers", 0, "axis")


@pytest.mark.parametrize("dims", [[2, 2], [0, 1], [1, 3]])
def test_permute_dims_that_are_not_a_permutation_are_refused(dims):
    layer = {"type": "Permute", "dims": dims}
    assert refusal([5, 3], layer).loc == ("layers", 0, "dims")
    assert keras_refuses([5, 3], layer)


def test_permute_with_dims_for_another_rank_is_refused_at_the_input():
    layer = {"type": "Permute", "dims": [1, 2, 3]}
    assert refusal([5, 3], layer).loc == ("input_shape",)
    assert keras_refuses([5, 3], layer)


def test_repeat_vector_needs_a_flat_input():
    layer = {"type": "RepeatVector", "n": 3}
    assert refusal([5, 3], layer).loc == ("input_shape",)
    assert keras_refuses([5, 3], layer)


@pytest.mark.parametrize(
    ("layer", "per_element"),
    [
        ({"type": "ReLU"}, 1),
        ({"type": "ELU"}, 1),
        ({"type": "Softmax"}, 1),
        ({"type": "PReLU"}, 2),
        ({"type": "Permute", "dims": [2, 1]}, 0),
    ],
)
def test_elementwise_flops_per_element(layer, per_element):
    costs = record([5, 3], layer).costs
    assert (costs.macs, costs.flops) == (0, per_element * 15)

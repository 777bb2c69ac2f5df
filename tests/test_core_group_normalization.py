"""GroupNormalization: γ and β per channel, and the group counts Keras refuses."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses
from pydantic import ValidationError

from app.schema import SummaryRequest

KERAS_CASES = [
    ([9, 9, 64], {"type": "GroupNormalization"}),
    ([9, 9, 6], {"type": "GroupNormalization", "groups": 3}),
    ([9, 6], {"type": "GroupNormalization", "groups": -1}),
    ([6, 9, 9], {"type": "GroupNormalization", "groups": 2, "axis": 1, "center": False}),
    ([9, 6, 9], {"type": "GroupNormalization", "groups": 6, "axis": -2, "scale": False}),
    ([9, 4], {"type": "GroupNormalization", "groups": 1, "center": False, "scale": False}),
    ([None, 8], {"type": "GroupNormalization", "groups": 4, "trainable": False}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_gamma_and_beta_have_one_value_per_channel():
    layer = record([9, 9, 6], {"type": "GroupNormalization", "groups": 3})
    assert [(w.name, w.shape) for w in layer.weights] == [("gamma", (6,)), ("beta", (6,))]
    assert layer.formula == "2 × 6 = 12 (γ, β per channel; 3 groups of 2 channels)"


@pytest.mark.parametrize(
    ("groups", "words"),
    [
        (4, "do not split into groups=4 equal groups; use one of 1, 2, 3, 6"),
        (8, "groups=8 is more than the 6 channels"),
    ],
)
def test_groups_that_do_not_fit_the_channels_are_refused_at_groups(groups, words):
    layer = {"type": "GroupNormalization", "groups": groups}
    error = refusal([9, 9, 6], layer)
    assert error.loc == ("layers", 0, "groups")
    assert words in error.msg
    assert keras_refuses([9, 9, 6], layer)


@pytest.mark.parametrize(("input_shape", "axis"), [([9, None], -1), ([9, 6], 0), ([9, 6], 3)])
def test_an_unknown_or_missing_channel_axis_is_refused(input_shape, axis):
    layer = {"type": "GroupNormalization", "groups": 2, "axis": axis}
    refusal(input_shape, layer)
    assert keras_refuses(input_shape, layer)


@pytest.mark.parametrize("groups", [0, -2])
def test_groups_that_are_neither_positive_nor_minus_one_are_a_validation_error(groups):
    layer = {"type": "GroupNormalization", "groups": groups}
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate({"input_shape": [9, 6], "layers": [layer]})
    assert keras_refuses([9, 6], layer)

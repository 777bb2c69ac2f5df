"""BatchNormalization and LayerNormalization: which weights, which are trainable, which axis."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses

KERAS_CASES = [
    ([8, 8, 70], {"type": "BatchNormalization"}),
    ([8, 3], {"type": "BatchNormalization", "axis": 1, "center": False}),
    (
        [8, 3],
        {
            "type": "BatchNormalization",
            "scale": False,
            "renorm": True,
            "renorm_clipping": {"rmax": 3, "rmin": 0.5},
        },
    ),
    ([5, 4], {"type": "BatchNormalization", "axis": -2, "trainable": False}),
    ([8, 3, 2], {"type": "LayerNormalization"}),
    ([8, 3, 2], {"type": "LayerNormalization", "axis": [2, 1]}),
    ([8, 3, 2], {"type": "LayerNormalization", "axis": [-1, 2], "center": False}),
    ([8, 3, 2], {"type": "LayerNormalization", "axis": []}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_batch_norm_trains_gamma_and_beta_but_not_the_moving_statistics():
    bn = record([40, 40, 70], {"type": "BatchNormalization"})
    assert [(w.name, w.trainable) for w in bn.weights] == [
        ("gamma", True),
        ("beta", True),
        ("moving_mean", False),
        ("moving_variance", False),
    ]
    assert (bn.trainable_params, bn.non_trainable_params) == (140, 140)
    assert bn.formula == (
        "4 × 70 = 280 (γ, β trainable: 140; moving mean, variance: 140 non-trainable)"
    )


def test_batch_norm_without_center_and_scale_keeps_only_moving_statistics():
    bn = record([10, 6], {"type": "BatchNormalization", "center": False, "scale": False})
    assert [w.name for w in bn.weights] == ["moving_mean", "moving_variance"]
    assert bn.trainable_params == 0


def test_renorm_adds_three_non_trainable_vectors():
    bn = record([10, 6], {"type": "BatchNormalization", "renorm": True})
    assert bn.non_trainable_params == 5 * 6
    assert [w.name for w in bn.weights][-3:] == ["moving_stddev", "renorm_mean", "renorm_stddev"]


def test_renorm_clipping_with_unknown_keys_is_refused():
    layer = {"type": "BatchNormalization", "renorm": True, "renorm_clipping": {"rmax": 1, "x": 2}}
    assert refusal([10, 6], layer).loc == ("layers", 0, "renorm_clipping")
    assert keras_refuses([10, 6], layer)


def test_renorm_clipping_is_ignored_without_renorm():
    layer = {"type": "BatchNormalization", "renorm_clipping": {"x": 2}}
    assert record([10, 6], layer).params == 24
    assert not keras_refuses([10, 6], layer)


@pytest.mark.parametrize("axis", [0, -3, 3])
def test_batch_norm_axis_that_is_the_batch_or_out_of_range_is_refused(axis):
    layer = {"type": "BatchNormalization", "axis": axis}
    assert refusal([8, 3], layer).loc == ("layers", 0, "axis")
    assert keras_refuses([8, 3], layer)


def test_batch_norm_over_an_unknown_axis_is_refused_at_the_input():
    layer = {"type": "BatchNormalization"}
    assert refusal([8, None], layer).loc == ("input_shape",)
    assert keras_refuses([8, None], layer)


def test_layer_norm_weights_follow_the_sorted_axis_values():
    # Keras sorts [-1, 1] as given, so γ is (last size, first size), not in axis order.
    ln = record([8, 3], {"type": "LayerNormalization", "axis": [-1, 1]})
    assert [w.shape for w in ln.weights] == [(3, 8), (3, 8)]
    assert ln.formula == "2 × 3·8 = 48 (γ, β of shape (3, 8))"


def test_layer_norm_naming_one_axis_twice_is_refused():
    layer = {"type": "LayerNormalization", "axis": [1, -2]}
    error = refusal([8, 3], layer)
    assert error.loc == ("layers", 0, "axis")
    assert "twice" in error.msg


def test_layer_norm_over_an_unknown_axis_is_refused_at_the_input():
    layer = {"type": "LayerNormalization", "axis": [1, 2]}
    assert refusal([None, 3], layer).loc == ("input_shape",)
    assert keras_refuses([None, 3], layer)


def test_layer_norm_without_weights_accepts_unknown_and_batch_axes():
    layer = {"type": "LayerNormalization", "axis": [0, 1], "center": False, "scale": False}
    assert record([None, 3], layer).params == 0
    assert not keras_refuses([None, 3], layer)

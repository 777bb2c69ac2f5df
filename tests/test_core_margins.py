"""ZeroPadding1D/2D/3D and Cropping1D/2D/3D: every form of `padding`/`cropping` Keras accepts,
output shapes, refusals, and no weights."""

from __future__ import annotations

import pytest
from core_records import record, refusal
from layer_parity import assert_layer_matches_keras, keras_refuses
from pydantic import ValidationError

from app.schema import SummaryRequest

KERAS_CASES = [
    # 1D: an int, or (left, right).
    ([5, 2], {"type": "ZeroPadding1D"}),
    ([5, 2], {"type": "ZeroPadding1D", "padding": 3}),
    ([5, 2], {"type": "ZeroPadding1D", "padding": [0, 2]}),
    ([2, 5], {"type": "ZeroPadding1D", "padding": [1, 2], "data_format": "channels_first"}),
    ([7, 2], {"type": "Cropping1D"}),
    ([7, 2], {"type": "Cropping1D", "cropping": [2, 0]}),
    ([None, 2], {"type": "Cropping1D", "cropping": 9}),
    # 2D/3D: an int, one int per axis, (before, after) per axis, or the two mixed.
    ([5, 5, 2], {"type": "ZeroPadding2D"}),
    ([5, 5, 2], {"type": "ZeroPadding2D", "padding": 2}),
    ([5, 5, 2], {"type": "ZeroPadding2D", "padding": [1, 3]}),
    ([5, 6, 2], {"type": "ZeroPadding2D", "padding": [[1, 0], [2, 3]]}),
    ([2, 5, 6], {"type": "ZeroPadding2D", "padding": [1, [0, 4]], "data_format": "channels_first"}),
    ([None, 6, None], {"type": "ZeroPadding2D", "padding": [[1, 2], 0]}),
    ([3, 4, 5, 2], {"type": "ZeroPadding3D"}),
    ([3, 4, 5, 2], {"type": "ZeroPadding3D", "padding": [1, 0, 2]}),
    (
        [2, 3, 4, 5],
        {"type": "ZeroPadding3D", "padding": [[0, 1], 2, [3, 0]], "data_format": "channels_first"},
    ),
    ([7, 7, 2], {"type": "Cropping2D"}),
    ([7, 7, 2], {"type": "Cropping2D", "cropping": 3}),
    ([7, 8, 2], {"type": "Cropping2D", "cropping": [[1, 2], [3, 4]]}),
    ([2, 7, 8], {"type": "Cropping2D", "cropping": [2, [0, 7]], "data_format": "channels_first"}),
    ([None, 8, 2], {"type": "Cropping2D", "cropping": [[20, 2], 1]}),
    ([4, 5, 6, 2], {"type": "Cropping3D"}),
    ([4, 5, 6, 2], {"type": "Cropping3D", "cropping": [[0, 3], 1, [2, 3]]}),
    ([2, 4, 5, 6], {"type": "Cropping3D", "cropping": 1, "data_format": "channels_first"}),
]


@pytest.mark.parametrize(("input_shape", "layer"), KERAS_CASES)
def test_matches_keras(input_shape, layer):
    assert_layer_matches_keras(input_shape, layer)


def test_every_form_normalises_to_one_before_after_pair_per_axis():
    def padding(value):
        body = {"input_shape": [4, 4, 1], "layers": [{"type": "ZeroPadding2D", "padding": value}]}
        return SummaryRequest.model_validate(body).layers[0].padding

    assert padding(2) == ((2, 2), (2, 2))
    assert padding([1, 3]) == ((1, 1), (3, 3))
    assert padding([[1, 2], [3, 4]]) == ((1, 2), (3, 4))
    assert padding([[1, 2], 3]) == ((1, 2), (3, 3))


def test_padding_adds_both_sides_and_has_no_weights():
    padded = record([5, 6, 2], {"type": "ZeroPadding2D", "padding": [[1, 0], [2, 3]]})
    assert padded.output_shape == (None, 6, 11, 2)
    assert padded.params == 0 and padded.weights == ()
    assert padded.formula == "no weights: 0 (pads 1+0, 2+3 per axis)"


def test_cropping1d_always_crops_axis_1():
    assert record([7, 2], {"type": "Cropping1D", "cropping": [1, 2]}).output_shape == (None, 4, 2)


@pytest.mark.parametrize(
    ("input_shape", "layer"),
    [
        ([7, 2], {"type": "Cropping1D", "cropping": [3, 4]}),
        ([7, 9, 2], {"type": "Cropping2D", "cropping": [0, [4, 5]]}),
        ([2, 7, 9], {"type": "Cropping2D", "cropping": 4, "data_format": "channels_first"}),
        ([4, 5, 6, 2], {"type": "Cropping3D", "cropping": [0, 0, 3]}),
    ],
)
def test_cropping_all_of_an_axis_is_refused_at_cropping_like_keras(input_shape, layer):
    error = refusal(input_shape, layer)
    assert error.loc == ("layers", 0, "cropping")
    assert "leaves nothing" in error.msg
    assert keras_refuses(input_shape, layer)


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "ZeroPadding2D", "padding": [1, 2, 3]},
        {"type": "ZeroPadding2D", "padding": [[1, 2, 3], 1]},
        {"type": "Cropping2D", "cropping": [[-1, 0], 0]},
        {"type": "Cropping2D", "cropping": -1},
        {"type": "ZeroPadding1D", "padding": [1, 2, 3]},
        {"type": "Cropping1D", "cropping": [-1, 2]},
        {"type": "Cropping1D", "data_format": "channels_first"},
    ],
)
def test_forms_keras_refuses_are_a_validation_error(layer):
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate({"input_shape": [9, 9, 2], "layers": [layer]})
    assert keras_refuses([9, 9, 2] if layer["type"].endswith("2D") else [9, 2], layer)


def test_negative_int_zero_padding_is_refused_although_keras_builds_it():
    # Keras 3.15's ZeroPadding2D does not check an int padding: it builds a (None, 3, 3, 2)
    # output, and the first call fails in ops.pad ("index can't contain negative values").
    layer = {"type": "ZeroPadding2D", "padding": -1}
    assert not keras_refuses([5, 5, 2], layer)
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate({"input_shape": [5, 5, 2], "layers": [layer]})


def test_wrong_rank_input_is_refused_at_the_input():
    layer = {"type": "ZeroPadding2D"}
    error = refusal([9, 2], layer)
    assert error.loc == ("input_shape",)
    assert "expects 4-D input (batch, rows, cols, channels)" in error.msg
    assert keras_refuses([9, 2], layer)


@pytest.mark.parametrize(
    ("layer", "field"),
    [
        ({"type": "ZeroPadding2D", "padding": [[1, 2], -1]}, "padding"),
        ({"type": "Cropping3D", "cropping": [1, 2]}, "cropping"),
        ({"type": "Cropping1D", "cropping": True}, "cropping"),
    ],
)
def test_a_malformed_margin_is_one_plain_message_at_its_field(http, layer, field):
    response = http.post("/summary", json={"input_shape": [5, 5, 5, 2], "layers": [layer]})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "layers", 0, field]
    assert detail["msg"].startswith(f"`{field}` must be a number ≥ 0")

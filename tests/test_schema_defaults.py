"""Layer specs: sizes left at their defaults come out as tuples of the layer's rank, as Keras's
`standardize_tuple` makes them, while only size defaults are validated at all."""

from __future__ import annotations

import pytest

from app.schema import LAYER_SPECS

_REQUIRED = {
    "ConvLSTM1D": {"filters": 2, "kernel_size": 3},
    "ConvLSTM2D": {"filters": 2, "kernel_size": 3},
    "ConvLSTM3D": {"filters": 2, "kernel_size": 3},
    "Conv1D": {"filters": 2, "kernel_size": 3},
    "Conv2D": {"filters": 2, "kernel_size": 3},
    "Conv3D": {"filters": 2, "kernel_size": 3},
    "Conv2DTranspose": {"filters": 2, "kernel_size": 3},
    "Conv3DTranspose": {"filters": 2, "kernel_size": 3},
}


def _spec(layer_type: str, **arguments):
    return LAYER_SPECS[layer_type].model_validate({"type": layer_type, **arguments})


@pytest.mark.parametrize(
    ("layer_type", "rank"),
    [
        ("ConvLSTM1D", 1),
        ("ConvLSTM2D", 2),
        ("ConvLSTM3D", 3),
        ("Conv1D", 1),
        ("Conv2D", 2),
        ("Conv3D", 3),
        ("Conv2DTranspose", 2),
        ("Conv3DTranspose", 3),
    ],
)
def test_default_strides_and_dilation_are_ones_of_the_layers_rank(layer_type, rank):
    spec = _spec(layer_type, **_REQUIRED[layer_type])
    assert spec.strides == (1,) * rank
    assert spec.dilation_rate == (1,) * rank


@pytest.mark.parametrize(
    ("layer_type", "rank"),
    [
        ("MaxPooling1D", 1),
        ("MaxPooling2D", 2),
        ("MaxPooling3D", 3),
    ],
)
def test_default_pool_size_is_twos_of_the_layers_rank_and_strides_stay_none(layer_type, rank):
    spec = _spec(layer_type)
    assert spec.pool_size == (2,) * rank
    assert spec.strides is None


@pytest.mark.parametrize(
    ("layer_type", "size"),
    [
        ("UpSampling1D", 2),
        ("UpSampling2D", (2, 2)),
        ("UpSampling3D", (2, 2, 2)),
    ],
)
def test_default_upsampling_size_has_the_form_keras_gives_it(layer_type, size):
    assert _spec(layer_type).size == size


def test_a_default_left_out_is_not_counted_as_given():
    spec = _spec("ConvLSTM2D", filters=2, kernel_size=3)
    assert spec.model_fields_set == {"type", "filters", "kernel_size"}


def test_other_defaults_are_kept_exactly_as_declared():
    spec = _spec("ConvLSTM2D", filters=2, kernel_size=3)
    fields = type(spec).model_fields
    for name in ("name", "dtype", "padding", "data_format", "activation", "dropout", "seed"):
        assert getattr(spec, name) == fields[name].default


def test_the_declared_default_of_a_size_stays_the_int_keras_documents():
    assert LAYER_SPECS["ConvLSTM2D"].model_fields["strides"].default == 1
    assert LAYER_SPECS["MaxPooling2D"].model_fields["pool_size"].default == 2

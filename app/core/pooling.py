"""Pooling and up-sampling: no weights, only shapes (`keras/src/layers/pooling`, `reshaping`).

Max/AveragePooling follow `compute_pooling_output_shape`: valid ⌊(n − p) / s⌋ + 1,
same ⌊(n − 1) / s⌋ + 1, with `strides=None` meaning `pool_size`. Global pooling drops the
spatial axes (or keeps them as 1 with `keepdims`). UpSampling multiplies each spatial size.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, field_validator

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _channels, _elementwise
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import (
    conv_output_spatial,
    expect_ndim,
    join_channels,
    prod,
    spatial_layout,
    split_channels,
)
from app.core.spec_base import (
    DataFormat,
    DefaultSizes,
    Dim,
    LayerSpecBase,
    Padding,
    Sizes,
    _lower,
    _SpatialSpec,
    size_default,
)
from app.core.translation import N_
from app.core.translation import gettext as _


class _PoolingSpec(_SpatialSpec):
    """`keras.layers.{Max,Average}Pooling{1,2,3}D`; `strides=None` means `pool_size`."""

    _tuple_fields = ("pool_size", "strides")

    pool_size: DefaultSizes = size_default(2)
    strides: Sizes | None = None
    padding: Padding = "valid"
    data_format: DataFormat | None = None

    @field_validator("data_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        # Unlike the convolutions, Keras's pooling layers keep `padding` as given and the pooling
        # op then refuses "SAME"/"VALID"; only `data_format` is case-insensitive here.
        return _lower(value)


class MaxPooling1DSpec(_PoolingSpec):
    type: Literal["MaxPooling1D"]
    rank: ClassVar[int] = 1


class MaxPooling2DSpec(_PoolingSpec):
    type: Literal["MaxPooling2D"]
    rank: ClassVar[int] = 2


class MaxPooling3DSpec(_PoolingSpec):
    type: Literal["MaxPooling3D"]
    rank: ClassVar[int] = 3


class AveragePooling1DSpec(_PoolingSpec):
    type: Literal["AveragePooling1D"]
    rank: ClassVar[int] = 1
    pool_size: Sizes


class AveragePooling2DSpec(_PoolingSpec):
    type: Literal["AveragePooling2D"]
    rank: ClassVar[int] = 2
    pool_size: Sizes


class AveragePooling3DSpec(_PoolingSpec):
    type: Literal["AveragePooling3D"]
    rank: ClassVar[int] = 3
    pool_size: Sizes


class _GlobalPoolingSpec(_SpatialSpec):
    """`keras.layers.Global{Average,Max}Pooling{1,2,3}D`."""

    data_format: DataFormat | None = None
    keepdims: StrictBool = False


class GlobalAveragePooling1DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling1D"]
    rank: ClassVar[int] = 1


class GlobalAveragePooling2DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling2D"]
    rank: ClassVar[int] = 2


class GlobalAveragePooling3DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling3D"]
    rank: ClassVar[int] = 3


class GlobalMaxPooling1DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling1D"]
    rank: ClassVar[int] = 1


class GlobalMaxPooling2DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling2D"]
    rank: ClassVar[int] = 2


class GlobalMaxPooling3DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling3D"]
    rank: ClassVar[int] = 3


class UpSampling1DSpec(_SpatialSpec):
    """`keras.layers.UpSampling1D`: repeats each step `size` times (channels last only)."""

    type: Literal["UpSampling1D"]
    rank: ClassVar[int] = 1
    size: Dim = 2


class UpSampling2DSpec(_SpatialSpec):
    type: Literal["UpSampling2D"]
    rank: ClassVar[int] = 2
    _tuple_fields = ("size",)
    size: DefaultSizes = size_default(2)
    data_format: DataFormat | None = None
    interpolation: Literal["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"] = (
        "nearest"
    )


class UpSampling3DSpec(_SpatialSpec):
    type: Literal["UpSampling3D"]
    rank: ClassVar[int] = 3
    _tuple_fields = ("size",)
    size: DefaultSizes = size_default(2)
    data_format: DataFormat | None = None


PoolingSpec = (
    MaxPooling1DSpec
    | MaxPooling2DSpec
    | MaxPooling3DSpec
    | AveragePooling1DSpec
    | AveragePooling2DSpec
    | AveragePooling3DSpec
)
GlobalPoolingSpec = (
    GlobalAveragePooling1DSpec
    | GlobalAveragePooling2DSpec
    | GlobalAveragePooling3DSpec
    | GlobalMaxPooling1DSpec
    | GlobalMaxPooling2DSpec
    | GlobalMaxPooling3DSpec
)
UpSamplingSpec = UpSampling1DSpec | UpSampling2DSpec | UpSampling3DSpec


def spatial_input(
    spec: PoolingSpec | GlobalPoolingSpec | UpSamplingSpec, input_shape: Shape
) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of an input of exactly rank + 2 dimensions."""
    layout = spatial_layout(spec.rank, spec.channels_first)
    expect_ndim(input_shape, spec.rank + 2, spec.type, layout)
    return split_channels(input_shape, spec.channels_first)


def pooling(spec: PoolingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    spatial, channels = spatial_input(spec, input_shape)
    strides = spec.pool_size if spec.strides is None else spec.strides
    # A pooling window is an undilated kernel: the same lengths as a convolution's.
    out = conv_output_spatial(
        spatial, spec.pool_size, strides, spec.padding, (1,) * spec.rank, field="pool_size"
    )
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, channels, spec.channels_first)
    )


def global_pooling(spec: GlobalPoolingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    _, channels = spatial_input(spec, input_shape)
    if not spec.keepdims:
        return LayerFacts(output_shape=(input_shape[0], channels))
    ones = (1,) * spec.rank
    return LayerFacts(
        output_shape=join_channels(input_shape[0], ones, channels, spec.channels_first)
    )


def up_sampling(spec: UpSamplingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    # UpSampling1D has no data_format: it always repeats axis 1 of (batch, steps, features).
    spatial, channels = spatial_input(spec, input_shape)
    sizes = (spec.size,) if isinstance(spec.size, int) else spec.size
    out = tuple(None if n is None else n * s for n, s in zip(spatial, sizes, strict=True))
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, channels, spec.channels_first)
    )


_TAPS = {"nearest": 1, "area": 1, "bilinear": 4, "bicubic": 16, "lanczos3": 36, "lanczos5": 100}


def max_pooling_costs(
    spec: MaxPooling2DSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in = elements(record.input_shape)
    window = prod(spec.pool_size)
    return _elementwise(
        record,
        window - 1,
        N_("window − 1 comparisons per output"),
        n_in,
        _("input {input} (where the maxima were)").format(input=num(n_in)),
    )


def average_pooling_costs(
    spec: AveragePooling2DSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    window = prod(spec.pool_size)
    return _elementwise(record, window, N_("window − 1 adds + 1 division per output"))


def global_max_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    window = n_in // _channels(record.input_shape, spec)
    return _elementwise(
        record,
        window - 1,
        N_("cells − 1 comparisons per channel"),
        n_in,
        _("input {input} (where the maxima were)").format(input=num(n_in)),
    )


def global_average_costs(
    spec: LayerSpecBase, record: LayerRecord, context: CostContext
) -> CostFacts:
    window = elements(record.input_shape) // _channels(record.input_shape, spec)
    return _elementwise(record, window, N_("cells − 1 adds + 1 division per channel"))


def up_sampling_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    taps = _TAPS[getattr(spec, "interpolation", "nearest")]
    return _elementwise(record, 2 * taps - 1 if taps > 1 else 0, N_("2·taps − 1 per output"))


# Help per editor control (app/argument_help.py), English; the page translates it.
_DATA_FORMAT = N_(
    "Where the channels axis is: channels_last (default, ..., C) or channels_first (C, ...)."
)
_WINDOW_HELP = {
    **layer_help(NO_WEIGHTS),
    "strides": N_("Step of the window per axis; empty: pool_size (windows do not overlap)."),
    "padding": N_(
        "valid: only whole windows, the output shrinks; same: output = input ÷ strides, rounded up."
    ),
    "data_format": _DATA_FORMAT,
}
_MAX_HELP = {
    **_WINDOW_HELP,
    "pool_size": N_("Window per axis whose largest value is kept, e.g. 2,2."),
}
_AVERAGE_HELP = {**_WINDOW_HELP, "pool_size": N_("Window per axis that is averaged, e.g. 2,2.")}
_GLOBAL_MAX_HELP = {
    **layer_help(NO_WEIGHTS),
    "data_format": N_(
        "Where the channels axis is; the largest value over every other axis is kept per channel."
    ),
    "keepdims": N_("Keeps the pooled axes with size 1 instead of dropping them."),
}
_GLOBAL_AVERAGE_HELP = {
    **_GLOBAL_MAX_HELP,
    "data_format": N_("Where the channels axis is; every other axis is averaged per channel."),
}
_UPSAMPLING_HELP = {
    **layer_help(NO_WEIGHTS),
    "size": N_("Repeat factor per axis: each row (column, frame) is repeated this often."),
    "data_format": _DATA_FORMAT,
}
HELP: dict[str, dict[str, str]] = {
    "MaxPooling1D": _MAX_HELP,
    "MaxPooling2D": _MAX_HELP,
    "MaxPooling3D": _MAX_HELP,
    "AveragePooling1D": _AVERAGE_HELP,
    "AveragePooling2D": _AVERAGE_HELP,
    "AveragePooling3D": _AVERAGE_HELP,
    "GlobalMaxPooling1D": _GLOBAL_MAX_HELP,
    "GlobalMaxPooling2D": _GLOBAL_MAX_HELP,
    "GlobalMaxPooling3D": _GLOBAL_MAX_HELP,
    "GlobalAveragePooling1D": _GLOBAL_AVERAGE_HELP,
    "GlobalAveragePooling2D": _GLOBAL_AVERAGE_HELP,
    "GlobalAveragePooling3D": _GLOBAL_AVERAGE_HELP,
    "UpSampling1D": {
        **layer_help(NO_WEIGHTS),
        "size": N_("How many times each time step is repeated along the steps axis."),
    },
    "UpSampling2D": {
        **_UPSAMPLING_HELP,
        "interpolation": N_(
            "How new pixels are filled: nearest repeats them; bilinear and the others blend "
            "neighbours (same shape, more arithmetic)."
        ),
    },
    "UpSampling3D": _UPSAMPLING_HELP,
}


FAMILY = LayerFamily(
    name="Pooling and upsampling",
    specs=(
        MaxPooling1DSpec,
        MaxPooling2DSpec,
        MaxPooling3DSpec,
        AveragePooling1DSpec,
        AveragePooling2DSpec,
        AveragePooling3DSpec,
        GlobalAveragePooling1DSpec,
        GlobalAveragePooling2DSpec,
        GlobalAveragePooling3DSpec,
        GlobalMaxPooling1DSpec,
        GlobalMaxPooling2DSpec,
        GlobalMaxPooling3DSpec,
        UpSampling1DSpec,
        UpSampling2DSpec,
        UpSampling3DSpec,
    ),
    analysers=(
        (PoolingSpec.__args__, pooling),
        (GlobalPoolingSpec.__args__, global_pooling),
        (UpSamplingSpec.__args__, up_sampling),
    ),
    costs=(
        ((MaxPooling1DSpec, MaxPooling2DSpec, MaxPooling3DSpec), max_pooling_costs),
        ((AveragePooling1DSpec, AveragePooling2DSpec, AveragePooling3DSpec), average_pooling_costs),
        (
            (GlobalMaxPooling1DSpec, GlobalMaxPooling2DSpec, GlobalMaxPooling3DSpec),
            global_max_costs,
        ),
        (
            (GlobalAveragePooling1DSpec, GlobalAveragePooling2DSpec, GlobalAveragePooling3DSpec),
            global_average_costs,
        ),
        (UpSamplingSpec.__args__, up_sampling_costs),
    ),
    editor=EditorHints(
        primary=frozenset({"pool_size", "strides", "padding", "data_format", "keepdims", "size"}),
        new_values={"pool_size": 2},
    ),
    help=HELP,
)

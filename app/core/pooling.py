"""Pooling and up-sampling: no weights, only shapes (`keras/src/layers/pooling`, `reshaping`).

Max/AveragePooling follow `compute_pooling_output_shape`: valid ⌊(n − p) / s⌋ + 1,
same ⌊(n − 1) / s⌋ + 1, with `strides=None` meaning `pool_size`. Global pooling drops the
spatial axes (or keeps them as 1 with `keepdims`). UpSampling multiplies each spatial size.
"""

from __future__ import annotations

from app.core.records import Shape
from app.core.registry import LayerFacts, Namer, analyses
from app.core.shapes import (
    conv_output_spatial,
    expect_ndim,
    join_channels,
    spatial_layout,
    split_channels,
)
from app.schema import (
    AveragePooling1DSpec,
    AveragePooling2DSpec,
    AveragePooling3DSpec,
    GlobalAveragePooling1DSpec,
    GlobalAveragePooling2DSpec,
    GlobalAveragePooling3DSpec,
    GlobalMaxPooling1DSpec,
    GlobalMaxPooling2DSpec,
    GlobalMaxPooling3DSpec,
    MaxPooling1DSpec,
    MaxPooling2DSpec,
    MaxPooling3DSpec,
    UpSampling1DSpec,
    UpSampling2DSpec,
    UpSampling3DSpec,
)

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


def spatial_input(spec, input_shape: Shape) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of an input of exactly rank + 2 dimensions."""
    layout = spatial_layout(spec.rank, spec.channels_first)
    expect_ndim(input_shape, spec.rank + 2, spec.type, layout)
    return split_channels(input_shape, spec.channels_first)


@analyses(*PoolingSpec.__args__)
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


@analyses(*GlobalPoolingSpec.__args__)
def global_pooling(spec: GlobalPoolingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    _, channels = spatial_input(spec, input_shape)
    if not spec.keepdims:
        return LayerFacts(output_shape=(input_shape[0], channels))
    ones = (1,) * spec.rank
    return LayerFacts(
        output_shape=join_channels(input_shape[0], ones, channels, spec.channels_first)
    )


@analyses(*UpSamplingSpec.__args__)
def up_sampling(spec: UpSamplingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    # UpSampling1D has no data_format: it always repeats axis 1 of (batch, steps, features).
    spatial, channels = spatial_input(spec, input_shape)
    sizes = (spec.size,) if isinstance(spec.size, int) else spec.size
    out = tuple(None if n is None else n * s for n, s in zip(spatial, sizes, strict=True))
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, channels, spec.channels_first)
    )


# Help per editor control (app/argument_help.py), English; the page translates it.
from app.core.common_help import NO_WEIGHTS, layer_help  # noqa: E402
from app.core.gettext_marker import N_  # noqa: E402

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

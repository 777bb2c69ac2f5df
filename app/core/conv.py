"""Conv1D/2D/3D and Conv1D/2D/3DTranspose (`keras/src/layers/convolutional/base_conv*.py`).

Convolution: `kernel` is k + (C / groups, F) and `bias` is (F,), so the parameters are
K·(C/g)·F + F with K = ∏k. Output lengths follow `compute_conv_output_shape`.
Transposed convolution: `kernel` is k + (F, C) (filters before channels) and `bias` is (F,):
K·F·C + F. Output lengths follow `_get_output_shape_given_tf_padding`.
"""

from __future__ import annotations

from app.core.activations import check_activation
from app.core.errors import SpecError
from app.core.formula import dot, num, plus
from app.core.lora import check_lora, freeze_for_lora, lora_note, lora_weights
from app.core.records import Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import (
    by,
    check_strides_vs_dilation,
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    spatial_layout,
    split_channels,
    transpose_output_length,
)
from app.core.translation import gettext as _
from app.schema import (
    Conv1DSpec,
    Conv1DTransposeSpec,
    Conv2DSpec,
    Conv2DTransposeSpec,
    Conv3DSpec,
    Conv3DTransposeSpec,
)

ConvSpec = Conv1DSpec | Conv2DSpec | Conv3DSpec
ConvTransposeSpec = Conv1DTransposeSpec | Conv2DTransposeSpec | Conv3DTransposeSpec


def input_channels(spec: ConvSpec | ConvTransposeSpec, input_shape: Shape) -> tuple[Shape, int]:
    """(spatial sizes, channels C) of an input of exactly rank + 2 dimensions."""
    layout = spatial_layout(spec.rank, spec.channels_first)
    expect_ndim(input_shape, spec.rank + 2, spec.type, layout)
    spatial, channels = split_channels(input_shape, spec.channels_first)
    return spatial, known_channels(channels, spec.type, input_shape)


def check_groups(spec: ConvSpec, channels: int) -> None:
    """Keras splits both the input channels and the filters into `groups` equal parts."""
    g = spec.groups
    if spec.filters % g:
        raise SpecError(
            ("groups",),
            _(
                "filters ({filters}) must divide evenly into groups={groups}; use a number of "
                "groups that divides both {filters} filters and {channels} input channels"
            ).format(filters=spec.filters, groups=g, channels=channels),
        )
    if channels % g:
        raise SpecError(
            ("groups",),
            _(
                "the input's {channels} channels must divide evenly into groups={groups}; use a "
                "number of groups that divides both {channels} and {filters}"
            ).format(channels=channels, groups=g, filters=spec.filters),
        )


def with_bias(
    spec: ConvSpec | ConvTransposeSpec, kernel: WeightRecord
) -> tuple[list[WeightRecord], str]:
    """Kernel plus, with `use_bias`, one bias per filter; the formula writes both out."""
    weights = [kernel]
    if spec.use_bias:
        weights.append(weight("bias", (spec.filters,)))
    total = sum(w.count for w in weights)
    terms = plus([dot(kernel.shape), str(spec.filters) if spec.use_bias else ""])
    return weights, f"{terms} = {num(total)}"


@analyses(Conv1DSpec, Conv2DSpec, Conv3DSpec)
def conv(spec: ConvSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    check_strides_vs_dilation(spec.strides, spec.dilation_rate)
    spatial, c = input_channels(spec, input_shape)
    check_groups(spec, c)
    out = conv_output_spatial(
        spatial, spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
    )
    check_lora(spec)
    kernel = weight("kernel", (*spec.kernel_size, c // spec.groups, spec.filters))
    weights, formula = with_bias(spec, kernel)
    factors = lora_weights(kernel, spec.lora_rank)
    formula += lora_note(kernel, factors, sum(w.count for w in weights))
    weights = [freeze_for_lora(weights[0], spec.lora_rank), *weights[1:], *factors]
    if spec.groups > 1:
        formula += _(
            " (groups={groups}: each filter sees {channels} ÷ {groups} = {seen} input channels)"
        ).format(groups=spec.groups, channels=c, seen=c // spec.groups)
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, spec.filters, spec.channels_first),
        weights=tuple(weights),
        formula=formula,
    )


def check_output_padding(spec: ConvTransposeSpec) -> None:
    if spec.output_padding is None:
        return
    for p, s in zip(spec.output_padding, spec.strides, strict=True):
        if p >= s:
            raise SpecError(
                ("output_padding",),
                _(
                    "each output_padding must be smaller than the stride on its axis; received "
                    "output_padding={padding} with strides={strides}"
                ).format(padding=list(spec.output_padding), strides=list(spec.strides)),
            )


@analyses(Conv1DTransposeSpec, Conv2DTransposeSpec, Conv3DTransposeSpec)
def conv_transpose(spec: ConvTransposeSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    check_strides_vs_dilation(spec.strides, spec.dilation_rate)
    check_output_padding(spec)
    spatial, c = input_channels(spec, input_shape)
    paddings = spec.output_padding or (None,) * spec.rank
    out = tuple(
        transpose_output_length(n, k, s, spec.padding, p, d)
        for n, k, s, p, d in zip(
            spatial, spec.kernel_size, spec.strides, paddings, spec.dilation_rate, strict=True
        )
    )
    if any(o is not None and o <= 0 for o in out):
        # Only 'same' with an explicit output_padding can do this: (1 − 1)·s + K mod 2 + 0.
        raise SpecError(
            ("output_padding",),
            _(
                "with padding 'same', kernel {kernel} and output_padding={padding}, the {input} "
                "input gives an empty {output} output; use output_padding ≥ 1 (with strides > "
                "1), an odd kernel or leave output_padding null"
            ).format(
                kernel=by(spec.kernel_size),
                padding=list(spec.output_padding or ()),
                input=by(spatial),
                output=by(out),
            ),
        )
    kernel = weight("kernel", (*spec.kernel_size, spec.filters, c))
    weights, formula = with_bias(spec, kernel)
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, spec.filters, spec.channels_first),
        weights=tuple(weights),
        formula=formula,
    )

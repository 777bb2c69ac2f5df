"""Conv1D/2D/3D and Conv1D/2D/3DTranspose (`keras/src/layers/convolutional/base_conv*.py`).

Convolution: `kernel` is k + (C / groups, F) and `bias` is (F,), so the parameters are
K·(C/g)·F + F with K = ∏k. Output lengths follow `compute_conv_output_shape`.
Transposed convolution: `kernel` is k + (F, C) (filters before channels) and `bias` is (F,):
K·F·C + F. Output lengths follow `_get_output_shape_given_tf_padding`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import StrictBool, StrictFloat, StrictInt

from app.core.activations import check_activation
from app.core.common_help import KERNEL_AND_BIAS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _channels, _weighted
from app.core.formula import dot, num, plus
from app.core.keras_objects import Activation, Constraint, Initializer, Regularizer
from app.core.lora import check_lora, freeze_for_lora, lora_note, lora_weights
from app.core.records import LayerRecord, Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import (
    by,
    check_strides_vs_dilation,
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    prod,
    spatial_layout,
    split_channels,
    transpose_output_length,
)
from app.core.spec_base import (
    DataFormat,
    DefaultSizes,
    Dim,
    Padding,
    PaddingSizes,
    Sizes,
    _SpatialSpec,
    size_default,
)
from app.core.translation import N_
from app.core.translation import gettext as _


class _ConvBase(_SpatialSpec):
    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = size_default(1)
    if TYPE_CHECKING:
        # What code reading any conv spec may find: Conv1D adds "causal" (`Conv1DSpec`).
        padding: Padding | Literal["causal"] = "valid"
    else:
        padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = size_default(1)
    activation: Activation = None
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    kernel_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    bias_constraint: Constraint = None


class _ConvSpec(_ConvBase):
    """`keras.layers.Conv{1,2,3}D`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    groups: Dim = 1
    lora_rank: Dim | None = None
    lora_alpha: StrictFloat | StrictInt | None = None


class Conv1DSpec(_ConvSpec):
    type: Literal["Conv1D"]
    rank: ClassVar[int] = 1
    padding: Literal["valid", "same", "causal"] = "valid"


class Conv2DSpec(_ConvSpec):
    type: Literal["Conv2D"]
    rank: ClassVar[int] = 2


class Conv3DSpec(_ConvSpec):
    type: Literal["Conv3D"]
    rank: ClassVar[int] = 3


class _ConvTransposeSpec(_ConvBase):
    """`keras.layers.Conv{1,2,3}DTranspose`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate", "output_padding")

    output_padding: PaddingSizes | None = None


class Conv1DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv1DTranspose"]
    rank: ClassVar[int] = 1


class Conv2DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv2DTranspose"]
    rank: ClassVar[int] = 2


class Conv3DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv3DTranspose"]
    rank: ClassVar[int] = 3


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


def conv_costs(spec: Conv2DSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out, k = elements(record.output_shape), prod(spec.kernel_size)
    c = _channels(record.input_shape, spec) // spec.groups
    return _weighted(spec, record, n_out * c * k, "N_out·(C/g)·K", [n_out, c, k])


def conv_transpose_costs(
    spec: Conv2DTransposeSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in, k = elements(record.input_shape), prod(spec.kernel_size)
    return _weighted(spec, record, n_in * k * spec.filters, "N_in·K·F", [n_in, k, spec.filters])


# Help per editor control (app/argument_help.py), English; the page translates it.
_SHARED_HELP = {
    **layer_help(),
    **KERNEL_AND_BIAS,
    "kernel_size": N_("Convolution window per spatial axis, e.g. 3 or 3,3."),
    "data_format": N_(
        "Where the channels axis is: channels_last (default, ..., C) or channels_first (C, ...)."
    ),
    "activation": N_("Applied to the convolution's output (default none: linear)."),
    "use_bias": N_("Adds one bias per filter."),
}
_CONV_HELP = {
    **_SHARED_HELP,
    "filters": N_(
        "Output channels of the convolution: its kernel holds window volume × C ÷ groups × "
        "filters weights."
    ),
    "strides": N_("Step of the window per axis; the output shrinks by about this factor."),
    "padding": N_(
        "valid: no zeros, the output shrinks by (kernel − 1) × dilation; same: output = input "
        "÷ strides, rounded up."
    ),
    "dilation_rate": N_(
        "Spacing between kernel taps: a wider view with the same weights; needs strides of 1."
    ),
    "groups": N_(
        "Channel groups: each group convolves C ÷ groups input channels into filters ÷ groups "
        "outputs, so the kernel is groups times smaller."
    ),
    "lora_rank": N_(
        "LoRA rank r: freezes the kernel and adds trainable lora_kernel_a "
        "(window × C ÷ groups × r) and lora_kernel_b (r × filters); empty: no LoRA."
    ),
    "lora_alpha": N_(
        "LoRA scale: the low-rank update is multiplied by lora_alpha ÷ r (empty: r, a scale of "
        "1); no effect on counts."
    ),
}
_TRANSPOSE_HELP = {
    **_SHARED_HELP,
    "filters": N_(
        "Output channels of the transposed convolution: its kernel holds window volume × C × "
        "filters weights."
    ),
    "strides": N_("Upsampling factor per axis: the output grows by about this factor."),
    "padding": N_(
        "same: output = input × strides; valid: output = (input − 1) × strides + the larger of "
        "the (dilated) kernel and strides."
    ),
    "dilation_rate": N_("Spacing between kernel taps of the transposed convolution."),
    "output_padding": N_(
        "Extra size at one end of the output per axis, less than strides; empty: Keras derives "
        "it from padding."
    ),
}
HELP: dict[str, dict[str, str]] = {
    "Conv1D": {
        **_CONV_HELP,
        "padding": N_(
            "valid: no zeros, the output shrinks; same: output = input ÷ strides, rounded up; "
            "causal: zeros on the left only, so no step sees the future."
        ),
    },
    "Conv2D": _CONV_HELP,
    "Conv3D": _CONV_HELP,
    "Conv1DTranspose": _TRANSPOSE_HELP,
    "Conv2DTranspose": _TRANSPOSE_HELP,
    "Conv3DTranspose": _TRANSPOSE_HELP,
}


FAMILY = LayerFamily(
    name="Convolution",
    specs=(
        Conv1DSpec,
        Conv2DSpec,
        Conv3DSpec,
        Conv1DTransposeSpec,
        Conv2DTransposeSpec,
        Conv3DTransposeSpec,
    ),
    analysers=(
        ((Conv1DSpec, Conv2DSpec, Conv3DSpec), conv),
        ((Conv1DTransposeSpec, Conv2DTransposeSpec, Conv3DTransposeSpec), conv_transpose),
    ),
    costs=(
        ((Conv1DSpec, Conv2DSpec, Conv3DSpec), conv_costs),
        ((Conv1DTransposeSpec, Conv2DTransposeSpec, Conv3DTransposeSpec), conv_transpose_costs),
    ),
    editor=EditorHints(
        primary=frozenset(
            {
                "filters",
                "kernel_size",
                "strides",
                "padding",
                "data_format",
                "dilation_rate",
                "groups",
                "output_padding",
                "use_bias",
                "activation",
            }
        ),
        new_values={"filters": 32, "kernel_size": 3},
    ),
    help=HELP,
)

"""DepthwiseConv1D/2D and SeparableConv1D/2D (`keras/src/layers/convolutional/
base_depthwise_conv.py`, `base_separable_conv.py`).

Depthwise: each of the C input channels gets its own `depth_multiplier` (M) filters;
`kernel` is k + (C, M) and `bias` (M·C,): K·C·M + M·C parameters, M·C output channels.
Separable: a depthwise convolution, then a 1×1 convolution to F filters without anything in
between; `depthwise_kernel` k + (C, M), `pointwise_kernel` (1,)·rank + (M·C, F), `bias` (F,):
K·C·M + M·C·F + F. Output lengths follow `compute_conv_output_shape` ('causal' is refused).

Unlike Conv, neither layer refuses strides > 1 with dilation > 1: Keras builds and runs it.

Costs (one sample): depthwise MACs = N_out·K (each output value reads K taps of one channel);
separable MACs = P_out·M·C·(K + F) (depthwise, then pointwise over its M·C-channel result).
Bias and activation add one FLOP per output element each. Saved for backward: the input, the
separable layer's depthwise result (the pointwise convolution's input), the output if activated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import StrictBool

from app.core.activations import check_activation
from app.core.common_help import layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _channels, _weighted
from app.core.formula import dot, num, plus
from app.core.keras_objects import Activation, Constraint, Initializer, Regularizer
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import (
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    prod,
    spatial_layout,
    split_channels,
)
from app.core.spec_base import (
    DataFormat,
    DefaultSizes,
    Dim,
    Padding,
    Sizes,
    _SpatialSpec,
    size_default,
)
from app.core.translation import N_
from app.core.translation import gettext as _

# ---- Depthwise and separable convolutions, zero padding, cropping, group normalisation ----


class _DepthwiseBase(_SpatialSpec):
    """`keras.layers.DepthwiseConv{1,2}D` (`base_depthwise_conv.py`): no 'causal' padding, no
    `groups`; `depth_multiplier` filters per input channel. Fields in Keras's order."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    kernel_size: Sizes
    strides: DefaultSizes = size_default(1)
    padding: Padding = "valid"
    depth_multiplier: Dim = 1
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = size_default(1)
    activation: Activation = None
    use_bias: StrictBool = True
    depthwise_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    depthwise_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    depthwise_constraint: Constraint = None
    bias_constraint: Constraint = None


class DepthwiseConv1DSpec(_DepthwiseBase):
    type: Literal["DepthwiseConv1D"]
    rank: ClassVar[int] = 1


class DepthwiseConv2DSpec(_DepthwiseBase):
    type: Literal["DepthwiseConv2D"]
    rank: ClassVar[int] = 2


class _SeparableBase(_SpatialSpec):
    """`keras.layers.SeparableConv{1,2}D` (`base_separable_conv.py`): a depthwise convolution,
    then a 1×1 one to `filters`. Fields in Keras's order."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = size_default(1)
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = size_default(1)
    depth_multiplier: Dim = 1
    activation: Activation = None
    use_bias: StrictBool = True
    depthwise_initializer: Initializer = "glorot_uniform"
    pointwise_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    depthwise_regularizer: Regularizer = None
    pointwise_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    depthwise_constraint: Constraint = None
    pointwise_constraint: Constraint = None
    bias_constraint: Constraint = None


class SeparableConv1DSpec(_SeparableBase):
    type: Literal["SeparableConv1D"]
    rank: ClassVar[int] = 1


class SeparableConv2DSpec(_SeparableBase):
    type: Literal["SeparableConv2D"]
    rank: ClassVar[int] = 2


DepthwiseSpec = DepthwiseConv1DSpec | DepthwiseConv2DSpec
SeparableSpec = SeparableConv1DSpec | SeparableConv2DSpec


def _grid(spec: DepthwiseSpec | SeparableSpec, input_shape: Shape) -> tuple[Shape, int]:
    """(output spatial sizes, input channels C) for an input of exactly rank + 2 dimensions."""
    check_activation(spec.activation)
    expect_ndim(
        input_shape, spec.rank + 2, spec.type, spatial_layout(spec.rank, spec.channels_first)
    )
    spatial, channels = split_channels(input_shape, spec.channels_first)
    c = known_channels(channels, spec.type, input_shape)
    out = conv_output_spatial(
        spatial, spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
    )
    return out, c


def depthwise_conv(spec: DepthwiseSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    out, c = _grid(spec, input_shape)
    m = spec.depth_multiplier
    weights = [weight("kernel", (*spec.kernel_size, c, m))]
    if spec.use_bias:
        weights.append(weight("bias", (m * c,)))
    total = sum(w.count for w in weights)
    terms = plus([dot(weights[0].shape), dot([m, c]) if spec.use_bias else ""])
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, m * c, spec.channels_first),
        weights=tuple(weights),
        formula=f"{terms} = {num(total)} "
        + _("(each of the {channels} channels × depth_multiplier {multiplier})").format(
            channels=c, multiplier=m
        ),
    )


def separable_conv(spec: SeparableSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    out, c = _grid(spec, input_shape)
    m, f = spec.depth_multiplier, spec.filters
    weights = [
        weight("depthwise_kernel", (*spec.kernel_size, c, m)),
        weight("pointwise_kernel", (*(1,) * spec.rank, m * c, f)),
    ]
    if spec.use_bias:
        weights.append(weight("bias", (f,)))
    total = sum(w.count for w in weights)
    terms = plus(
        [
            _("depthwise {params}").format(params=dot(weights[0].shape)),
            _("pointwise {params}").format(params=dot([m * c, f])),
            str(f) if spec.use_bias else "",
        ]
    )
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, f, spec.channels_first),
        weights=tuple(weights),
        formula=f"{terms} = {num(total)}",
    )


def depthwise_costs(spec: DepthwiseSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out, k = elements(record.output_shape), prod(spec.kernel_size)
    return _weighted(spec, record, n_out * k, "N_out·K", [n_out, k])


def separable_costs(spec: SeparableSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """The depthwise pass and the pointwise one; the depthwise result is also saved."""
    mc = spec.depth_multiplier * _channels(record.input_shape, spec)
    p_out = elements(record.output_shape) // spec.filters
    k, f = prod(spec.kernel_size), spec.filters
    facts = _weighted(spec, record, p_out * mc * (k + f), "P_out·M·C·(K + F)", [p_out, mc])
    depthwise = p_out * mc
    facts.saved += depthwise
    facts.working += depthwise
    facts.texts = _with_depthwise(facts.texts, p_out, mc, k, f, depthwise)
    return facts


def _with_depthwise(
    texts: Callable[[], tuple[str, str, str]], p_out: int, mc: int, k: int, f: int, saved: int
) -> Callable[[], tuple[str, str, str]]:
    """The plain conv texts, with the MACs split into their two passes and the depthwise
    result added to what is saved; still written only when read."""

    def written() -> tuple[str, str, str]:
        _mac, flop, kept = texts()
        macs = p_out * mc * (k + f)
        return (
            f"P_out·M·C·(K + F) = {dot([p_out, mc])}·({k} + {f}) = {num(macs)} "
            + _("(depthwise {depthwise} + pointwise {pointwise})").format(
                depthwise=num(p_out * mc * k), pointwise=num(p_out * mc * f)
            ),
            flop,
            _("{kept} + depthwise result {values}").format(kept=kept, values=num(saved)),
        )

    return written


# Help per editor control (app/argument_help.py), English; the page translates it.
_DEPTHWISE_PART = {
    **layer_help(),
    "kernel_size": N_("Window of the depthwise convolution per spatial axis, e.g. 3 or 3,3."),
    "strides": N_(
        "Step of the depthwise window per axis; the output shrinks by about this factor."
    ),
    "padding": N_(
        "valid: no zeros, the output shrinks by (kernel − 1) × dilation; same: output = input "
        "÷ strides, rounded up."
    ),
    "data_format": N_(
        "Where the channels axis is: channels_last (default, ..., C) or channels_first (C, ...)."
    ),
    "dilation_rate": N_("Spacing between the depthwise kernel's taps; needs strides of 1."),
    "bias_initializer": N_("Starting values of the bias (default zeros); no effect on counts."),
    "depthwise_initializer": N_(
        "How the depthwise kernel starts (default glorot_uniform); no effect on counts."
    ),
    "depthwise_regularizer": N_("Penalty on the depthwise kernel added to the loss."),
    "bias_regularizer": N_("Penalty on the bias added to the loss; no effect on counts."),
    "activity_regularizer": N_(
        "Penalty on the layer's output added to the loss; no effect on counts."
    ),
    "depthwise_constraint": N_("Projection applied to the depthwise kernel after each update."),
    "bias_constraint": N_("Projection applied to the bias after each update; no effect on counts."),
}
_DEPTHWISE_HELP = {
    **_DEPTHWISE_PART,
    "depth_multiplier": N_(
        "Filters per input channel: output channels = C × depth_multiplier, each from its own "
        "channel only."
    ),
    "activation": N_("Applied to the depthwise output (default none: linear)."),
    "use_bias": N_("Adds one bias per output channel (C × depth_multiplier)."),
}
_SEPARABLE_HELP = {
    **_DEPTHWISE_PART,
    "filters": N_(
        "Output channels of the pointwise 1×1 convolution that mixes the depthwise result."
    ),
    "depth_multiplier": N_(
        "Depthwise filters per input channel: the pointwise convolution receives "
        "C × depth_multiplier channels."
    ),
    "activation": N_("Applied after the pointwise convolution (default none: linear)."),
    "use_bias": N_("Adds one bias per filter, after the pointwise convolution."),
    "pointwise_initializer": N_(
        "How the pointwise 1×1 kernel starts (default glorot_uniform); no effect on counts."
    ),
    "pointwise_regularizer": N_("Penalty on the pointwise kernel added to the loss."),
    "pointwise_constraint": N_("Projection applied to the pointwise kernel after each update."),
}
HELP: dict[str, dict[str, str]] = {
    "DepthwiseConv1D": _DEPTHWISE_HELP,
    "DepthwiseConv2D": _DEPTHWISE_HELP,
    "SeparableConv1D": _SEPARABLE_HELP,
    "SeparableConv2D": _SEPARABLE_HELP,
}


FAMILY = LayerFamily(
    name="Depthwise and separable convolution",
    specs=(
        DepthwiseConv1DSpec,
        DepthwiseConv2DSpec,
        SeparableConv1DSpec,
        SeparableConv2DSpec,
    ),
    analysers=(
        ((DepthwiseConv1DSpec, DepthwiseConv2DSpec), depthwise_conv),
        ((SeparableConv1DSpec, SeparableConv2DSpec), separable_conv),
    ),
    costs=(
        ((DepthwiseConv1DSpec, DepthwiseConv2DSpec), depthwise_costs),
        ((SeparableConv1DSpec, SeparableConv2DSpec), separable_costs),
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
                "depth_multiplier",
                "use_bias",
                "activation",
            }
        ),
        new_values={"filters": 32, "kernel_size": 3},
    ),
    help=HELP,
)

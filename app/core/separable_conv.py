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

from app.core.activations import check_activation
from app.core.costs import CostContext, CostFacts, counts, elements
from app.core.family_costs import _weighted
from app.core.formula import dot, num, plus
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import (
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    prod,
    spatial_layout,
    split_channels,
)
from app.core.translation import gettext as _
from app.schema import (
    DepthwiseConv1DSpec,
    DepthwiseConv2DSpec,
    SeparableConv1DSpec,
    SeparableConv2DSpec,
)

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


@analyses(DepthwiseConv1DSpec, DepthwiseConv2DSpec)
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


@analyses(SeparableConv1DSpec, SeparableConv2DSpec)
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


@counts(DepthwiseConv1DSpec, DepthwiseConv2DSpec)
def depthwise_costs(spec: DepthwiseSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out, k = elements(record.output_shape), prod(spec.kernel_size)
    return _weighted(spec, record, n_out * k, "N_out·K", [n_out, k])


@counts(SeparableConv1DSpec, SeparableConv2DSpec)
def separable_costs(spec: SeparableSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """The depthwise pass and the pointwise one; the depthwise result is also saved."""
    shape = record.input_shape
    mc = spec.depth_multiplier * (shape[1] if spec.channels_first else shape[-1])  # type: ignore[operator]
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

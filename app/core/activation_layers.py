"""ReLU, LeakyReLU, ELU, Softmax and PReLU (`keras/src/layers/activations/`).

All keep the input's shape. Only PReLU has weights: `alpha`, one slope per element of a sample,
shape input_shape[1:] with every axis in `shared_axes` set to 1. Keras sets them with
`param_shape[i - 1] = 1`, so an axis counts from 1 (0 and negative values index from the end,
as Python lists do) and one outside the sample's axes is refused; an axis that is not shared
must have a known size.

Costs: one FLOP per element for the activation (as `Activation`); PReLU adds the product with
alpha (2 per element). An activation keeps its output for backward; PReLU keeps its input (the
gradient of alpha needs it).
"""

from __future__ import annotations

from app.core.costs import CostContext, CostFacts, counts, elements
from app.core.errors import SpecError
from app.core.family_costs import _elementwise
from app.core.formula import dot, num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import show
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import ELUSpec, LayerSpecBase, LeakyReLUSpec, PReLUSpec, ReLUSpec, SoftmaxSpec


@analyses(ReLUSpec, LeakyReLUSpec, ELUSpec)
def elementwise_activation(spec: LayerSpecBase, input_shape: Shape, namer: Namer) -> LayerFacts:
    # Their arguments are checked by the schema as Keras's constructors check them.
    return LayerFacts(output_shape=input_shape)


@analyses(SoftmaxSpec)
def softmax(spec: SoftmaxSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    """Keras builds any `axis` (its output shape is the input's) but the first call fails on
    an axis the input lacks; we refuse that at once."""
    rank = len(input_shape)
    for axis in spec.axis if isinstance(spec.axis, list) else [spec.axis]:
        if not -rank <= axis < rank:
            raise SpecError(
                ("axis",),
                _(
                    "axis {axis} does not exist in the input {shape}, whose axes are "
                    "{first}..{last} (0 is the batch axis); Keras would fail on the first call"
                ).format(axis=axis, shape=show(input_shape), first=-rank, last=rank - 1),
            )
    return LayerFacts(output_shape=input_shape)


def shared_axes(spec: PReLUSpec) -> list[int]:
    """Keras's normalisation: None → none, an int → [int], a list as given."""
    if spec.shared_axes is None:
        return []
    return [spec.shared_axes] if isinstance(spec.shared_axes, int) else list(spec.shared_axes)


@analyses(PReLUSpec)
def prelu(spec: PReLUSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    alpha: list[int | None] = list(input_shape[1:])
    n = len(alpha)
    for axis in shared_axes(spec):
        if not -n <= axis - 1 < n:
            raise SpecError(
                ("shared_axes",),
                _(
                    "shared axis {axis} is not an axis of a sample of {shape}; use 1..{last} (1 "
                    "is the first axis after the batch axis)"
                ).format(axis=axis, shape=show(input_shape), last=n),
            )
        alpha[axis - 1] = 1
    if None in alpha:
        raise SpecError(
            ("input",),
            _(
                "PReLU learns one slope per element, so every axis it does not share needs a "
                "known size; received {shape} (list the unknown axes in shared_axes)"
            ).format(shape=show(input_shape)),
        )
    shape = tuple(alpha)  # type: ignore[arg-type]
    count = 1
    for size in shape:
        count *= size  # type: ignore[operator]
    return LayerFacts(
        output_shape=input_shape,
        weights=(weight("alpha", shape),),  # type: ignore[arg-type]
        formula=f"{dot(shape)} = {num(count)}",  # type: ignore[arg-type]
    )


@counts(ReLUSpec, LeakyReLUSpec, ELUSpec, SoftmaxSpec)
def activation_layer_costs(
    spec: LayerSpecBase, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_out = elements(record.output_shape)
    return _elementwise(
        record, 1, N_("one per element"), n_out, _("output {output}").format(output=num(n_out))
    )


@counts(PReLUSpec)
def prelu_costs(spec: PReLUSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    return _elementwise(
        record,
        2,
        N_("activation + product with alpha per element"),
        n_in,
        _("input {input}").format(input=num(n_in)),
    )

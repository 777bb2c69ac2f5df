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

from typing import Annotated, Any, Literal

from pydantic import Field, StrictFloat, StrictInt, model_validator

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.formula import dot, num
from app.core.keras_objects import Constraint, Initializer, Regularizer
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import known, prod, show
from app.core.spec_base import LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _

# --- Activation layers (`keras/src/layers/activations/`) -------------------------------------

NonNegative = Annotated[StrictFloat | StrictInt, Field(ge=0)]


class ReLUSpec(LayerSpecBase):
    type: Literal["ReLU"]
    max_value: NonNegative | None = None
    negative_slope: NonNegative = 0.0
    threshold: NonNegative = 0.0


class LeakyReLUSpec(LayerSpecBase):
    """`keras.layers.LeakyReLU`; Keras 3 still takes the deprecated `alpha` for
    `negative_slope` (and keeps only `negative_slope` in its config), so do we."""

    type: Literal["LeakyReLU"]
    negative_slope: NonNegative = 0.3

    @model_validator(mode="before")
    @classmethod
    def _legacy_alpha(cls, data: Any) -> Any:
        if isinstance(data, dict) and "alpha" in data:
            # As Keras: `alpha` wins over `negative_slope`, None included (then refused).
            data = {**data}
            data["negative_slope"] = data.pop("alpha")
        return data


class ELUSpec(LayerSpecBase):
    type: Literal["ELU"]
    alpha: StrictFloat | StrictInt = 1.0


class SoftmaxSpec(LayerSpecBase):
    type: Literal["Softmax"]
    axis: StrictInt | list[StrictInt] = -1


class PReLUSpec(LayerSpecBase):
    """`keras.layers.PReLU`: one trainable slope per input element, except along
    `shared_axes` (1-based, as Keras indexes them)."""

    type: Literal["PReLU"]
    alpha_initializer: Initializer = "Zeros"
    alpha_regularizer: Regularizer = None
    alpha_constraint: Constraint = None
    shared_axes: StrictInt | list[StrictInt] | None = None


def elementwise_activation(spec: LayerSpecBase, input_shape: Shape, namer: Namer) -> LayerFacts:
    # Their arguments are checked by the schema as Keras's constructors check them.
    return LayerFacts(output_shape=input_shape)


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
    shape = known(alpha)
    count = prod(shape)
    return LayerFacts(
        output_shape=input_shape,
        weights=(weight("alpha", shape),),
        formula=f"{dot(shape)} = {num(count)}",
    )


def activation_layer_costs(
    spec: LayerSpecBase, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_out = elements(record.output_shape)
    return _elementwise(
        record, 1, N_("one per element"), n_out, _("output {output}").format(output=num(n_out))
    )


def prelu_costs(spec: PReLUSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    return _elementwise(
        record,
        2,
        N_("activation + product with alpha per element"),
        n_in,
        _("input {input}").format(input=num(n_in)),
    )


# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "ReLU": {
        **layer_help(NO_WEIGHTS),
        "max_value": N_("Upper limit of the output; empty for none."),
        "negative_slope": N_("Slope for inputs below the threshold."),
        "threshold": N_("Inputs below it are damped (default 0)."),
    },
    "LeakyReLU": {
        **layer_help(NO_WEIGHTS),
        "negative_slope": N_("Slope for negative inputs: x × negative_slope (default 0.3)."),
    },
    "ELU": {
        **layer_help(NO_WEIGHTS),
        "alpha": N_("Scale of the negative part: alpha × (exp(x) − 1) for x below 0 (default 1)."),
    },
    "Softmax": {
        **layer_help(NO_WEIGHTS),
        "axis": N_("Axis (or axes) over which the outputs sum to 1 (default -1, the last)."),
    },
    "PReLU": {
        **layer_help(),
        "shared_axes": N_(
            "Axes (from 1) that share one slope; every other axis gets a slope per element."
        ),
        "alpha_initializer": N_(
            "Starting values of the learned slopes (default zeros: starts as ReLU); no effect "
            "on counts."
        ),
        "alpha_regularizer": N_("Penalty on the learned slopes added to the loss."),
        "alpha_constraint": N_("Projection applied to the learned slopes after each update."),
    },
}


FAMILY = LayerFamily(
    name="Activation layers",
    specs=(
        ReLUSpec,
        LeakyReLUSpec,
        ELUSpec,
        SoftmaxSpec,
        PReLUSpec,
    ),
    analysers=(
        ((ReLUSpec, LeakyReLUSpec, ELUSpec), elementwise_activation),
        ((SoftmaxSpec,), softmax),
        ((PReLUSpec,), prelu),
    ),
    costs=(
        ((ReLUSpec, LeakyReLUSpec, ELUSpec, SoftmaxSpec), activation_layer_costs),
        ((PReLUSpec,), prelu_costs),
    ),
    editor=EditorHints(primary=frozenset({"axis", "shared_axes"})),
    help=HELP,
)

"""Dense and Activation (`keras/src/layers/core/dense.py`, `activations/activation.py`).

Dense acts on the last axis only: `kernel` is (C, units) and `bias` (units,), C·U + U
parameters, whatever the other axes. With `lora_rank` r, Keras 3.15.1 builds the full kernel,
freezes it, and adds trainable `lora_kernel_a` (C, r) and `lora_kernel_b` (r, U) (see lora.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictBool, StrictFloat, StrictInt

from app.core.activations import check_activation
from app.core.common_help import KERNEL_AND_BIAS, NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise, _nonlinear, _weighted
from app.core.formula import dot, num, plus
from app.core.keras_objects import Activation, Constraint, Initializer, Regularizer
from app.core.lora import check_lora, freeze_for_lora, lora_note, lora_weights
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import known_channels
from app.core.spec_base import Dim, LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _


class DenseSpec(LayerSpecBase):
    type: Literal["Dense"]
    units: Dim
    activation: Activation = None
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    kernel_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    bias_constraint: Constraint = None
    lora_rank: Dim | None = None
    lora_alpha: StrictFloat | StrictInt | None = None
    quantization_config: None = None


class ActivationSpec(LayerSpecBase):
    type: Literal["Activation"]
    activation: Activation


def dense(spec: DenseSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    check_lora(spec)
    c = known_channels(input_shape[-1], spec.type, input_shape)
    u = spec.units
    kernel = weight("kernel", (c, u))
    weights = [freeze_for_lora(kernel, spec.lora_rank)]
    if spec.use_bias:
        weights.append(weight("bias", (u,)))
    factors = lora_weights(kernel, spec.lora_rank)
    weights += factors
    terms = plus([dot([c, u]), str(u) if spec.use_bias else ""])
    base = c * u + (u if spec.use_bias else 0)
    formula = f"{terms} = {num(base)}{lora_note(kernel, factors, base)}"
    return LayerFacts(
        output_shape=(*input_shape[:-1], u),
        weights=tuple(weights),
        formula=formula,
    )


def activation(spec: ActivationSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    return LayerFacts(output_shape=input_shape)


def dense_costs(spec: DenseSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    return _weighted(spec, record, n_in * spec.units, "N_in·units", [n_in, spec.units])


def activation_costs(spec: ActivationSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out = elements(record.output_shape)
    per = 1 if _nonlinear(spec.activation) else 0
    return _elementwise(
        record,
        per,
        N_("one per element"),
        n_out * per,
        _("output {output}").format(output=num(n_out * per)),
    )


# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "Dense": {
        **layer_help(),
        **KERNEL_AND_BIAS,
        "units": N_(
            "Output size: the kernel is last input axis × units, applied at every other position."
        ),
        "activation": N_("Applied to the output (default none: linear)."),
        "use_bias": N_("Adds one bias per unit."),
        "lora_rank": N_(
            "LoRA rank r: freezes the kernel and adds trainable lora_kernel_a (input × r) and "
            "lora_kernel_b (r × units); empty: no LoRA."
        ),
        "lora_alpha": N_(
            "LoRA scale: the low-rank update is multiplied by lora_alpha ÷ r (empty: r, a scale "
            "of 1); no effect on counts."
        ),
    },
    "Activation": {
        **layer_help(NO_WEIGHTS),
        "activation": N_(
            "The function applied to every element, e.g. relu, sigmoid, tanh, softmax."
        ),
    },
}


FAMILY = LayerFamily(
    name="Dense and Activation",
    specs=(
        DenseSpec,
        ActivationSpec,
    ),
    analysers=(((DenseSpec,), dense), ((ActivationSpec,), activation)),
    costs=(((DenseSpec,), dense_costs), ((ActivationSpec,), activation_costs)),
    editor=EditorHints(
        primary=frozenset({"units", "activation", "use_bias"}),
        new_values={"units": 64, "activation": "relu"},
    ),
    help=HELP,
)

"""Dense and Activation (`keras/src/layers/core/dense.py`, `activations/activation.py`).

Dense acts on the last axis only: `kernel` is (C, units) and `bias` (units,), C·U + U
parameters, whatever the other axes. With `lora_rank` r, Keras 3.15.1 builds the full kernel,
freezes it, and adds trainable `lora_kernel_a` (C, r) and `lora_kernel_b` (r, U).
"""

from __future__ import annotations

from app.core.activations import check_activation
from app.core.errors import SpecError
from app.core.formula import dot, num, plus
from app.core.records import Shape
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import known_channels
from app.schema import ActivationSpec, DenseSpec


@analyses(DenseSpec)
def dense(spec: DenseSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    if spec.lora_rank is not None and spec.kernel_constraint is not None:
        raise SpecError(
            ("lora_rank",),
            "LoRA cannot be combined with a kernel_constraint (Keras refuses it); "
            f"received lora_rank={spec.lora_rank} and kernel_constraint="
            f"{spec.kernel_constraint!r}: remove one of them",
        )
    c = known_channels(input_shape[-1], spec.type, input_shape)
    u, r = spec.units, spec.lora_rank
    weights = [weight("kernel", (c, u), trainable=r is None)]
    if spec.use_bias:
        weights.append(weight("bias", (u,)))
    if r is not None:
        weights += [weight("lora_kernel_a", (c, r)), weight("lora_kernel_b", (r, u))]
    terms = [dot([c, u]), str(u) if spec.use_bias else ""]
    total = sum(w.count for w in weights)
    if r is None:
        formula = f"{plus(terms)} = {num(total)}"
    else:
        trained = [str(u) if spec.use_bias else "", dot([c, r]), dot([r, u])]
        formula = (
            f"{plus([*terms, dot([c, r]), dot([r, u])])} = {num(total)} "
            f"(LoRA freezes the {num(c * u)}-weight kernel; trainable: {plus(trained)} = "
            f"{num(total - c * u)})"
        )
    return LayerFacts(
        output_shape=(*input_shape[:-1], u),
        weights=tuple(weights),
        formula=formula,
    )


@analyses(ActivationSpec)
def activation(spec: ActivationSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_activation(spec.activation)
    return LayerFacts(output_shape=input_shape)

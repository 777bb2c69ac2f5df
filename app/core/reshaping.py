"""Flatten and Reshape (`keras/src/layers/reshaping/`): no weights, only shapes.

Flatten: (batch, ∏ other sizes), unknown if any size is. Reshape: `target_shape` must hold
exactly the values of one sample (`compute_reshape_output_shape`); one -1 is inferred.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, field_validator

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import known, show
from app.core.spec_base import MAX_DIM, MAX_RANK, DataFormat, LayerSpecBase, _lower
from app.core.translation import N_
from app.core.translation import gettext as _


class FlattenSpec(LayerSpecBase):
    type: Literal["Flatten"]
    data_format: DataFormat | None = None

    @field_validator("data_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return _lower(value)


class ReshapeSpec(LayerSpecBase):
    """`keras.layers.Reshape`: one entry of `target_shape` may be -1 (inferred)."""

    type: Literal["Reshape"]
    target_shape: list[Annotated[StrictInt, Field(ge=-1, le=MAX_DIM)]] = Field(
        min_length=1, max_length=MAX_RANK
    )


def flatten(spec: FlattenSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    # data_format only reorders the values (channels_first moves channels last first).
    rest = input_shape[1:]
    size = None if None in rest else math.prod(known(rest))
    return LayerFacts(output_shape=(input_shape[0], size))


def divisors(n: int, limit: int = 12) -> str:
    found = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    found = sorted({*found, *(n // d for d in found)})
    return ", ".join(map(str, found[:limit])) + (", ..." if len(found) > limit else "")


def reshape(spec: ReshapeSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    target = list(spec.target_shape)
    if target.count(-1) > 1:
        raise SpecError(
            ("target_shape",),
            _(
                "target_shape {target} has {count} entries of -1; at most one size can be inferred"
            ).format(target=target, count=target.count(-1)),
        )
    if 0 in target:
        raise SpecError(
            ("target_shape",),
            _(
                "target_shape {target} has a 0, which would make an empty tensor; use positive "
                "sizes (and -1 for one size to infer)"
            ).format(target=target),
        )
    rest = input_shape[1:]
    if None in rest:
        # Keras cannot check the size then; -1 stays unknown.
        return LayerFacts(output_shape=(input_shape[0], *(None if d == -1 else d for d in target)))
    size = math.prod(known(rest))
    fixed = math.prod(d for d in target if d != -1)
    if -1 not in target:
        if fixed != size:
            raise SpecError(
                ("target_shape",),
                _(
                    "target_shape {target} holds {known} values, but each sample of {shape} has "
                    "{size}; use sizes whose product is {size}, or -1 for one of them"
                ).format(target=target, known=num(fixed), shape=show(input_shape), size=num(size)),
            )
        return LayerFacts(output_shape=(input_shape[0], *target))
    if size % fixed:
        raise SpecError(
            ("target_shape",),
            _(
                "target_shape {target}: the {size} values of each sample of {shape} do not "
                "divide by {known}, the product of the fixed sizes; make that product one of "
                "{divisors}"
            ).format(
                target=target,
                size=num(size),
                shape=show(input_shape),
                known=num(fixed),
                divisors=divisors(size),
            ),
        )
    return LayerFacts(
        output_shape=(input_shape[0], *(size // fixed if d == -1 else d for d in target))
    )


def reshaping_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    return _elementwise(record, 0, N_("a view of the same values"))


FAMILY_SPECS = (
    FlattenSpec,
    ReshapeSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "Flatten": {
        **layer_help(NO_WEIGHTS),
        "data_format": N_(
            "channels_first: the input is first transposed to channels-last order, so the flat "
            "vector is ordered as for channels_last."
        ),
    },
    "Reshape": {
        **layer_help(NO_WEIGHTS),
        "target_shape": N_("Shape without the batch axis; one entry may be -1."),
    },
}


FAMILY = LayerFamily(
    name="Flatten and Reshape",
    specs=FAMILY_SPECS,
    analysers=(((FlattenSpec,), flatten), ((ReshapeSpec,), reshape)),
    costs=((FAMILY_SPECS, reshaping_costs),),
    editor=EditorHints(
        primary=frozenset({"target_shape", "data_format"}),
        new_values={"target_shape": [-1]},
        list_arguments=frozenset({"target_shape"}),
    ),
    help=HELP,
)

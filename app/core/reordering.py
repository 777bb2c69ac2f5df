"""Permute and RepeatVector (`keras/src/layers/reshaping/{permute,repeat_vector}.py`): no
weights, only shapes.

Permute: `dims` is a permutation of 1..k for a (batch, k axes) input; output axis j is input
axis dims[j]. RepeatVector: (batch, features) → (batch, n, features).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import expect_ndim
from app.core.spec_base import MAX_RANK, Dim, LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _

# --- Axis reordering (`keras.layers.{Permute,RepeatVector}`) ----------------------------------


class PermuteSpec(LayerSpecBase):
    """`keras.layers.Permute`: `dims` reorders the axes after the batch axis (1-based)."""

    type: Literal["Permute"]
    dims: tuple[StrictInt, ...] = Field(max_length=MAX_RANK)


class RepeatVectorSpec(LayerSpecBase):
    """`keras.layers.RepeatVector`: (batch, features) → (batch, n, features)."""

    type: Literal["RepeatVector"]
    n: Dim


def permute(spec: PermuteSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    dims = list(spec.dims)
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise SpecError(
            ("dims",),
            _(
                "dims {dims} is not a permutation of 1..{count}: each axis after the batch axis "
                "must appear once, counted from 1"
            ).format(dims=dims, count=len(dims)),
        )
    expect_ndim(
        input_shape,
        len(dims) + 1,
        spec.type,
        _("(batch, {count} axes), one per entry of dims").format(count=len(dims)),
    )
    return LayerFacts(output_shape=(input_shape[0], *(input_shape[d] for d in dims)))


def repeat_vector(spec: RepeatVectorSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    expect_ndim(input_shape, 2, spec.type, "(batch, features)")
    return LayerFacts(output_shape=(input_shape[0], spec.n, input_shape[1]))


def reordering_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    return _elementwise(record, 0, N_("a copy of the same values in another order"))


FAMILY_SPECS = (
    PermuteSpec,
    RepeatVectorSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "Permute": {
        **layer_help(NO_WEIGHTS),
        "dims": N_("New order of the axes after the batch axis, counted from 1 (e.g. 2,1)."),
    },
    "RepeatVector": {
        **layer_help(NO_WEIGHTS),
        "n": N_("How many times the input vector is repeated."),
    },
}


FAMILY = LayerFamily(
    name="Permute and RepeatVector",
    specs=FAMILY_SPECS,
    analysers=(((PermuteSpec,), permute), ((RepeatVectorSpec,), repeat_vector)),
    costs=((FAMILY_SPECS, reordering_costs),),
    editor=EditorHints(
        primary=frozenset({"dims", "n"}),
        new_values={"dims": [2, 1], "n": 2},
        list_arguments=frozenset({"dims"}),
    ),
    help=HELP,
)

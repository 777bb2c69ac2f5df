"""Permute and RepeatVector (`keras/src/layers/reshaping/{permute,repeat_vector}.py`): no
weights, only shapes.

Permute: `dims` is a permutation of 1..k for a (batch, k axes) input; output axis j is input
axis dims[j]. RepeatVector: (batch, features) → (batch, n, features).
"""

from __future__ import annotations

from app.core.costs import CostContext, CostFacts, counts
from app.core.errors import SpecError
from app.core.family_costs import _elementwise
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, analyses
from app.core.shapes import expect_ndim
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import LayerSpecBase, PermuteSpec, RepeatVectorSpec


@analyses(PermuteSpec)
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


@analyses(RepeatVectorSpec)
def repeat_vector(spec: RepeatVectorSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    expect_ndim(input_shape, 2, spec.type, "(batch, features)")
    return LayerFacts(output_shape=(input_shape[0], spec.n, input_shape[1]))


@counts(PermuteSpec, RepeatVectorSpec)
def reordering_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    return _elementwise(record, 0, N_("a copy of the same values in another order"))

"""Merge layers (`keras/src/layers/merging/`): Concatenate and the element-wise merges.

They take a list of tensors and own no weights. `Concatenate` joins its inputs along `axis`: every
other axis must agree (`None` agrees with anything). `Add`, `Subtract`, `Multiply`, `Average`,
`Maximum` and `Minimum` broadcast their inputs like NumPy, axis by axis from the right
(`Merge._compute_elemwise_op_output_shape`); `Subtract` takes exactly two.

Costs: concatenation is a copy (0 FLOPs); an element-wise merge of n inputs is (n − 1) binary
operations per output element, plus one multiplication by 1/n for `Average`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import StrictInt

from app.core.common_help import NO_WEIGHTS, SEVERAL_INPUTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import known, show
from app.core.spec_base import LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _


class ConcatenateSpec(LayerSpecBase):
    """`keras.layers.Concatenate`: joins its inputs along `axis`."""

    type: Literal["Concatenate"]
    axis: StrictInt = -1


class AddSpec(LayerSpecBase):
    """`keras.layers.Add` (and the other element-wise merges below): inputs broadcast."""

    type: Literal["Add"]


class SubtractSpec(LayerSpecBase):
    type: Literal["Subtract"]


class MultiplySpec(LayerSpecBase):
    type: Literal["Multiply"]


class AverageSpec(LayerSpecBase):
    type: Literal["Average"]


class MaximumSpec(LayerSpecBase):
    type: Literal["Maximum"]


class MinimumSpec(LayerSpecBase):
    type: Literal["Minimum"]


ELEMENTWISE = (AddSpec, SubtractSpec, MultiplySpec, AverageSpec, MaximumSpec, MinimumSpec)
MERGES = (ConcatenateSpec, *ELEMENTWISE)


def _shapes(spec: LayerSpecBase, received: Shape | list[Shape]) -> list[Shape]:
    if not isinstance(received, list):
        raise SpecError(
            ("inputs",),
            _(
                "{type} merges a list of tensors; received one tensor {shape}: give `inputs` "
                "as a list"
            ).format(type=spec.type, shape=show(received)),
        )
    return received


def _batch(shapes: list[Shape]) -> int | None:
    sizes = {s[0] for s in shapes} - {None}
    if len(sizes) > 1:
        raise SpecError(
            ("inputs",),
            _("cannot merge tensors with different batch sizes; received {shapes}").format(
                shapes=", ".join(show(s) for s in shapes)
            ),
        )
    return sizes.pop() if sizes else None


def broadcast(a: Shape, b: Shape) -> Shape:
    """Two per-sample shapes broadcast from the right (`None` wins over any size)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise SpecError(
                ("inputs",),
                _(
                    "inputs have incompatible shapes {a} and {b}: element-wise merges need "
                    "equal sizes (or 1) on every axis from the right"
                ).format(a=show(a), b=show(b)),
            )
        else:
            out.append(i)
    return tuple(out)


def elementwise(spec: LayerSpecBase, received: Shape | list[Shape], namer: Namer) -> LayerFacts:
    shapes = _shapes(spec, received)
    if isinstance(spec, SubtractSpec) and len(shapes) != 2:
        raise SpecError(
            ("inputs",),
            _("Subtract takes exactly 2 inputs; received {count}").format(count=len(shapes)),
        )
    batch = _batch(shapes)
    out = shapes[0][1:]
    for shape in shapes[1:]:
        out = broadcast(out, shape[1:])
    return LayerFacts(output_shape=(batch, *out))


def concatenate(spec: ConcatenateSpec, received: Shape | list[Shape], namer: Namer) -> LayerFacts:
    shapes = _shapes(spec, received)
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        raise SpecError(
            ("inputs",),
            _("Concatenate needs inputs of one rank; received {shapes}").format(
                shapes=", ".join(show(s) for s in shapes)
            ),
        )
    rank = ranks.pop()
    if not -rank <= spec.axis < rank:
        raise SpecError(
            ("axis",),
            _("axis {axis} is out of range for {rank}-D inputs {shape}").format(
                axis=spec.axis, rank=rank, shape=show(shapes[0])
            ),
        )
    axis = spec.axis % rank
    if axis == 0:
        raise SpecError(("axis",), _("Concatenate cannot join along the batch axis (axis 0)"))
    for position in range(1, rank):
        if position == axis:
            continue
        sizes = {s[position] for s in shapes} - {None}
        if len(sizes) > 1:
            first = next(s for s in shapes if s[position] is not None)
            other = next(s for s in shapes if s[position] not in (None, first[position]))
            raise SpecError(
                ("inputs",),
                _(
                    "Concatenate joins along axis {axis} ({given}), so every other axis must "
                    "match; axis {position} differs: {first} has {first_size}, {other} has "
                    "{other_size}. Resize one input so that axis {position} is {first_size} for "
                    "both (pooling or upsampling), or concatenate along axis {position}"
                ).format(
                    axis=axis,
                    given=spec.axis,
                    position=position,
                    first=show(first),
                    first_size=first[position],
                    other=show(other),
                    other_size=other[position],
                ),
            )
    joined = [s[axis] for s in shapes]
    out = list(shapes[0])
    out[axis] = None if None in joined else sum(known(joined))
    # The batch axis is the first input's, whatever the others say (Keras's
    # `Concatenate.compute_output_shape`), unlike the element-wise merges.
    return LayerFacts(output_shape=tuple(out))


def merge_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    """Per sample, once: (n − 1) operations per output element (+1 for Average's 1/n)."""
    n = len(record.input_shape) if isinstance(record.input_shape, list) else 1
    out, inputs = elements(record.output_shape), elements(record.input_shape)
    if isinstance(spec, ConcatenateSpec):
        operations = 0
        rule = _("a copy: 0 FLOPs")
    else:
        per_element = n - 1 + (1 if isinstance(spec, AverageSpec) else 0)
        operations = per_element * out
        rule = _("{per} operation(s) × {outputs} output elements = {flops}").format(
            per=per_element, outputs=num(out), flops=num(operations)
        )

    def texts() -> tuple[str, str, str]:
        return (
            _("0 (no weights)"),
            _("element-wise: {rule}").format(rule=rule),
            _("nothing saved for {type}").format(type=spec.type)
            if isinstance(spec, ConcatenateSpec)
            else _("inputs kept for the backward pass: {values}").format(values=num(inputs)),
        )

    saved = 0 if isinstance(spec, (ConcatenateSpec, AddSpec, SubtractSpec, AverageSpec)) else inputs
    return CostFacts(
        macs=0,
        elementwise=operations,
        saved=saved,
        working=inputs + out,
        moved=inputs + out,
        texts=texts,
    )


FAMILY_SPECS = (
    ConcatenateSpec,
    AddSpec,
    SubtractSpec,
    MultiplySpec,
    AverageSpec,
    MaximumSpec,
    MinimumSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
_ELEMENTWISE_HELP = layer_help(NO_WEIGHTS, inputs=SEVERAL_INPUTS)
HELP: dict[str, dict[str, str]] = {
    "Concatenate": {
        **_ELEMENTWISE_HELP,
        "axis": N_(
            "Axis along which the inputs are joined (default -1, the last); the other axes must "
            "match."
        ),
    },
    "Add": _ELEMENTWISE_HELP,
    "Subtract": layer_help(
        NO_WEIGHTS,
        inputs=N_(
            "Graph models: exactly two tensors, the first minus the second, e.g. a, b "
            "(layer[call][output])."
        ),
    ),
    "Multiply": _ELEMENTWISE_HELP,
    "Average": _ELEMENTWISE_HELP,
    "Maximum": _ELEMENTWISE_HELP,
    "Minimum": _ELEMENTWISE_HELP,
}


FAMILY = LayerFamily(
    name="Merging",
    specs=FAMILY_SPECS,
    analysers=((ELEMENTWISE, elementwise), ((ConcatenateSpec,), concatenate)),
    costs=((FAMILY_SPECS, merge_costs),),
    editor=EditorHints(primary=frozenset({"axis"})),
    help=HELP,
)

"""A `keras.Sequential` used as a layer (`keras/src/models/sequential.py`).

Its layers run in turn on what it is called on; its weights are theirs, in order, and Keras's
summary shows the nested model as one row with their sum. Its layers take their automatic names
from the same counter as the outer model's, before the nested model's own (`sequential`), as
they are built first. A Sequential that knows its input builds a `Functional` inside, which takes
the name `functional`: an outer functional model is then `functional_1`.

Costs: the sum of its layers' counts for the whole sequence, reported as one step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from app.core.common_help import layer_help
from app.core.costs import CostContext, CostFacts, cost_facts
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import single
from app.core.spec_base import MAX_LAYERS, LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _

if TYPE_CHECKING:
    # The union of every family's specs: `app.schema` builds it and resolves the name.
    from app.schema import LayerSpec


class SequentialSpec(LayerSpecBase):
    """A `keras.Sequential` used as a layer (a nested model): its layers run in turn on what it
    is called on; Keras's summary shows it as one row with all their parameters."""

    type: Literal["Sequential"]
    layers: list[LayerSpec] = Field(min_length=1, max_length=MAX_LAYERS)


def _records(spec: SequentialSpec, input_shape: Shape, namer: Namer) -> tuple[LayerRecord, ...]:
    # Imported here: the model walker imports every layer family, this one included.
    from app.core.model import analyse_layers

    try:
        return analyse_layers(input_shape, spec.layers, namer)
    except SpecError as error:
        if error.loc[:1] == ("input_shape",):
            raise SpecError(("input",), error.msg) from None
        raise


def nested_sequential(spec: SequentialSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    records = _records(spec, input_shape, namer)
    namer.auto("functional")  # the Functional that Keras builds inside it
    counted = [r for r in records if r.params]
    total = sum(r.params for r in counted)
    formula = _("its layers' parameters: {terms} = {total}").format(
        terms=" + ".join(f"{num(r.params)} ({r.name})" for r in counted) or _("none"),
        total=num(total),
    )
    return LayerFacts(
        output_shape=records[-1].output_shape,
        weights=tuple(w for r in records for w in r.weights),
        formula=formula,
    )


def nested_costs(spec: SequentialSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """Σ over its layers of (per-step count × steps), as one step; the working set is the
    largest of its layers'."""
    records = _records(spec, single(record.input_shape), Namer())
    facts = [cost_facts(s, r, context) for s, r in zip(spec.layers, records, strict=True)]
    macs = sum(f.macs * f.steps for f in facts)
    elementwise = sum(f.elementwise * f.steps + f.elementwise_once for f in facts)
    saved = sum(f.saved * f.steps + f.saved_once for f in facts)

    def texts() -> tuple[str, str, str]:
        names = ", ".join(r.name for r in records)
        return (
            _("Σ over its layers ({names}): {macs}").format(names=names, macs=num(macs)),
            _("2 × {macs} + element-wise {elementwise} = {flops}").format(
                macs=num(macs), elementwise=num(elementwise), flops=num(2 * macs + elementwise)
            ),
            _("Σ over its layers: {values}").format(values=num(saved)),
        )

    return CostFacts(
        macs=macs,
        elementwise=elementwise,
        saved=saved,
        working=max(f.working for f in facts),
        moved=sum(f.moved * f.steps for f in facts),
        bias_adds=sum(f.bias_adds * f.steps for f in facts),
        recurrent=any(f.recurrent for f in facts),
        texts=texts,
    )


FAMILY_SPECS = (SequentialSpec,)
# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "Sequential": {
        **layer_help(N_("false freezes the weights of every nested layer.")),
        "layers": N_("The nested model's layers, as a JSON list of layer specs."),
    },
}


FAMILY = LayerFamily(
    name="Nested Sequential",
    specs=FAMILY_SPECS,
    analysers=((FAMILY_SPECS, nested_sequential),),
    costs=((FAMILY_SPECS, nested_costs),),
    editor=EditorHints(
        new_by_type={"Sequential": {"layers": [{"type": "Dense", "units": 64}]}},
        layer_arguments=frozenset({"layers"}),
    ),
    help=HELP,
)

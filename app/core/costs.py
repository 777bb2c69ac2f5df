"""Compute costs of one layer: the counting rules' dispatch and the record they fill.

What counts (the full rules are in `docs/costs.md`):

- A MAC is one multiply-accumulate of a convolution or a matrix product, multiplications with
  padding zeros included (frameworks compute them).
- FLOPs = 2 × MACs + element-wise FLOPs: every bias add, sum of two tensors, activation
  evaluation and Hadamard product is one FLOP per element.
- The backward pass is estimated as twice the forward matrix work (2 × 2·MACs: one product for
  the gradient of the input, one for the gradient of the weights); training = forward + backward.
- Saved elements are the tensors a layer keeps for backpropagation (through time), per sample.

Each layer family's module names its rules in its `FAMILY` (`app.core.families`). A rule gets
the layer's spec, its record from a walk with concrete sizes, and the context, and returns
`CostFacts` for one sample and one step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from gettext import NullTranslations
from typing import TYPE_CHECKING

from app.core.conventions import Convention
from app.core.formula import num
from app.core.records import CostTexts, Deferred, LayerCosts, LayerRecord, Shape, Size, ToolCount
from app.core.shapes import known, prod
from app.core.spec_base import LayerSpecBase
from app.core.translation import current
from app.core.translation import gettext as _

if TYPE_CHECKING:
    from app.core.family import CostRule


@dataclass(slots=True)
class CostContext:
    """What the counting rules need besides the layer: the request's settings."""

    steps_known: bool = True
    batch_size: int = 1
    bytes_per_value: int = 4
    convention: Convention = "keras"


@dataclass(slots=True)
class CostFacts:
    """One layer's counts for ONE sample and ONE step (the whole layer when `steps == 1`).

    `elementwise` includes `bias_adds`. `saved_once` and `elementwise_once` happen once per
    sequence (a peephole's initial cell state, a Bidirectional merge of final outputs).
    `working` is the peak number of live elements while the layer runs (inference); `moved`
    the activation elements a step reads and writes (the latency estimate's memory traffic).
    `texts` writes the derivations only when someone reads them (`records.Deferred`).
    """

    macs: int
    elementwise: int
    saved: int
    working: int
    texts: Callable[[], tuple[str, str, str]]  # (MAC, FLOP, saved) derivations, when read
    moved: int = 0
    steps: int = 1
    bias_adds: int = 0
    saved_once: int = 0
    elementwise_once: int = 0
    recurrent: bool = False


# Cached per spec class: an import statement per layer was ~10 % of a deep model's walk.
@cache
def rule_of(spec: type[LayerSpecBase]) -> CostRule | None:
    """The cost rule of `spec`'s family, if it has one."""
    # Imported here: the families import the modules that import this one.
    from app.core.families import cost_rule

    return cost_rule(spec)


def has_rule(spec: LayerSpecBase) -> bool:
    return rule_of(type(spec)) is not None


def cost_facts(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    rule = rule_of(type(spec))
    if rule is None:
        raise LookupError(f"no cost rule for {type(spec).__name__}")
    return rule(spec, record, context)


def elements(shape: Shape | list[Shape]) -> int:
    """Elements of one sample of a tensor (all outputs of a multi-output layer)."""
    if isinstance(shape, list):
        return sum(elements(s) for s in shape)
    return prod(known(shape[1:]))


def layer_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> LayerCosts:
    """The record of one layer's costs; totals are per-step counts × steps."""
    facts = cost_facts(spec, record, context)
    macs_per_step, elementwise_per_step = facts.macs, facts.elementwise
    flops_per_step = 2 * macs_per_step + elementwise_per_step
    steps = facts.steps if context.steps_known else None
    macs = elementwise = flops = backward = training = saved = None
    if steps is not None:
        macs = macs_per_step * steps
        elementwise = elementwise_per_step * steps + facts.elementwise_once
        flops = 2 * macs + elementwise
        backward = 2 * 2 * macs
        training = flops + backward
        saved = facts.saved * steps + facts.saved_once
    return LayerCosts(
        steps=steps,
        macs_per_step=macs_per_step,
        elementwise_flops_per_step=elementwise_per_step,
        flops_per_step=flops_per_step,
        macs=macs,
        elementwise_flops=elementwise,
        flops=flops,
        backward_flops=backward,
        training_flops=training,
        saved_elements_per_step=facts.saved,
        saved_elements=saved,
        saved=None
        if saved is None
        else Size(bytes=saved * context.batch_size * context.bytes_per_value),
        working_elements=facts.working,
        moved_elements_per_step=facts.moved,
        texts=Deferred(written, facts, steps),
    )


def written(facts: CostFacts, steps: int | None) -> CostTexts:
    """The derivations and the other tools' counts, for `LayerCosts`' computed fields."""
    mac, flop, saved = facts.texts()
    return CostTexts(
        mac_formula=mac,
        flop_formula=flop,
        saved_formula=saved,
        other_tools=other_tools(facts, steps),
    )


def keras_counts_nothing() -> ToolCount:
    """The same for every layer: one shared record per language."""
    return _keras_counts_nothing(current())


@lru_cache(maxsize=8)
def _keras_counts_nothing(language: NullTranslations) -> ToolCount:
    return ToolCount(
        tool="Keras",
        reports=None,
        unit=language.gettext("nothing"),
        why=language.gettext(
            "model.summary() reports parameters only; keras-flops (TF profiler) does not "
            "support ConvLSTM2D."
        ),
    )


def other_tools(facts: CostFacts, steps: int | None) -> tuple[ToolCount, ...]:
    """What popular counters report for this layer over the sequence, and why they differ."""
    if steps is None:
        return ()
    macs, bias = facts.macs * steps, facts.bias_adds * steps
    rest = (facts.elementwise - facts.bias_adds) * steps + facts.elementwise_once
    ours = 2 * macs + facts.elementwise * steps + facts.elementwise_once
    hidden = (
        _(
            " A PyTorch ConvLSTM is a module you write yourself; counters see its convolutions, "
            "not the gate arithmetic between them."
        )
        if facts.recurrent
        else ""
    )
    return (
        ToolCount(
            tool="torch.utils.flop_counter",
            reports=2 * macs,
            unit="FLOPs",
            why=_(
                "2 FLOPs per MAC of convolutions and matrix products only; bias adds, sums, "
                "activations and Hadamard products ({flops} of our FLOPs) are not counted."
            ).format(flops=num(ours - 2 * macs))
            + hidden,
        ),
        ToolCount(
            tool="ptflops",
            reports=macs + bias,
            unit="MACs",
            why=_(
                "multiply-accumulates of conv and linear modules plus one per output element "
                "for the bias ({bias}); element-wise work between modules ({flops} FLOPs here) "
                "is invisible to its module hooks, and a MAC is not 2 FLOPs to it."
            ).format(bias=num(bias), flops=num(rest))
            + hidden,
        ),
        ToolCount(
            tool="thop",
            reports=macs,
            unit=_('MACs (often printed as "FLOPs")'),
            why=_(
                "multiply-accumulates of conv and linear modules; current versions no longer "
                "add the bias (older ones added one per output element); element-wise work "
                "between modules is invisible to its hooks."
            )
            + hidden,
        ),
        ToolCount(
            tool="fvcore",
            reports=macs,
            unit=_('"flops" (= MACs)'),
            why=_(
                "counts one fused multiply-add as one flop, so its flops are our MACs; "
                "element-wise operators are skipped (with a warning) unless given handles."
            ),
        ),
        keras_counts_nothing(),
    )

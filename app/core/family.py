"""What one layer family is: its spec classes, the functions that analyse and count them, and
what the page's editor and help text need to know about them.

A family is one module in `app/core/` that ends with `FAMILY = LayerFamily(...)`; the tuple
`app.core.families.FAMILIES` lists them all, and every lookup (which analyser, which cost rule,
which editor hints for a type) is built from that tuple, never from import side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.core.costs import CostFacts
from app.core.registry import LayerFacts
from app.core.spec_base import LayerSpecBase

# `fn(spec, input_shape, namer) -> LayerFacts`; each family types `spec` as its own class, so
# the spec argument is left open here (a Callable's parameters are contravariant).
Analyser = Callable[..., LayerFacts]
# `fn(spec, record, context) -> CostFacts`, for one sample and one step.
CostRule = Callable[..., CostFacts]
SpecType = type[LayerSpecBase]
F = TypeVar("F")
# Which function serves which spec classes: ((specs, fn), ...).
Rules = tuple[tuple[tuple[SpecType, ...], F], ...]


@dataclass(frozen=True, slots=True)
class EditorHints:
    """What the page's editor needs beyond the spec's fields.

    `primary`: arguments that change shapes or costs, shown as controls of their own (the rest
    sit under "more"; required arguments are always primary).
    `new_values`: JSON values a new layer gives the arguments Keras requires (1 when absent).
    `new_by_type`: arguments a new layer of one type starts with, required or not (a wrapper's
    inner layer, a ConvLSTM's padding).
    `list_arguments`: arguments that stay a list even of one value (`dims=[1]`).
    `layer_arguments`: arguments that hold layers, edited as their JSON.
    `hidden`: arguments the editor leaves out.
    `stacks`: a layer of this family added after one of the same family that returns only its
    last step asks that one for the whole sequence (`return_sequences=true`).
    """

    primary: frozenset[str] = frozenset()
    new_values: Mapping[str, Any] = field(default_factory=dict)
    new_by_type: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    list_arguments: frozenset[str] = frozenset()
    layer_arguments: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    stacks: bool = False


@dataclass(frozen=True, slots=True)
class LayerFamily:
    """One family of Keras layer classes and everything the app knows about them.

    `help` maps each of its layer types to its arguments' help: argument → the English text, a
    gettext msgid (the page translates it).
    """

    name: str
    specs: tuple[SpecType, ...]
    analysers: Rules[Analyser]
    costs: Rules[CostRule]
    editor: EditorHints = EditorHints()
    help: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def analyser(self, spec: SpecType) -> Analyser | None:
        return _find(self.analysers, spec)

    def cost_rule(self, spec: SpecType) -> CostRule | None:
        return _find(self.costs, spec)


def _find(rules: Rules[F], spec: SpecType) -> F | None:
    for specs, fn in rules:
        if spec in specs:
            return fn
    return None


def type_name(spec: SpecType) -> str:
    """The Keras class name a spec class stands for (its `type` literal)."""
    annotation = spec.model_fields["type"].annotation
    name = getattr(annotation, "__args__", (None,))[0]
    if not isinstance(name, str):
        raise TypeError(f"{spec.__name__}.type is not a Literal of one class name")
    return name

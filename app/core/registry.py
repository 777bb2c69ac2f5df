"""Which function analyses which layer spec, and what such a function returns."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import TypeVar

from app.core.records import Deferred, GateRecord, LayerRecord, Shape, WeightRecord
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import LayerSpecBase

# The formula of a layer without weights, translated where the record is made.
NO_WEIGHTS = N_("no weights: 0")


@dataclass(slots=True)
class LayerFacts:
    """What a layer family computes from its spec and input shape."""

    output_shape: Shape | list[Shape]
    weights: tuple[WeightRecord, ...] = ()
    formula: str | Deferred[str] = NO_WEIGHTS
    gates: tuple[GateRecord, ...] | Deferred[tuple[GateRecord, ...]] | None = None
    inner: LayerRecord | None = None


class Namer:
    """Keras's automatic names: snake_case of the class, `_1`, `_2`, ... on repeats."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def name(self, spec: LayerSpecBase) -> str:
        if spec.name is not None:
            return spec.name
        return self.auto(snake_case(spec.type))  # type: ignore[attr-defined]

    def auto(self, prefix: str) -> str:
        """The next automatic name with this prefix (`input_layer`, `input_layer_1`, ...)."""
        count = self._counts.get(prefix, 0)
        self._counts[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"


# Cached: only the supported class names reach it, and three regex passes per layer were ~15 %
# of analysing a deep model (bench/core_speed.py).
@cache
def snake_case(class_name: str) -> str:
    """`keras.src.utils.naming.to_snake_case`: ConvLSTM2D → conv_lstm2d."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


Analyser = Callable[..., LayerFacts]
S = TypeVar("S", bound=LayerSpecBase)
_ANALYSERS: dict[type[LayerSpecBase], Analyser] = {}


def analyses(*spec_types: type[LayerSpecBase]) -> Callable[[Analyser], Analyser]:
    """Register `fn(spec, input_shape, namer) -> LayerFacts` for these spec classes."""

    def register(fn: Analyser) -> Analyser:
        for spec_type in spec_types:
            _ANALYSERS[spec_type] = fn
        return fn

    return register


def analysed_types() -> tuple[type[LayerSpecBase], ...]:
    """The spec classes some family has registered an analyser for."""
    return tuple(_ANALYSERS)


def analyse(spec: LayerSpecBase, input_shape: Shape, namer: Namer, index: int) -> LayerRecord:
    """One layer's record. Wrapped layers are named before their wrapper, as Keras does."""
    facts = _ANALYSERS[type(spec)](spec, input_shape, namer)
    weights = facts.weights
    if not spec.trainable:
        weights = tuple(replace(w, trainable=False) for w in weights)
    total = trainable = 0
    for w in weights:
        total += w.count
        if w.trainable:
            trainable += w.count
    return LayerRecord(
        index=index,
        name=namer.name(spec),
        type=spec.type,  # type: ignore[attr-defined]
        input_shape=input_shape,
        output_shape=facts.output_shape,
        params=total,
        trainable_params=trainable,
        non_trainable_params=total - trainable,
        weights=weights,
        gate_split=facts.gates,
        derivation=_(NO_WEIGHTS) if facts.formula is NO_WEIGHTS else facts.formula,
        layer=facts.inner,
    )


def weight(name: str, shape: tuple[int, ...], trainable: bool = True) -> WeightRecord:
    return WeightRecord(name=name, shape=shape, count=math.prod(shape), trainable=trainable)

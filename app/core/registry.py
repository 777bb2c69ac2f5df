"""What analysing a layer spec returns, Keras's automatic names, and the walk's dispatch to the
analyser of a spec's family (`app.core.families`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from app.core.records import Deferred, GateRecord, LayerRecord, Shape, WeightRecord
from app.core.spec_base import LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _

if TYPE_CHECKING:
    from app.core.family import Analyser

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
        return self.auto(snake_case(spec.type))

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


# Cached per spec class: an import statement per layer was ~10 % of a deep model's walk.
@cache
def analyser_of(spec: type[LayerSpecBase]) -> Analyser:
    """The analyser of `spec`'s family (a LookupError names a spec no family analyses)."""
    # Imported here: the families import the modules that import this one.
    from app.core.families import analyser

    return analyser(spec)


def analyse(
    spec: LayerSpecBase, input_shape: Shape | list[Shape], namer: Namer, index: int
) -> LayerRecord:
    """One layer's record. Wrapped layers are named before their wrapper, as Keras does."""
    facts = analyser_of(type(spec))(spec, input_shape, namer)
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
        type=spec.type,
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

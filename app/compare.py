"""Compare two models: a pinned model "A" beside the model being edited, "B".

A travels with B in the page's URL and form as B's own fields under the prefix `a.`
(`a.input_shape=…&a.layers.0.type=…`): the same vocabulary, so the editor parses A as it
parses B. The comparison itself is arithmetic on two `ModelSummary`s: B − A and B ÷ A for the
totals, and for each pair of layers that correspond (same name, else same position among the
layers whose names do not match).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app import editor, presentation
from app.core.records import LayerRecord, ModelSummary
from app.core.units import readable_seconds
from app.editor import ModelDraft

PREFIX = "a."


def pinned_fields(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A's fields, prefix removed, from a query or form."""
    return [(key[len(PREFIX) :], value) for key, value in items if key.startswith(PREFIX)]


def pinned_draft(items: Iterable[tuple[str, str]]) -> ModelDraft | None:
    """The pinned model "A" of a query or form, or None when nothing is pinned."""
    return editor.draft_from_fields(pinned_fields(items))


def pin_items(draft: ModelDraft) -> list[tuple[str, str]]:
    """A's fields as the URL and the form carry them: B's vocabulary under `a.`."""
    return [(PREFIX + key, value) for key, value in editor.query_items(draft)]


@dataclass(frozen=True)
class Row:
    """One quantity of A and B: their values, B − A and B ÷ A (None where undefined)."""

    key: str
    a: float | None
    b: float | None

    @property
    def difference(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def ratio(self) -> float | None:
        if self.a is None or self.b is None or self.a == 0:
            return None
        return self.b / self.a


@dataclass(frozen=True)
class LayerPair:
    """Two layers that correspond, or one without a partner (`a` or `b` is None)."""

    a: LayerRecord | None
    b: LayerRecord | None
    by_name: bool

    @property
    def params(self) -> Row:
        return Row("params", _get(self.a, "params"), _get(self.b, "params"))

    @property
    def macs(self) -> Row:
        return Row("macs", _macs(self.a), _macs(self.b))


def _get(record: LayerRecord | None, name: str) -> float | None:
    return None if record is None else getattr(record, name)


def _macs(record: LayerRecord | None) -> float | None:
    return None if record is None or record.costs is None else record.costs.macs


def _totals(summary: ModelSummary) -> dict[str, float | None]:
    costs, memory, latency = summary.costs, summary.memory, summary.latency
    return {
        "params": summary.total_params,
        "trainable": summary.trainable_params,
        "weights_bytes": summary.total_bytes,
        "macs": costs.macs if costs else None,
        "flops": costs.flops if costs else None,
        "training_flops": costs.training_flops if costs else None,
        "memory_training": memory.training.bytes if memory and memory.training else None,
        "memory_inference": memory.inference.bytes if memory else None,
        "latency": latency.seconds if latency else None,
    }


def total_rows(a: ModelSummary, b: ModelSummary) -> tuple[Row, ...]:
    """Totals side by side: params, bytes of weights, MACs, FLOPs, memory and latency."""
    first, second = _totals(a), _totals(b)
    return tuple(Row(key, first[key], second[key]) for key in first)


def layer_pairs(a: ModelSummary, b: ModelSummary) -> tuple[LayerPair, ...]:
    """Layers of B in order, each with its partner in A: the layer of the same name if A has
    one, else the next unmatched layer of A at the same position among the unmatched. A's
    layers left over close the list. Names are unique per model (Keras requires it), but a
    shared layer has one record per call, so a name is matched call by call."""

    def key(record: LayerRecord) -> tuple[str, int]:
        return record.name, record.node_index or 0

    a_keys = {key(r): r for r in a.layers}
    b_keys = {key(r) for r in b.layers}
    a_rest = [r for r in a.layers if key(r) not in b_keys]
    pairs: list[LayerPair] = []
    for record in b.layers:
        if key(record) in a_keys:
            pairs.append(LayerPair(a_keys[key(record)], record, True))
        elif a_rest:
            pairs.append(LayerPair(a_rest.pop(0), record, False))
        else:
            pairs.append(LayerPair(None, record, False))
    pairs += [LayerPair(r, None, False) for r in a_rest]
    return tuple(pairs)


@dataclass(frozen=True)
class Comparison:
    """What the page shows of A and B."""

    a: ModelSummary
    b: ModelSummary
    totals: tuple[Row, ...]
    layers: tuple[LayerPair, ...]


def compare(a: ModelSummary, b: ModelSummary) -> Comparison:
    return Comparison(a, b, total_rows(a, b), layer_pairs(a, b))


# ---- how the page writes them ----------------------------------------------------------------

BYTE_KEYS = frozenset({"weights_bytes", "memory_training", "memory_inference"})
SECOND_KEYS = frozenset({"latency"})


def amount(key: str, value: float | None, locale: str) -> str:
    """A value of row `key` in its unit: a count, a Keras-style size or a time; `—` if unknown."""
    if value is None:
        return "—"
    if key in BYTE_KEYS:
        return presentation.keras_size(int(value), locale)
    if key in SECOND_KEYS:
        return readable_seconds(value)
    return presentation.count(int(value), locale)


def difference(row: Row, locale: str) -> str:
    """B − A with its sign: `+12,340`, `−1.20 MB`, `0`."""
    change = row.difference
    if change is None:
        return "—"
    if change == 0:
        return "0"
    sign = "+" if change > 0 else "−"
    return sign + amount(row.key, abs(change), locale)


def ratio(row: Row) -> str:
    """B ÷ A as `×1.25` (three significant figures); `—` when A is 0 or unknown."""
    value = row.ratio
    return "—" if value is None else f"×{value:.3g}"

"""Per-layer and per-model result records: the JSON of `/summary` and the page's data.

Every total is a plain sum over the per-layer records, never a correction.

A record stores the numbers every total depends on. What is written from them (byte sizes,
seconds, memory rules, the derivations, what other tools would report, a ConvLSTM's split of
its kernels into gates) is a computed field: pydantic writes it into the JSON and its schema,
templates read it like any attribute, and nothing pays for it until it is read (`Deferred`).
`/sweep` runs dozens of summaries and reads none of it; `bench/core_speed.py` times the core
alone and with its JSON.

Records are stdlib dataclasses with slots, built by the core from its own arithmetic (inputs were
validated at the edge): building ~70 validated pydantic models was half of analysing the seed
model (`bench/core_speed.py`). pydantic still owns their JSON and JSON Schema, through a
`TypeAdapter` per class (`dump_json`, `load_json`); `tests/test_core_records.py` checks that
validating a summary's JSON gives back the same summary. Records are not frozen (a frozen
dataclass's `__init__` is four times slower); nothing changes a record once the walk returns it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from pydantic import Field, GetCoreSchemaHandler, TypeAdapter, computed_field
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import CoreSchema, core_schema

from app.core.translation import gettext as _
from app.core.units import readable, readable_seconds

Shape = tuple[int | None, ...]
R = TypeVar("R")
T = TypeVar("T")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[R]) -> TypeAdapter[R]:
    """pydantic's (de)serialiser of one record class, built once."""
    # A dict rather than `functools.cache`, whose wrapper mypy types as taking a `Hashable`.
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


def dump_json(
    value: Any, *, indent: int | None = None, exclude: dict[str, Any] | None = None
) -> bytes:
    """The record's JSON, as `/summary` sends it."""
    return adapter(type(value)).dump_json(value, indent=indent, exclude=exclude)


def dump_numbers_json(summary: ModelSummary) -> bytes:
    """The summary's JSON without the texts written from its numbers (`POST /summary?texts=
    false`): no derivations, other tools' counts, memory rules, latency rule or readable sizes
    and times. Those are most of the bytes, and writing them most of the CPU, of a big model."""
    depth = max((_wrapped_depth(r) for r in summary.layers), default=0)
    return dump_json(summary, exclude=_numbers_only(depth))


def _wrapped_depth(record: LayerRecord) -> int:
    depth = 0
    while record.layer is not None:
        record, depth = record.layer, depth + 1
    return depth


_TEXT = {"text": True}


def _numbers_only(depth: int) -> dict[str, Any]:
    """pydantic's `exclude` for the texts of a summary whose wrappers nest `depth` deep."""
    sizes = ("weights", "gradients", "optimizer_state", "activations", "training", "inference")
    return {
        "layers": {"__all__": _layer_texts(depth)},
        "memory": {"rules": True, **dict.fromkeys(sizes, _TEXT)},
        "latency": {"rule": True, "text": True, "layers": {"__all__": _TEXT}},
    }


def _layer_texts(depth: int) -> dict[str, Any]:
    costs = dict.fromkeys(("mac_formula", "flop_formula", "saved_formula", "other_tools"), True)
    texts: dict[str, Any] = {"formula": True, "costs": {**costs, "saved": _TEXT}}
    return {**texts, "layer": _layer_texts(depth - 1)} if depth > 0 else texts


def dump_python(value: Any) -> Any:
    """The record as JSON-ready Python values (dicts, lists, str, int, float, None)."""
    return adapter(type(value)).dump_python(value, mode="json")


def load_json(cls: type[R], data: str | bytes) -> R:
    """A record validated from its JSON (tests and clients; the core never needs it).

    Text written on demand (`Deferred`) is not read back: a loaded record has its numbers.
    """
    return adapter(cls).validate_json(data)


class Deferred(Generic[T]):
    """`make(*args)`, called on first read and then kept: texts and splits only some readers
    want (the JSON, a page), never a number a total depends on."""

    __slots__ = ("_args", "_make", "_value")

    def __init__(self, make: Callable[..., T], *args: Any) -> None:
        self._make: Callable[..., T] | None = make
        self._args = args

    def get(self) -> T:
        if self._make is not None:
            self._value = self._make(*self._args)
            self._make, self._args = None, ()
        return self._value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Only ever in a `Hidden` field, which pydantic neither sends nor reads back.
        return core_schema.any_schema()


# A field only graph models fill: left out of the JSON when it is `None`, so a Sequential
# model's summary keeps exactly the keys it always had.
def graph_only(description: str) -> Any:
    return Field(exclude_if=lambda value: value is None, description=description)


# A field the record keeps for its computed text: neither sent, nor in the schema, nor compared.
# `None` in a record loaded from JSON, which keeps the numbers only.
Hidden = Annotated[SkipJsonSchema[T | None], Field(exclude=True)]


def _written(value: T | None, what: str) -> T:
    """A hidden field's value; a record loaded from JSON has none to write its texts from."""
    if value is None:
        raise AttributeError(f"this record was loaded from JSON: it keeps no {what}")
    return value


@dataclass(slots=True, kw_only=True)
class WeightRecord:
    """One weight tensor, with Keras's name and shape."""

    name: str
    shape: tuple[int, ...]
    count: int
    trainable: bool


@dataclass(slots=True, kw_only=True)
class GateRecord:
    """One ConvLSTM gate: its slice of the input kernel, recurrent kernel and bias."""

    gate: str
    input_kernel: int
    recurrent_kernel: int
    bias: int
    total: int
    peephole: int = 0
    # Gate LayerNorm's γ and β (OpenSTL), not Keras: left out of the JSON when there is none,
    # so every other model's answer keeps the keys it always had.
    normalization: Annotated[int, Field(exclude_if=lambda value: value == 0)] = 0


@dataclass(slots=True, kw_only=True)
class ToolCount:
    """What another tool reports for a layer, in its own unit, and why it differs from ours."""

    tool: str
    reports: int | None
    unit: str
    why: str


@dataclass(slots=True, kw_only=True)
class Size:
    """A number of bytes and the way Keras prints it (`2.84 MB` = bytes / 1024²)."""

    bytes: int

    @computed_field
    @property
    def text(self) -> str:
        return readable(self.bytes)


@dataclass(slots=True, kw_only=True)
class LayerCosts:
    """Compute and memory of one layer (rules in `docs/costs.md`, code in `app/core/costs.py`).

    MACs and FLOPs are for ONE sample, forward pass; `*_per_step` is one time step (the whole
    layer for layers that run once, `steps == 1`). Totals are `None` when the number of time steps
    is unknown. Bytes are for the request's batch size and dtype.
    """

    steps: int | None
    macs_per_step: int
    elementwise_flops_per_step: int
    flops_per_step: int
    macs: int | None
    elementwise_flops: int | None
    flops: int | None
    backward_flops: int | None
    training_flops: int | None
    saved_elements_per_step: int
    saved_elements: int | None
    saved: Size | None
    working_elements: int
    moved_elements_per_step: int
    texts: Hidden[Deferred[CostTexts]] = field(default=None, repr=False, compare=False)

    @computed_field
    @property
    def mac_formula(self) -> str:
        return self._texts().mac_formula

    @computed_field
    @property
    def flop_formula(self) -> str:
        return self._texts().flop_formula

    @computed_field
    @property
    def saved_formula(self) -> str:
        return self._texts().saved_formula

    @computed_field
    @property
    def other_tools(self) -> tuple[ToolCount, ...]:
        return self._texts().other_tools

    def _texts(self) -> CostTexts:
        return _written(self.texts, "cost texts").get()


@dataclass(slots=True, kw_only=True)
class CostTexts:
    """A layer's cost derivations, with this layer's numbers, and what other tools report."""

    mac_formula: str
    flop_formula: str
    saved_formula: str
    other_tools: tuple[ToolCount, ...]


@dataclass(slots=True, kw_only=True)
class LayerRecord:
    """What one layer costs. `output_shape` is a list of shapes for multi-output layers."""

    index: int
    name: str
    type: str
    input_shape: Shape | list[Shape]
    output_shape: Shape | list[Shape]
    params: int
    trainable_params: int
    non_trainable_params: int
    weights: tuple[WeightRecord, ...]
    layer: LayerRecord | None = None
    costs: LayerCosts | None = None
    node_index: Annotated[
        int | None,
        graph_only(
            "Graph models: which call of the layer this is (0 = the call that built its weights; a "
            "shared layer's later calls own no parameters of their own)."
        ),
    ] = None
    connected_to: Annotated[
        tuple[str, ...] | None,
        graph_only(
            "Graph models: the tensors this call received, `layer[node][tensor]`, as Keras's "
            "summary writes them (inputs first, then initial states)."
        ),
    ] = None
    # None, the gates, or Deferred to split the kernels when read.
    gate_split: Hidden[tuple[GateRecord, ...] | Deferred[tuple[GateRecord, ...]]] = field(
        default=None, repr=False, compare=False
    )
    # The formula's text, or Deferred to write it when read.
    derivation: Hidden[str | Deferred[str]] = field(default=None, repr=False, compare=False)

    @computed_field
    @property
    def gates(self) -> tuple[GateRecord, ...] | None:
        """ConvLSTM only: the four gates' shares of the kernels and bias."""
        split = self.gate_split
        return split.get() if isinstance(split, Deferred) else split

    @computed_field
    @property
    def formula(self) -> str:
        """The parameter count's derivation with this layer's numbers."""
        text = self.derivation
        if isinstance(text, Deferred):
            return text.get()
        return _written(text, "formula")


@dataclass(slots=True, kw_only=True)
class ModelCosts:
    """Sums of the layers' costs: per sample (`macs`, ...) and for the batch (`batch_*`)."""

    steps: int | None
    macs: int | None
    elementwise_flops: int | None
    flops: int | None
    backward_flops: int | None
    training_flops: int | None
    batch_size: int
    batch_macs: int | None
    batch_flops: int | None
    batch_training_flops: int | None


@dataclass(slots=True, kw_only=True)
class MemoryReport:
    """Training and inference memory for the request's dtype, batch size and optimizer."""

    dtype: str
    bytes_per_value: int
    batch_size: int
    optimizer: str
    optimizer_slots: int
    weights: Size
    gradients: Size
    optimizer_state: Size
    activations: Size | None
    training: Size | None
    inference: Size
    peak_layer: str

    @computed_field
    @property
    def rules(self) -> tuple[str, ...]:
        b, batch = self.bytes_per_value, self.batch_size
        return (
            _("weights = params × {bytes} B").format(bytes=b),
            _("gradients = trainable params × {bytes} B").format(bytes=b),
            _(
                "optimizer state = {slots} slot(s) × trainable params × {bytes} B ({optimizer})"
            ).format(slots=self.optimizer_slots, bytes=b, optimizer=self.optimizer),
            _("activations = saved elements per sample × batch {batch} × {bytes} B").format(
                batch=batch, bytes=b
            ),
            _("training = weights + gradients + optimizer state + activations"),
            _("inference = weights + largest working set ({layer}) × batch × {bytes} B").format(
                layer=self.peak_layer, bytes=b
            ),
        )


@dataclass(slots=True, kw_only=True)
class LayerLatency:
    name: str
    steps: int | None
    compute_seconds_per_step: float
    memory_seconds_per_step: float
    seconds_per_step: float
    bound: str
    seconds: float | None

    @computed_field
    @property
    def text(self) -> str:
        if self.seconds is None:
            return _("{time} per step").format(time=readable_seconds(self.seconds_per_step))
        return readable_seconds(self.seconds)


@dataclass(slots=True, kw_only=True)
class LatencyReport:
    """Roofline estimate of one forward pass over the batch: an estimate, not a measurement."""

    device: str
    label: str
    peak_tflops: float
    bandwidth_gb_s: float
    source: str
    seconds: float | None
    rule: str
    rows: Hidden[Deferred[tuple[LayerLatency, ...]]] = field(
        default=None, repr=False, compare=False
    )

    @computed_field
    @property
    def layers(self) -> tuple[LayerLatency, ...]:
        """Each layer's share of `seconds`."""
        return _written(self.rows, "latency rows").get()

    @computed_field
    @property
    def text(self) -> str:
        if self.seconds is None:
            return _("estimate: unknown (time steps unknown)")
        return _("estimate: {time}").format(time=readable_seconds(self.seconds))


@dataclass(slots=True, kw_only=True)
class InputRecord:
    """One input of a graph model (`keras.Input`): an InputLayer row of Keras's summary."""

    name: str
    shape: Shape


@dataclass(slots=True, kw_only=True)
class GraphRecord:
    """What a functional model adds to a chain: its name, inputs, outputs and Keras's order."""

    name: str
    inputs: tuple[InputRecord, ...]
    outputs: tuple[str, ...]
    order: tuple[str, ...]  # operation names as `model.summary()` lists them, inputs included
    sequential_like: bool  # Keras then prints no "Connected to" column


@dataclass(slots=True, kw_only=True)
class ModelSummary:
    """The whole model: per-layer records and their sums."""

    input_shape: Shape
    layers: tuple[LayerRecord, ...]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    dtype: str
    bytes_per_param: int
    total_bytes: int
    trainable_bytes: int
    non_trainable_bytes: int
    convention: str = "keras"
    costs: ModelCosts | None = None
    costs_note: str | None = None
    memory: MemoryReport | None = None
    latency: LatencyReport | None = None
    latency_note: str | None = None
    graph: Annotated[
        GraphRecord | None,
        graph_only("Graph models: name, inputs, outputs and the order of Keras's summary."),
    ] = None
    name: Annotated[
        str | None,
        graph_only(
            "A chain's name when it is not Keras's plain `sequential` (given, or `sequential_1` "
            "after a nested Sequential); a graph's is in `graph`."
        ),
    ] = None


@dataclass(slots=True, kw_only=True)
class SweepPoint:
    """The model at one value of the swept argument, or why Keras would refuse it."""

    value: int
    params: int | None = None
    macs: int | None = None
    flops: int | None = None
    training: Size | None = None
    inference: Size | None = None
    error: str | None = None


@dataclass(slots=True, kw_only=True)
class FitResult:
    """The largest `argument` whose training memory stays within `budget`."""

    argument: str
    budget: Size
    largest: int | None = None
    training: Size | None = None
    note: str | None = None


@dataclass(slots=True, kw_only=True)
class SweepResult:
    argument: str
    layer: int
    layer_name: str | None
    current: int
    points: tuple[SweepPoint, ...]
    fit: FitResult | None = None

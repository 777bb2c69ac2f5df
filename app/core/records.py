"""Immutable per-layer and per-model result records: the JSON of `/summary` and the page's data.

Every total is a plain sum over the per-layer records, never a correction.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict

Shape = tuple[int | None, ...]

_new = object.__new__
_set = object.__setattr__
_REQUIRED = object()
# Per record class: every field in declaration order, its default or `_REQUIRED`.
_TEMPLATES: dict[type, dict[str, Any]] = {}


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def of(cls, **fields: Any) -> Self:
        """The record from values our own arithmetic computed, WITHOUT validation.

        For the core's hot path only: inputs were validated at the edge, and validating every
        record again was about a third of `summarize` (`model_construct` is slower still: it
        walks the fields in Python). Callers pass the exact types validation would produce
        (tuples, not lists; ints for ints, floats for floats); `tests/test_core_records.py`
        checks that revalidating a summary changes nothing.
        """
        template = _TEMPLATES.get(cls)
        if template is None:
            template = _TEMPLATES[cls] = {
                name: _REQUIRED if f.is_required() else f.get_default(call_default_factory=True)
                for name, f in cls.model_fields.items()
            }
        record = _new(cls)
        _set(record, "__dict__", {**template, **fields})
        _set(record, "__pydantic_fields_set__", set(fields))
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record


class WeightRecord(Record):
    """One weight tensor, with Keras's name and shape."""

    name: str
    shape: tuple[int, ...]
    count: int
    trainable: bool


class GateRecord(Record):
    """One ConvLSTM gate: its slice of the input kernel, recurrent kernel and bias."""

    gate: str
    input_kernel: int
    recurrent_kernel: int
    bias: int
    total: int
    peephole: int = 0


class ToolCount(Record):
    """What another tool reports for a layer, in its own unit, and why it differs from ours."""

    tool: str
    reports: int | None
    unit: str
    why: str


class Size(Record):
    """A number of bytes and the way Keras prints it (`2.84 MB` = bytes / 1024²)."""

    bytes: int
    text: str


class LayerCosts(Record):
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
    mac_formula: str
    flop_formula: str
    saved_formula: str
    other_tools: tuple[ToolCount, ...]


class LayerRecord(Record):
    """What one layer costs. `output_shape` is a list of shapes for multi-output layers."""

    index: int
    name: str
    type: str
    input_shape: Shape
    output_shape: Shape | list[Shape]
    params: int
    trainable_params: int
    non_trainable_params: int
    weights: tuple[WeightRecord, ...]
    gates: tuple[GateRecord, ...] | None = None
    formula: str
    layer: LayerRecord | None = None
    costs: LayerCosts | None = None


class ModelCosts(Record):
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


class MemoryReport(Record):
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
    rules: tuple[str, ...]


class LayerLatency(Record):
    name: str
    steps: int | None
    compute_seconds_per_step: float
    memory_seconds_per_step: float
    seconds_per_step: float
    bound: str
    seconds: float | None
    text: str


class LatencyReport(Record):
    """Roofline estimate of one forward pass over the batch: an estimate, not a measurement."""

    device: str
    label: str
    peak_tflops: float
    bandwidth_gb_s: float
    source: str
    layers: tuple[LayerLatency, ...]
    seconds: float | None
    text: str
    rule: str


class ModelSummary(Record):
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


class SweepPoint(Record):
    """The model at one value of the swept argument, or why Keras would refuse it."""

    value: int
    params: int | None = None
    macs: int | None = None
    flops: int | None = None
    training: Size | None = None
    inference: Size | None = None
    error: str | None = None


class FitResult(Record):
    """The largest `argument` whose training memory stays within `budget`."""

    argument: str
    budget: Size
    largest: int | None = None
    training: Size | None = None
    note: str | None = None


class SweepResult(Record):
    argument: str
    layer: int
    layer_name: str | None
    current: int
    points: tuple[SweepPoint, ...]
    fit: FitResult | None = None

"""Immutable per-layer and per-model result records: the JSON of `/summary` and the page's data.

Every total is a plain sum over the per-layer records, never a correction.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Shape = tuple[int | None, ...]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


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

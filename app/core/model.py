"""Walks a Sequential stack, layer by layer, and sums the per-layer records."""

from __future__ import annotations

# Importing the layer families registers their analysers.
from app.core import (  # noqa: F401
    conv,
    conv_lstm,
    dense,
    normalization,
    pooling,
    regularization,
    reshaping,
    wrappers,
)
from app.core.errors import SpecError
from app.core.records import LayerRecord, ModelSummary, Shape
from app.core.registry import Namer, analyse
from app.core.shapes import show
from app.schema import DTYPE_BYTES, SummaryRequest


def _blame(error: SpecError, index: int) -> SpecError:
    if error.loc[:1] == ("input",):
        return SpecError(("input_shape",) if index == 0 else ("layers", index), error.msg)
    return error.within("layers", index)


def analyse_layers(input_shape: Shape, layers: list) -> tuple[LayerRecord, ...]:
    """Every layer's record, in order; raises `SpecError` located at the offending field."""
    namer = Namer()
    records: list[LayerRecord] = []
    shape: Shape = input_shape
    for index, spec in enumerate(layers):
        if records and isinstance(records[-1].output_shape, list):
            raise SpecError(
                ("layers", index),
                f"layer {index - 1} ({records[-1].name}) has several outputs "
                f"({', '.join(show(s) for s in records[-1].output_shape)}); only the last layer "
                "of a Sequential model may (set return_state to false or merge_mode to a value)",
            )
        try:
            record = analyse(spec, shape, namer, index)
        except SpecError as error:
            raise _blame(error, index) from None
        records.append(record)
        shape = record.output_shape  # type: ignore[assignment]
    seen: dict[str, int] = {}
    for record in records:
        if record.name in seen:
            raise SpecError(
                ("layers", record.index, "name"),
                f"layer name '{record.name}' is already used by layer {seen[record.name]}; "
                "Keras needs unique layer names",
            )
        seen[record.name] = record.index
    return tuple(records)


def summarize(request: SummaryRequest) -> ModelSummary:
    """The model's records and their totals; totals are plain sums over the layers."""
    records = analyse_layers((None, *request.input_shape), request.layers)
    total = sum(r.params for r in records)
    trainable = sum(r.trainable_params for r in records)
    size = DTYPE_BYTES[request.dtype]
    return ModelSummary(
        input_shape=(None, *request.input_shape),
        layers=records,
        total_params=total,
        trainable_params=trainable,
        non_trainable_params=total - trainable,
        dtype=request.dtype,
        bytes_per_param=size,
        total_bytes=total * size,
        trainable_bytes=trainable * size,
        non_trainable_bytes=(total - trainable) * size,
    )

"""Walks a model (a Sequential stack, or a functional graph in `graph`) and sums the records."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from app.core.conventions import using_convention
from app.core.costs import CostContext, has_rule, layer_costs
from app.core.errors import SpecError
from app.core.graph import analyse_graph
from app.core.latency import latency_report
from app.core.memory import memory_report
from app.core.records import (
    GraphRecord,
    LayerRecord,
    ModelCosts,
    ModelSummary,
    Shape,
    dump_json,
    dump_numbers_json,
)
from app.core.registry import Namer, analyse
from app.core.shapes import show
from app.core.translation import gettext as _
from app.schema import DTYPE_BYTES, LayerCallSpec, LayerSpecBase, SummaryRequest

T = TypeVar("T")


def _blame(error: SpecError, index: int) -> SpecError:
    if error.loc[:1] == ("input",):
        return SpecError(("input_shape",) if index == 0 else ("layers", index), error.msg)
    return error.within("layers", index)


def analyse_layers(
    input_shape: Shape, layers: Sequence[LayerSpecBase], namer: Namer | None = None
) -> tuple[LayerRecord, ...]:
    """Every layer's record, in order; raises `SpecError` located at the offending field.
    `namer` continues an outer model's automatic names (a nested Sequential)."""
    namer = namer or Namer()
    records: list[LayerRecord] = []
    shape: Shape | list[Shape] = input_shape
    for index, spec in enumerate(layers):
        if isinstance(shape, list):
            raise SpecError(
                ("layers", index),
                _(
                    "layer {index} ({name}) has several outputs ({shapes}); only the last layer "
                    "of a Sequential model may (set return_state to false or merge_mode to a "
                    "value)"
                ).format(
                    index=index - 1,
                    name=records[-1].name,
                    shapes=", ".join(show(s) for s in shape),
                ),
            )
        try:
            record = analyse(spec, shape, namer, index)
        except SpecError as error:
            raise _blame(error, index) from None
        records.append(record)
        shape = record.output_shape
    seen: dict[str, int] = {}
    for record in records:
        if record.name in seen:
            raise SpecError(
                ("layers", record.index, "name"),
                _(
                    "layer name '{name}' is already used by layer {index}; Keras needs unique "
                    "layer names"
                ).format(name=record.name, index=seen[record.name]),
            )
        seen[record.name] = record.index
    return tuple(records)


def input_shapes(request: SummaryRequest, steps: int | None = None) -> list[Shape]:
    """Each input's shape with its batch axis; `steps` fills an unknown time axis."""
    given: list[Shape]
    if request.inputs is not None:
        given = [(i.batch_size, *i.shape) for i in request.inputs]
    elif request.input_shape is not None:
        given = [(None, *request.input_shape)]
    else:
        raise ValueError("a request gives input_shape or inputs (its validator says so)")
    if steps is None:
        return given
    return [(s[0], s[1] or steps, *s[2:]) for s in given]


@dataclass(slots=True)
class Walk:
    """Every layer call's record, the spec of the layer each calls, and for a functional model
    its graph; for a chain, its name when it is not Keras's plain `sequential`."""

    records: tuple[LayerRecord, ...]
    specs: tuple[LayerSpecBase, ...]
    graph: GraphRecord | None = None
    name: str | None = None


def chain_specs(request: SummaryRequest) -> list[LayerSpecBase]:
    """A chain's layers, in order (a chain calls every layer once: an entry that calls a layer
    again makes `is_graph` true)."""
    return [entry for entry in request.layers if not isinstance(entry, LayerCallSpec)]


def walk(request: SummaryRequest, shapes: list[Shape]) -> Walk:
    if request.is_graph:
        return Walk(*analyse_graph(request, shapes))
    namer = Namer()
    layers = chain_specs(request)
    records = analyse_layers(shapes[0], layers, namer)
    # Keras's own name for the model: `sequential`, or `sequential_1` after a nested one.
    name = request.name or namer.auto("sequential")
    return Walk(records, tuple(layers), name=None if name == "sequential" else name)


def with_costs(
    records: tuple[LayerRecord, ...], specs: tuple[LayerSpecBase, ...], request: SummaryRequest
) -> tuple[tuple[LayerRecord, ...], str | None]:
    """The records with their costs, or unchanged with the reason costs cannot be counted.

    Costs come from a second walk with the time axis made concrete (`time_steps`, else 1 for
    per-step figures), so every counting rule sees known sizes.
    """
    shapes = input_shapes(request)
    if any(None in s[2:] for s in shapes):
        return records, _("costs need every input size but the time axis; received None")
    time_axis = shapes[0][1]
    steps = time_axis or request.time_steps
    context = CostContext(
        steps_known=steps is not None,
        batch_size=request.batch_size,
        bytes_per_value=DTYPE_BYTES[request.dtype],
        convention=request.convention,
    )
    try:
        # With known time axes the second walk would repeat the first one exactly.
        concrete = (
            records
            if all(s[1] is not None for s in shapes)
            else walk(request, input_shapes(request, steps or 1)).records
        )
    except SpecError as error:
        return records, _(
            "costs need a concrete time axis, which this model refuses: {reason}"
        ).format(reason=error.msg)
    # The walk is still building these records: costs are filled in, not copied in.
    for spec, record, sized in zip(specs, records, concrete, strict=True):
        record.costs = layer_costs(spec, sized, context) if has_rule(spec) else None
    missing = [r.name for r in records if r.costs is None]
    note = _("no counting rule for {layers}").format(layers=", ".join(missing)) if missing else None
    if note is None and steps is None:
        note = _("the time axis is unknown: per-step costs only; set time_steps for totals")
    return records, note


def _known(total: int | None) -> int:
    """A layer's total, known when the first layer's is: the layers share the time axis."""
    if total is None:
        raise ValueError("a layer's total is unknown while the first layer's is known")
    return total


def model_costs(records: tuple[LayerRecord, ...], batch_size: int) -> ModelCosts | None:
    """Plain sums over the layers' costs; totals are known for all layers or for none (they
    share the time axis)."""
    costs = [r.costs for r in records if r.costs is not None]
    if len(costs) < len(records):
        return None
    if costs[0].steps is None:
        return ModelCosts(
            steps=None,
            macs=None,
            elementwise_flops=None,
            flops=None,
            backward_flops=None,
            training_flops=None,
            batch_size=batch_size,
            batch_macs=None,
            batch_flops=None,
            batch_training_flops=None,
        )
    steps = macs = elementwise = flops = backward = training = 0
    for c in costs:  # one pass, every total known (the first layer's is)
        steps = max(steps, _known(c.steps))
        macs += _known(c.macs)
        elementwise += _known(c.elementwise_flops)
        flops += _known(c.flops)
        backward += _known(c.backward_flops)
        training += _known(c.training_flops)
    return ModelCosts(
        steps=steps,
        macs=macs,
        elementwise_flops=elementwise,
        flops=flops,
        backward_flops=backward,
        training_flops=training,
        batch_size=batch_size,
        batch_macs=macs * batch_size,
        batch_flops=flops * batch_size,
        batch_training_flops=training * batch_size,
    )


def _cyclic_gc_paused(work: Callable[[SummaryRequest], T], request: SummaryRequest) -> T:
    """`work(request)` with the cyclic collector paused. The walk allocates ~20 acyclic records
    per layer, all alive until it returns, so the collector can free none of them; left on, it
    rescanned the growing result again and again: half the time of a 1,000-layer model, and
    growth worse than linear (bench/core_speed.py). Measured again for issue 10 §5: equal in a
    benchmark process (on ÷ paused 0.97-1.03, 3 M long-lived objects or none), but the full test
    process (Keras, torch, hypothesis) then saw a 1,024-layer summary take 66× its 128-layer
    time (tests/test_worst_cases.py): kept. Reference counting still frees everything; a caller
    that disabled the collector keeps it off."""
    if not gc.isenabled():
        return work(request)
    gc.disable()
    try:
        return work(request)
    finally:
        gc.enable()


def summarize(request: SummaryRequest) -> ModelSummary:
    """The model's records and their totals; totals are plain sums over the layers."""
    return _cyclic_gc_paused(_summarize, request)


def summary_json(request: SummaryRequest, *, texts: bool = True) -> bytes:
    """The summary's JSON (`POST /summary`), texts included unless `texts` is false. The
    collector stays paused until the records, and the texts written for the JSON, are freed
    again, so it never scans them."""
    return _cyclic_gc_paused(_summary_json if texts else _numbers_json, request)


def _summary_json(request: SummaryRequest) -> bytes:
    return dump_json(_summarize(request))


def _numbers_json(request: SummaryRequest) -> bytes:
    return dump_numbers_json(_summarize(request))


def _summarize(request: SummaryRequest) -> ModelSummary:
    with using_convention(request.convention):
        walked = walk(request, input_shapes(request))
        records, costs_note = with_costs(walked.records, walked.specs, request)
    total = sum(r.params for r in records)
    trainable = sum(r.trainable_params for r in records)
    size = DTYPE_BYTES[request.dtype]
    latency, latency_note = latency_report(
        records,
        request.dtype,
        size,
        request.batch_size,
        request.device,
        request.peak_tflops,
        request.bandwidth_gb_s,
        request.efficiency,
        request.step_overhead_us * 1e-6,
    )
    return ModelSummary(
        input_shape=input_shapes(request)[0],
        layers=records,
        total_params=total,
        trainable_params=trainable,
        non_trainable_params=total - trainable,
        dtype=request.dtype,
        bytes_per_param=size,
        total_bytes=total * size,
        trainable_bytes=trainable * size,
        non_trainable_bytes=(total - trainable) * size,
        convention=request.convention,
        costs=model_costs(records, request.batch_size),
        costs_note=costs_note,
        memory=memory_report(records, request.dtype, size, request.batch_size, request.optimizer),
        latency=latency,
        latency_note=latency_note,
        graph=walked.graph,
        name=walked.name,
    )

"""What-if: vary one argument and watch parameters, MACs and memory; the inverse question.

Every point is a full `summarize` of the changed model, so a sweep shows exactly what the
summary would for that value (and an error where Keras would refuse it). Three things keep a
sweep within a second of CPU at 1,024 layers (issue 14): only the changed layer is validated
again; the batch size only multiplies memory, so the model is summarised once for it; and the
points are capped at `MAX_SWEEP_LAYER_POINTS` layers × values (a 422 at `values`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.core.errors import SpecError
from app.core.memory import memory_report
from app.core.model import summarize
from app.core.records import FitResult, ModelSummary, Size, SweepPoint, SweepResult
from app.core.translation import gettext as _
from app.schema import (
    DTYPE_BYTES,
    MAX_DIM,
    MAX_SWEEP_LAYER_POINTS,
    LayerEntry,
    SummaryRequest,
    SweepRequest,
)

MULTIPLIERS = (0.25, 0.5, 1, 2, 4)
MB = 1024**2
# Arguments of one layer: a point changes that layer's spec only.
LAYER_ARGUMENTS = ("filters", "kernel_size")
_ENTRY: TypeAdapter[Any] = TypeAdapter(LayerEntry)


def _layer_body(body: dict[str, Any], index: int, field: str) -> dict[str, Any]:
    """The layer dict (or the wrapped layer's) that owns `field`."""
    layer: dict[str, Any] = body["layers"][index]
    while field not in layer and isinstance(layer.get("layer"), dict):
        layer = layer["layer"]
    if field not in layer:
        raise SpecError(
            ("layer",),
            _("layer {index} ({type}) has no `{field}` to vary").format(
                index=index,
                type=layer["type"] if "type" in layer else _("a shared layer call"),
                field=field,
            ),
        )
    return layer


def _input_shape(body: dict[str, Any]) -> list[Any]:
    """The shape the input arguments vary: `input_shape`, or a graph model's first input's."""
    shape: list[Any] = body["input_shape"] if "input_shape" in body else body["inputs"][0]["shape"]
    return shape


def _spatial_axes(body: dict[str, Any]) -> range:
    """Input axes between time and channels (channels first when the first layer says so)."""
    rank = len(_input_shape(body))
    first = body["layers"][0].get("data_format")
    return range(2, rank) if first == "channels_first" else range(1, rank - 1)


def current_value(body: dict[str, Any], argument: str, index: int) -> int:
    # The body is a validated request's JSON: these are its integers.
    if argument == "batch_size":
        batch_size: int = body["batch_size"]
        return batch_size
    if argument == "time_steps":
        steps: int = _input_shape(body)[0] or body.get("time_steps") or 1
        return steps
    if argument == "input_size":
        sizes = [_input_shape(body)[a] for a in _spatial_axes(body)]
        if not sizes or None in sizes:
            raise SpecError(("argument",), _("input_size needs known spatial input sizes"))
        largest: int = max(sizes)
        return largest
    field = "units" if argument == "filters" and "units" in body["layers"][index] else argument
    value: int | list[int] = _layer_body(body, index, field)[field]
    return max(value) if isinstance(value, (list, tuple)) else value


def with_value(body: dict[str, Any], argument: str, index: int, value: int) -> dict[str, Any]:
    """A copy of the request body with `argument` set to `value`."""
    changed = {**body, "layers": [dict(layer) for layer in body["layers"]]}
    shape = list(_input_shape(body))
    if "input_shape" in body:
        changed["input_shape"] = shape
    else:
        changed["inputs"] = [{**body["inputs"][0], "shape": shape}, *body["inputs"][1:]]
    if argument == "batch_size":
        changed["batch_size"] = value
    elif argument == "time_steps":
        if shape[0] is None:
            changed["time_steps"] = value
        else:
            shape[0] = value
    elif argument == "input_size":
        for axis in _spatial_axes(body):
            shape[axis] = value
    else:
        layer = changed["layers"][index]
        while argument not in layer and "units" not in layer and "layer" in layer:
            layer["layer"] = dict(layer["layer"])
            layer = layer["layer"]
        layer["units" if "units" in layer else argument] = value
    return changed


def default_values(current: int) -> list[int]:
    return sorted({max(1, min(MAX_DIM, round(current * m))) for m in MULTIPLIERS})


@dataclass(frozen=True, slots=True)
class Varied:
    """The sweep's model, as validated and as a JSON body, and what varies in it."""

    model: SummaryRequest
    body: dict[str, Any]
    argument: str
    index: int

    def request(self, value: int) -> SummaryRequest:
        """The model with the argument at `value`; raises `ValidationError` as the summary
        would. A layer argument re-validates that layer alone, not the 1,024 others."""
        if self.argument == "batch_size":
            return self.model.model_copy(update={"batch_size": value})
        changed = with_value(self.body, self.argument, self.index, value)
        if self.argument in LAYER_ARGUMENTS:
            layers = list(self.model.layers)
            layers[self.index] = _ENTRY.validate_python(changed["layers"][self.index])
            return self.model.model_copy(update={"layers": layers})
        return SummaryRequest.model_validate(changed)

    def summary(self, value: int) -> ModelSummary:
        return summarize(self.request(value))

    def with_argument(self, argument: str) -> Varied:
        return replace(self, argument=argument)


def _point(varied: Varied, value: int) -> SweepPoint:
    try:
        result = varied.summary(value)
    except (SpecError, ValidationError) as error:
        return SweepPoint(value=value, error=_message(error))
    return _numbers(result, value)


def _message(error: SpecError | ValidationError) -> str:
    return error.msg if isinstance(error, SpecError) else error.errors()[0]["msg"]


def _numbers(result: ModelSummary, value: int) -> SweepPoint:
    memory = result.memory
    return SweepPoint(
        value=value,
        params=result.total_params,
        macs=result.costs.macs if result.costs else None,
        flops=result.costs.flops if result.costs else None,
        training=memory.training if memory else None,
        inference=memory.inference if memory else None,
    )


def _batch_points(
    base: ModelSummary, model: SummaryRequest, values: list[int]
) -> tuple[SweepPoint, ...]:
    """Points over the batch size from one summary: the layers' records (shapes, params,
    per-sample costs) do not depend on it, only the memory report does (`memory_report`)."""
    return tuple(_numbers(replace_memory(base, model, value), value) for value in values)


def replace_memory(base: ModelSummary, model: SummaryRequest, batch_size: int) -> ModelSummary:
    """`base` with the memory report of another batch size (what `summarize` would give)."""
    memory = memory_report(
        base.layers, model.dtype, DTYPE_BYTES[model.dtype], batch_size, model.optimizer
    )
    return replace(base, memory=memory)


def largest_fit(
    varied: Varied, budget_mb: float, base: ModelSummary, known: dict[int, int | None]
) -> FitResult:
    """The largest value of `varied.argument` whose training memory is within the budget.

    Memory grows with filters and batch size, so bisection over 1..MAX_DIM finds it in
    log2(MAX_DIM) + 2 summaries at most (a doubling search first took up to twice that); the
    batch size needs none, it only scales the memory report. `known`: training bytes already
    computed (the sweep's points), by value; each value is summarised once.
    """
    budget = int(budget_mb * MB)

    def training_bytes(value: int) -> int | None:
        if value not in known:
            known[value] = _training_bytes(value)
        return known[value]

    def _training_bytes(value: int) -> int | None:
        try:
            if varied.argument == "batch_size":
                memory = replace_memory(base, varied.model, value).memory
            else:
                memory = varied.summary(value).memory
        except (SpecError, ValidationError):
            return None
        return memory.training.bytes if memory and memory.training else None

    def fits(value: int) -> bool:
        used = training_bytes(value)
        return used is not None and used <= budget

    result = FitResult(argument=varied.argument, budget=Size(bytes=budget))
    if not fits(1):
        return replace(
            result,
            note=_("even {argument} = 1 needs more than the budget").format(
                argument=varied.argument
            ),
        )
    low, high = 1, MAX_DIM + 1  # fits(low), and nothing at or past `high` does
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return replace(result, largest=low, training=Size(bytes=training_bytes(low) or 0))


def check_work(values: int, layers: int) -> None:
    """Refuses more than MAX_SWEEP_LAYER_POINTS layers × values: each point summarises every
    layer, and a sweep must stay under a second of CPU (issue 14)."""
    if values * layers > MAX_SWEEP_LAYER_POINTS:
        raise SpecError(
            ("values",),
            _(
                "a sweep computes at most {limit} layers × values ({most} values for this "
                "{layers}-layer model); received {values} values"
            ).format(
                limit=f"{MAX_SWEEP_LAYER_POINTS:,}",
                most=MAX_SWEEP_LAYER_POINTS // layers,
                layers=f"{layers:,}",
                values=values,
            ),
        )


def sweep(request: SweepRequest) -> SweepResult:
    """Parameters, MACs and memory at each value; optionally the largest fit in a budget."""
    try:
        base = summarize(request.model)
    except SpecError as error:
        raise error.within("model") from None
    if request.layer >= len(request.model.layers):
        raise SpecError(
            ("layer",),
            _("the model has {count} layers (0 to {last}); received layer {layer}").format(
                count=len(request.model.layers),
                last=len(request.model.layers) - 1,
                layer=request.layer,
            ),
        )
    body = request.model.model_dump(mode="json", exclude_unset=True)
    body.setdefault("batch_size", request.model.batch_size)
    current = current_value(body, request.argument, request.layer)
    values = request.values or default_values(current)
    check_work(len(values), len(request.model.layers))
    varied = Varied(request.model, body, request.argument, request.layer)
    if request.argument == "batch_size":
        points = _batch_points(base, request.model, values)
    else:
        points = tuple(_point(varied, v) for v in values)
    fit = None
    if request.budget_mb is not None:
        if request.fit == "filters":
            current_value(body, "filters", request.layer)  # blames a layer without filters
        # A point's training memory is what the fit would compute for that value.
        known = {p.value: p.training.bytes if p.training else None for p in points}
        fit = largest_fit(
            varied.with_argument(request.fit),
            request.budget_mb,
            base,
            known if request.fit == request.argument else {},
        )
    layer_name = None
    if request.argument in ("filters", "kernel_size"):
        layer_name = base.layers[request.layer].name
    return SweepResult(
        argument=request.argument,
        layer=request.layer,
        layer_name=layer_name,
        current=current,
        points=points,
        fit=fit,
    )

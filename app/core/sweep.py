"""What-if: vary one argument and watch parameters, MACs and memory; the inverse question.

Every point is a full `summarize` of the changed model, so a sweep shows exactly what the
summary would for that value (and an error where Keras would refuse it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.core.records import FitResult, ModelSummary, Size, SweepPoint, SweepResult
from app.schema import MAX_DIM, SummaryRequest, SweepRequest

MULTIPLIERS = (0.25, 0.5, 1, 2, 4)
MB = 1024**2


def _layer_body(body: dict[str, Any], index: int, field: str) -> dict[str, Any]:
    """The layer dict (or the wrapped layer's) that owns `field`."""
    layer = body["layers"][index]
    while field not in layer and isinstance(layer.get("layer"), dict):
        layer = layer["layer"]
    if field not in layer:
        raise SpecError(
            ("layer",),
            f"layer {index} ({layer.get('type', 'a shared layer call')}) has no `{field}` to vary",
        )
    return layer


def _input_shape(body: dict[str, Any]) -> list[Any]:
    """The shape the input arguments vary: `input_shape`, or a graph model's first input's."""
    return body["input_shape"] if "input_shape" in body else body["inputs"][0]["shape"]


def _spatial_axes(body: dict[str, Any]) -> range:
    """Input axes between time and channels (channels first when the first layer says so)."""
    rank = len(_input_shape(body))
    first = body["layers"][0].get("data_format")
    return range(2, rank) if first == "channels_first" else range(1, rank - 1)


def current_value(body: dict[str, Any], argument: str, index: int) -> int:
    if argument == "batch_size":
        return body["batch_size"]
    if argument == "time_steps":
        return _input_shape(body)[0] or body.get("time_steps") or 1
    if argument == "input_size":
        sizes = [_input_shape(body)[a] for a in _spatial_axes(body)]
        if not sizes or None in sizes:
            raise SpecError(("argument",), "input_size needs known spatial input sizes")
        return max(sizes)
    field = "units" if argument == "filters" and "units" in body["layers"][index] else argument
    value = _layer_body(body, index, field)[field]
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


def _summary(body: dict[str, Any]) -> ModelSummary:
    return summarize(SummaryRequest.model_validate(body))


def _point(body: dict[str, Any], value: int) -> SweepPoint:
    try:
        result = _summary(body)
    except (SpecError, ValidationError) as error:
        message = error.msg if isinstance(error, SpecError) else error.errors()[0]["msg"]
        return SweepPoint(value=value, error=message)
    memory = result.memory
    return SweepPoint(
        value=value,
        params=result.total_params,
        macs=result.costs.macs if result.costs else None,
        flops=result.costs.flops if result.costs else None,
        training=memory.training if memory else None,
        inference=memory.inference if memory else None,
    )


def _training_bytes(body: dict[str, Any]) -> int | None:
    try:
        memory = _summary(body).memory
    except (SpecError, ValidationError):
        return None
    return memory.training.bytes if memory and memory.training else None


def largest_fit(body: dict[str, Any], argument: str, index: int, budget_mb: float) -> FitResult:
    """The largest value of `argument` whose training memory is within the budget.

    Memory grows with filters and batch size, so a doubling search then bisection finds it.
    """
    budget = int(budget_mb * MB)

    def fits(value: int) -> bool:
        used = _training_bytes(with_value(body, argument, index, value))
        return used is not None and used <= budget

    base = FitResult(argument=argument, budget=Size(bytes=budget))
    if not fits(1):
        return replace(base, note=f"even {argument} = 1 needs more than the budget")
    low, high = 1, 2
    while high <= MAX_DIM and fits(high):
        low, high = high, high * 2
    high = min(high, MAX_DIM + 1)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    used = _training_bytes(with_value(body, argument, index, low))
    return replace(base, largest=low, training=Size(bytes=used or 0))


def sweep(request: SweepRequest) -> SweepResult:
    """Parameters, MACs and memory at each value; optionally the largest fit in a budget."""
    try:
        base = summarize(request.model)
    except SpecError as error:
        raise error.within("model") from None
    if request.layer >= len(request.model.layers):
        raise SpecError(
            ("layer",),
            f"the model has {len(request.model.layers)} layers (0 to "
            f"{len(request.model.layers) - 1}); received layer {request.layer}",
        )
    body = request.model.model_dump(mode="json", exclude_unset=True)
    body.setdefault("batch_size", request.model.batch_size)
    current = current_value(body, request.argument, request.layer)
    values = request.values or default_values(current)
    points = tuple(
        _point(with_value(body, request.argument, request.layer, v), v) for v in values
    )
    fit = None
    if request.budget_mb is not None:
        if request.fit == "filters":
            current_value(body, "filters", request.layer)  # blames a layer without filters
        fit = largest_fit(body, request.fit, request.layer, request.budget_mb)
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

"""The oracle for parity tests: builds one of our `/summary` requests as a real Keras 3 model.

`build(request)` turns a request dict (`{"input_shape": [...], "layers": [{"type": ...}]}`,
wrappers nesting their `layer`) into `keras.Sequential([keras.Input(shape), *layers])` and
reads back, per layer, what `model.summary()` shows: name, output shape(s), parameter counts,
and every weight's name and shape. When Keras refuses the model, `error` says why.

Keras 3's `Sequential` accepts a last layer with several outputs (`return_state=True`,
`Bidirectional(merge_mode=None)`): its outputs are then a list, so no Functional fallback is
needed. A multi-output layer anywhere else is refused ("expects 1 input(s), but it received 3").

Trainable counts are what `model.summary()` totals and what `fit` trains: each weight's own
`trainable` flag. Our `"trainable": false` means "freeze this layer", which in Keras is the
`layer.trainable = False` setter (it reaches sub-layers). The constructor argument alone does not
do that: `ConvLSTM2D(..., trainable=False)` (weights owned by its cell), `Bidirectional(...,
trainable=False)` and `TimeDistributed(..., trainable=False)` leave their weights trainable
(`model.summary()` counts them, `fit` trains them, a model reloaded from `to_json()` loses the
freeze). So the oracle freezes with the setter, after construction.
"""

from __future__ import annotations

import math
import os
import re

os.environ.setdefault("KERAS_BACKEND", "numpy")

from dataclasses import dataclass
from typing import Any

import keras

assert keras.backend.backend() == "numpy", "set KERAS_BACKEND=numpy before importing keras"

Shape = list[int | None]


@dataclass(frozen=True)
class KerasWeight:
    name: str
    path: str  # relative to the layer, e.g. `forward_conv_lstm2d/conv_lstm_cell/kernel`
    shape: list[int]
    trainable: bool
    direction: str | None  # the Bidirectional copy that owns it (`forward_conv_lstm2d`), if any


@dataclass(frozen=True)
class KerasLayer:
    name: str
    output_shape: Shape | list[Shape]
    params: int
    trainable_params: int
    non_trainable_params: int
    weights: list[KerasWeight]


@dataclass(frozen=True)
class KerasModel:
    """Either `layers` (Keras built the model) or `error` (Keras refused it)."""

    layers: list[KerasLayer] | None = None
    error: str | None = None
    total_params: int = 0
    trainable_params: int = 0  # `model.summary()`'s "Trainable params"
    non_trainable_params: int = 0


def keras_layer(spec: dict[str, Any]) -> keras.layers.Layer:
    """`{"type": "ConvLSTM2D", "filters": 8, ...}` → `keras.layers.ConvLSTM2D(filters=8, ...)`."""
    kwargs = {key: value for key, value in spec.items() if key not in ("type", "trainable")}
    if spec["type"] == "Sequential":  # a nested model
        kwargs["layers"] = [keras_layer(inner) for inner in spec["layers"]]
        model = keras.Sequential(**kwargs)
        if spec.get("trainable") is False:
            model.trainable = False
        return model
    for nested in ("layer", "backward_layer"):
        if isinstance(kwargs.get(nested), dict):
            kwargs[nested] = keras_layer(kwargs[nested])
    layer = getattr(keras.layers, spec["type"])(**kwargs)
    if spec["type"] == "Bidirectional" and spec["layer"].get("trainable") is False:
        # Bidirectional rebuilds its copies from the wrapped layer's config, losing the freeze.
        layer.forward_layer.trainable = False
        if spec.get("backward_layer") is None:
            layer.backward_layer.trainable = False
    if spec.get("trainable") is False:
        layer.trainable = False
    return layer


def _shape(tensor_or_tensors: Any) -> Shape | list[Shape]:
    if isinstance(tensor_or_tensors, list | tuple):
        return [list(t.shape) for t in tensor_or_tensors]
    return list(tensor_or_tensors.shape)


def _count(weights: list) -> int:
    return sum(math.prod(w.shape) for w in weights)


def _directions(layer: keras.layers.Layer) -> dict[int, str]:
    """Which Bidirectional copy owns each weight, however deep it is nested."""
    owners: dict[int, str] = {}
    for inner in layer._flatten_layers(include_self=True, recursive=True):
        if isinstance(inner, keras.layers.Bidirectional):
            for copy in (inner.forward_layer, inner.backward_layer):
                owners.update({id(w): copy.name for w in copy.weights})
    return owners


def _layer(layer: keras.layers.Layer, model_name: str) -> KerasLayer:
    prefix = f"{model_name}/{layer.name}/"
    directions = _directions(layer)
    trainable = [w for w in layer.weights if w.trainable]
    return KerasLayer(
        name=layer.name,
        output_shape=_shape(layer.output),
        params=layer.count_params(),
        trainable_params=_count(trainable),
        non_trainable_params=layer.count_params() - _count(trainable),
        weights=[
            KerasWeight(
                name=w.name,
                path=w.path.removeprefix(prefix),
                shape=list(w.shape),
                trainable=w.trainable,
                direction=directions.get(id(w)),
            )
            for w in layer.weights
        ],
    )


def build(request: dict[str, Any]) -> KerasModel:
    """What Keras makes of `request`; automatic names restart for every model."""
    keras.backend.clear_session()
    try:
        model = keras.Sequential(
            [
                keras.Input(shape=tuple(request["input_shape"])),
                *(keras_layer(spec) for spec in request["layers"]),
            ]
        )
        layers = [_layer(layer, model.name) for layer in model.layers]
    except Exception as error:  # any refusal by Keras is the answer we want
        return KerasModel(error=f"{type(error).__name__}: {error}")
    trainable = _count(model.trainable_weights)
    # Per-layer counts must add up to the summary's totals, or this oracle is wrong.
    assert trainable == sum(layer.trainable_params for layer in layers)
    return KerasModel(
        layers=layers,
        total_params=model.count_params(),
        trainable_params=trainable,
        non_trainable_params=_count(model.non_trainable_weights),
    )


@dataclass(frozen=True)
class KerasGraph:
    """A functional model as Keras builds it: per-layer facts in `model.summary()`'s order
    (InputLayers included), and the summary's text. Or `error`, when Keras refuses it."""

    model: KerasModel
    order: list[str] | None = None
    summary: str | None = None
    json: str | None = None  # `model.to_json()`


def _tensor(tensors: dict[str, Any], calls: dict[str, list[Any]], ref: str) -> Any:
    match = re.match(r"^(.+?)(\[(\d+)\]\[(\d+)\])?$", ref)
    assert match is not None
    name, node, index = match[1], int(match[3] or 0), int(match[4] or 0)
    if name in tensors:
        return tensors[name]
    outputs = calls[name][node]
    return outputs[index] if isinstance(outputs, list | tuple) else outputs


def build_graph(request: dict[str, Any]) -> KerasGraph:
    """`keras.Model(inputs, outputs, name)` from a graph request (`inputs`, entries with
    `inputs`/`initial_state`, `{"call": ...}` entries, `outputs`), called in entry order."""
    keras.backend.clear_session()
    try:
        inputs = request.get("inputs") or [{"shape": request["input_shape"]}]
        tensors: dict[str, Any] = {}
        model_inputs = []
        for spec in inputs:
            tensor = keras.Input(
                shape=tuple(spec["shape"]),
                batch_size=spec.get("batch_size"),
                name=spec.get("name"),
            )
            tensors[tensor._keras_history.operation.name] = tensor
            model_inputs.append(tensor)
        layers: dict[str, keras.layers.Layer] = {}
        calls: dict[str, list[Any]] = {}
        previous: Any = model_inputs[0]
        for entry in request["layers"]:
            if "call" in entry and "type" not in entry:
                layer = layers[entry["call"]]
            else:
                spec = {k: v for k, v in entry.items() if k not in ("inputs", "initial_state")}
                layer = keras_layer(spec)
                layers[layer.name] = layer
            wiring = entry.get("inputs")
            if wiring is None:
                args = previous
            elif isinstance(wiring, list):
                args = [_tensor(tensors, calls, ref) for ref in wiring]
            else:
                args = _tensor(tensors, calls, wiring)
            kwargs = {}
            if entry.get("initial_state"):
                kwargs["initial_state"] = [
                    _tensor(tensors, calls, ref) for ref in entry["initial_state"]
                ]
            outputs = layer(args, **kwargs)
            calls.setdefault(layer.name, []).append(outputs)
            previous = outputs
        if request.get("outputs"):
            model_outputs = [_tensor(tensors, calls, ref) for ref in request["outputs"]]
        else:
            model_outputs = previous
        model = keras.Model(
            model_inputs if len(model_inputs) > 1 else model_inputs[0],
            model_outputs,
            **({"name": request["name"]} if request.get("name") else {}),
        )
        order = [op.name for op in model._operations]
        facts = [
            _layer(layer, model.name)
            for layer in model._operations
            if not isinstance(layer, keras.layers.InputLayer)
        ]
        lines: list[str] = []
        model.summary(print_fn=lines.append, line_length=None)
    except Exception as error:  # any refusal by Keras is the answer we want
        return KerasGraph(KerasModel(error=f"{type(error).__name__}: {error}"))
    return KerasGraph(
        KerasModel(
            layers=facts,
            total_params=model.count_params(),
            trainable_params=_count(model.trainable_weights),
            non_trainable_params=_count(model.non_trainable_weights),
        ),
        order=order,
        summary="".join(lines),
        json=model.to_json(),
    )

"""Keras model JSON (`model.to_json()`) → our spec (`SummaryRequest`).

Accepts Keras 3 and tf.keras 2 JSON for `Sequential` models (a chain request) and `Functional`
models (a graph request: named inputs with their fixed batch, every call of every layer with what
it is called on and its `initial_state`, shared layers' later calls, the outputs and the model's
name). Every layer becomes the spec of the same Keras class with the same arguments and the
user's name. Anything we cannot represent exactly is an error that names the layer and what is
unsupported: no layer, argument or connection is ever dropped silently.

Errors are `SpecError`s located in the user's JSON (`("config", "layers", 3, "class_name")`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from app import json_guard
from app.core.errors import SpecError
from app.core.translation import gettext as _
from app.error_words import localized
from app.errors import user_errors
from app.interop.arguments import explicit_arguments
from app.schema import (
    DTYPE_BYTES,
    ENTRY_TAGS,
    LAYER_SPECS,
    WIRING_FIELDS,
    LayerCallSpec,
    SummaryRequest,
    suggest_type,
)

Loc = tuple[str | int, ...]

_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_WRAPPED = ("layer", "backward_layer")
_SHAPE_KEYS = ("batch_shape", "batch_input_shape")

# Keras config keys our specs do not carry, with the values that change nothing we compute.
# `zero_output_for_mask` only matters with masking; `rms_scaling=True` would drop beta.
_HARMLESS: dict[str, Any] = {
    "zero_output_for_mask": lambda value: True,
    "rms_scaling": lambda value: value is False,
    # tf.keras 2 recurrent layers: `implementation` picks how the cell computes (Keras 3 takes
    # and ignores it); `time_major=True` would swap the batch and time axes.
    "implementation": lambda value: True,
    "time_major": lambda value: value is False,
}
# tf.keras 2 argument names that Keras 3 renamed: (class, old name) → new name.
_RENAMED = {("LeakyReLU", "alpha"): "negative_slope"}

# Serialized initializers whose config is all defaults are written as Keras's string alias.
_DEFAULT_INITIALIZER_CONFIGS: tuple[dict[str, Any], ...] = (
    {},
    {"seed": None},
    {"seed": None, "input_axes": None, "output_axes": None},
    {"seed": None, "gain": 1.0},
)


class KerasImportError(SpecError):
    """A Keras model JSON that we cannot turn into a spec without losing something."""


def parse_model_json(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """The model object from `to_json()`'s string, a JSON-encoded copy of it, or the object.

    Every value is checked (`app.json_guard`): no NaN, no lone surrogate, bounded nesting.
    """
    value: Any = data
    try:
        json_guard.check(value)
        for _attempt in range(2):  # a pasted string may itself be JSON-encoded once more
            if not isinstance(value, str | bytes):
                break
            value = json_guard.parse(value)
    except json_guard.JSONProblem as problem:
        syntax = problem.kind == "json_invalid" and not isinstance(value, dict | list)
        message = _("not valid JSON: {problem}") if syntax else "{problem}"
        raise KerasImportError(problem.loc, message.format(problem=problem.msg)) from None
    if not isinstance(value, dict):
        raise KerasImportError(
            (),
            _(
                "expected a Keras model object (what model.to_json() returns); received {type}"
            ).format(type=type(value).__name__),
        )
    return value


def looks_like_keras(data: dict[str, Any]) -> bool:
    """A Keras model JSON has `class_name` and `config`; our spec has `input_shape`, `layers`."""
    return "class_name" in data and "config" in data


def import_keras(data: str | bytes | dict[str, Any]) -> SummaryRequest:
    """Our spec for a Keras `Sequential` (a chain) or `Functional` model (a graph)."""
    model = parse_model_json(data)
    class_name = model.get("class_name")
    config = model.get("config")
    if class_name not in _MODEL_CLASSES:
        raise KerasImportError(
            ("class_name",),
            _(
                "model class '{type}' is not supported; export a Sequential or Functional "
                "model with model.to_json()"
            ).format(type=class_name),
        )
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise KerasImportError(("config", "layers"), _("the model has no list of layers"))
    if class_name == "Sequential":
        input_shape, chain = _sequential(model, config)
        return _build(model, config, input_shape, chain)
    return _build_graph(config, _functional(model, config))


def compact(request: SummaryRequest) -> dict[str, Any]:
    """The spec as JSON with default arguments left out (what the editor shows)."""

    def layer(spec: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": spec.type}
        for key, value in explicit_arguments(spec).items():
            if key == "layers":  # a nested Sequential's
                out[key] = [layer(inner) for inner in value]
            else:
                out[key] = layer(value) if key in _WRAPPED and value is not None else value
        return out

    def entry(value: Any) -> dict[str, Any]:
        if isinstance(value, LayerCallSpec):
            return value.model_dump(mode="json", exclude_none=True)
        out = layer(value)
        for key in WIRING_FIELDS:
            if getattr(value, key) is not None:
                out[key] = getattr(value, key)
        return out

    body: dict[str, Any] = {} if request.name is None else {"name": request.name}
    if request.inputs is None:
        body["input_shape"] = request.input_shape
    else:
        body["inputs"] = [i.model_dump(mode="json", exclude_none=True) for i in request.inputs]
    body["batch_size"], body["dtype"] = request.batch_size, request.dtype
    body["layers"] = [entry(spec) for spec in request.layers]
    if request.outputs is not None:
        body["outputs"] = request.outputs
    compacted: dict[str, Any] = json.loads(json.dumps(body))  # tuples → lists, as the API sends
    return compacted


# --- Sequential -------------------------------------------------------------------------------


def _sequential(
    model: dict[str, Any], config: dict[str, Any]
) -> tuple[list[Any], list[tuple[int, dict[str, Any]]]]:
    layers = list(enumerate(config["layers"]))
    input_shape = None
    if layers and _class(layers[0][1]) == "InputLayer":
        input_shape = _input_layer_shape(layers[0][1], ("config", "layers", 0))
        layers = layers[1:]
    for index, entry in layers:
        if _class(entry) == "InputLayer":
            raise KerasImportError(
                ("config", "layers", index, "class_name"),
                _(
                    "layer {index} is an InputLayer; only the first layer of a Sequential may be"
                ).format(index=index),
            )
    if not layers:
        raise KerasImportError(("config", "layers"), _("the model has no layers besides its input"))
    if input_shape is None:
        first_config = layers[0][1].get("config") or {}
        for key in _SHAPE_KEYS:
            if first_config.get(key) is not None:
                input_shape = first_config[key]
        input_shape = input_shape or config.get("build_input_shape")
        input_shape = input_shape or (model.get("build_config") or {}).get("input_shape")
    if input_shape is None:
        raise KerasImportError(
            ("config", "layers"),
            _(
                "the model has no input shape; start it with keras.Input(shape=...) or build it "
                "before calling to_json()"
            ),
        )
    return list(input_shape), layers


def _input_layer_shape(entry: dict[str, Any], loc: Loc) -> list[Any]:
    config = entry.get("config") or {}
    for key in _SHAPE_KEYS:
        shape = config.get(key)
        if isinstance(shape, list):
            return shape
    raise KerasImportError((*loc, "config"), _("the InputLayer has no batch_shape"))


# --- Functional -------------------------------------------------------------------------------


# One layer call of a functional config: (config index, node, entry, wiring).
_Call = tuple[int, int, dict[str, Any], dict[str, Any]]


def _functional(model: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """A graph request: every InputLayer an input, every call of a layer an entry (its first
    call builds it, later calls are `{"call": name}`), in an order where each call comes after
    the calls it uses; the model's name and outputs kept."""
    entries = config["layers"]
    by_name: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, entry in enumerate(entries):
        by_name[_name(entry)] = (index, entry)
    inputs = []
    for name, _node, _tensor in _endpoints(config.get("input_layers"), "input_layers"):
        index, entry = by_name.get(name, (-1, {}))
        if _class(entry) != "InputLayer":
            raise KerasImportError(
                ("config", "input_layers"),
                _("input '{name}' is not an InputLayer").format(name=name),
            )
        batch_shape = _input_layer_shape(entry, ("config", "layers", index))
        spec: dict[str, Any] = {"name": name, "shape": batch_shape[1:]}
        if isinstance(batch_shape[0], int):
            spec["batch_size"] = batch_shape[0]
        inputs.append(spec)
    outputs = [
        _ref(name, node, tensor)
        for name, node, tensor in _endpoints(config.get("output_layers"), "output_layers")
    ]
    calls: list[_Call] = []
    for index, entry in enumerate(entries):
        if _class(entry) == "InputLayer":
            continue
        nodes = entry.get("inbound_nodes") or []
        if not nodes:
            raise KerasImportError(
                ("config", "layers", index, "inbound_nodes"),
                _("layer '{name}' is not connected to anything").format(name=_name(entry)),
            )
        for node_index, node in enumerate(nodes):
            loc = ("config", "layers", index, "inbound_nodes", node_index)
            calls.append((index, node_index, entry, _wiring(entry, node, loc)))
    return {
        "inputs": inputs,
        "outputs": outputs,
        "name": config.get("name") or model.get("name"),
        "calls": _in_call_order(calls, {i["name"] for i in inputs}),
    }


def _ref(name: Any, node: Any, tensor: Any) -> str:
    return f"{name}[{node}][{tensor}]"


def _in_call_order(calls: list[_Call], inputs: set[str]) -> list[_Call]:
    """The calls reordered so that each comes after the calls whose tensors it uses (Keras
    lists a shared layer once, at its deepest call, so its list order may not be one)."""
    done = {(name, 0) for name in inputs}
    ordered: list[_Call] = []
    pending = list(calls)
    while pending:
        rest = []
        for call in pending:
            index, node, entry, wiring = call
            ready = (node == 0 or (_name(entry), node - 1) in done) and all(
                (layer, n) in done for layer, n in wiring["uses"]
            )
            if ready:
                ordered.append(call)
                done.add((_name(entry), node))
            else:
                rest.append(call)
        if len(rest) == len(pending):
            index, _node, entry, wiring = rest[0]
            missing = sorted(
                f"{layer}[{n}]" for layer, n in wiring["uses"] if (layer, n) not in done
            )
            raise KerasImportError(
                ("config", "layers", index, "inbound_nodes"),
                _(
                    "layer '{name}' is called on {tensors}, which no input or layer of the "
                    "model produces (or which depends on it: a cycle)"
                ).format(name=_name(entry), tensors=", ".join(missing) or _("itself")),
            )
        pending = rest
    return ordered


def _endpoints(value: Any, key: str) -> list[tuple[str, int, int]]:
    """(layer, node, tensor) triples of `input_layers`/`output_layers`: `["x", 0, 0]` or a list."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return [(value[0], value[1], value[2])]
    if (
        isinstance(value, list)
        and value
        and all(
            isinstance(v, list)
            and len(v) == 3
            and isinstance(v[0], str)
            and isinstance(v[1], int)
            and isinstance(v[2], int)
            for v in value
        )
    ):
        return [(str(v[0]), v[1], v[2]) for v in value]
    raise KerasImportError(
        ("config", key), _("cannot read `{key}`: {value}").format(key=key, value=json.dumps(value))
    )


def _history(tensor: dict[str, Any], loc: Loc) -> tuple[str, int, int]:
    history = (tensor.get("config") or {}).get("keras_history")
    if not (
        isinstance(history, list)
        and len(history) == 3
        and isinstance(history[0], str)
        and isinstance(history[1], int)
        and isinstance(history[2], int)
    ):
        raise KerasImportError(
            loc,
            _("cannot read a tensor's keras_history: {value}").format(value=json.dumps(history)),
        )
    return history[0], history[1], history[2]


def _wiring(entry: dict[str, Any], node: Any, loc: Loc) -> dict[str, Any]:
    """What one call received: `inputs` (one ref, or a list for merges), `initial_state`, and
    the (layer, node) pairs it uses."""
    name = _name(entry)
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        args = node.get("args") or []
        kwargs = dict(node.get("kwargs") or {})
        if len(args) != 1:
            raise KerasImportError(
                (*loc, "args"),
                _(
                    "layer '{name}' is called with {count} positional arguments; layers take "
                    "one (a tensor, or a list of tensors)"
                ).format(name=name, count=len(args)),
            )
        first = args[0]
        if isinstance(first, list):
            refs: str | list[str] = [_ref(*_history(t, loc)) for t in _keras_tensors(first)]
        elif isinstance(first, dict) and first.get("class_name") == "__keras_tensor__":
            refs = _ref(*_history(first, loc))
        else:
            raise KerasImportError(
                (*loc, "args"), _("layer '{name}' is not called on a tensor").format(name=name)
            )
        given = kwargs.pop("initial_state", None)
        states = [_ref(*_history(t, loc)) for t in _keras_tensors(given)]
    else:  # tf.keras 2: [["source", node_index, tensor_index, {kwargs}], ...]
        if (
            not isinstance(node, list)
            or not node
            or not all(isinstance(c, list) and len(c) >= 3 for c in node)
        ):
            raise KerasImportError(
                loc, _("cannot read how layer '{name}' is called").format(name=name)
            )
        kwargs = {}
        for call in node:
            kwargs.update(call[3] if len(call) > 3 and isinstance(call[3], dict) else {})
        found = [_ref(c[0], c[1], c[2]) for c in node]
        refs = found if len(found) > 1 else found[0]
        states = []
        recurrent = "return_state" in getattr(LAYER_SPECS.get(_class(entry)), "model_fields", {})
        if recurrent and len(found) > 1:
            # tf.keras 2 writes `rnn(x, initial_state=[h, c])` as a call on [x, h, c].
            refs, states = found[0], found[1:]
    # `training` and `mask=None` change nothing we count; anything else would be lost.
    unsupported = sorted(k for k, v in kwargs.items() if k != "training" and v is not None)
    if unsupported:
        raise KerasImportError(
            loc,
            _(
                "layer '{name}' is called with {arguments}; call arguments other than the "
                "input tensors and initial_state are not supported"
            ).format(name=name, arguments=", ".join(unsupported)),
        )
    wiring: dict[str, Any] = {"inputs": refs}
    if states:
        wiring["initial_state"] = states
    used = [refs] if isinstance(refs, str) else list(refs)
    wiring["uses"] = [
        (layer, node_index) for layer, node_index, _tensor in (_split(r) for r in [*used, *states])
    ]
    return wiring


def _split(ref: str) -> tuple[str, int, int]:
    head, node, tensor = ref[:-1].rsplit("[", 2)
    return head, int(node.rstrip("]")), int(tensor.rstrip("]"))


def _keras_tensors(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            yield value
            return
        for item in value.values():
            yield from _keras_tensors(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keras_tensors(item)


# --- layers -----------------------------------------------------------------------------------


def _class(entry: Any) -> str:
    return entry.get("class_name", "") if isinstance(entry, dict) else ""


def _layer_label(name: str, class_name: str) -> str:
    """How an error names a layer: `layer 'encoder' (ConvLSTM2D)`."""
    return _("layer '{name}' ({type})").format(name=name, type=class_name)


def _name(entry: dict[str, Any]) -> str:
    return str(entry.get("name") or (entry.get("config") or {}).get("name") or "")


def _dtype_name(value: Any) -> str | None:
    """`"float32"`, or the name inside a serialized `DTypePolicy`."""
    if isinstance(value, dict):
        value = (value.get("config") or {}).get("name")
    return value if isinstance(value, str) else None


def _variable_dtype(policy: str) -> str:
    """Variables of `mixed_float16` layers are float32 (`keras.mixed_precision`)."""
    return "float32" if policy.startswith("mixed_") else policy


def _simplify(value: Any) -> Any:
    """A serialized initializer with default config → its string alias; anything else as is."""
    if (
        isinstance(value, dict)
        and value.get("module") == "keras.initializers"
        and value.get("registered_name") is None
        and value.get("config") in _DEFAULT_INITIALIZER_CONFIGS
        and isinstance(value.get("class_name"), str)
    ):
        from app.core.registry import snake_case

        return snake_case(value["class_name"])
    return value


class _Dtypes:
    """Collects the variable dtype of every layer; one model has one (our records have one)."""

    def __init__(self) -> None:
        self.model: str | None = None
        self.first: str = ""

    def layer_dtype(self, value: Any, label: str, loc: Loc) -> str | None:
        policy = _dtype_name(value)
        if policy is None:
            return None
        variables = _variable_dtype(policy)
        if variables not in DTYPE_BYTES:
            raise KerasImportError(
                loc,
                _(
                    "{layer} stores weights as {dtype}, which is not supported "
                    "(supported: {dtypes})"
                ).format(layer=label, dtype=variables, dtypes=", ".join(DTYPE_BYTES)),
            )
        if self.model is None:
            self.model, self.first = variables, label
        elif variables != self.model:
            raise KerasImportError(
                loc,
                _(
                    "{layer} stores weights as {dtype} but {first} uses {first_dtype}; models "
                    "whose layers mix weight dtypes are not supported"
                ).format(layer=label, dtype=variables, first=self.first, first_dtype=self.model),
            )
        return policy if policy != variables else None


def _layer(entry: Any, loc: Loc, dtypes: _Dtypes, first: bool) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise KerasImportError(loc, _("expected a layer object with class_name and config"))
    class_name = _class(entry)
    config = entry.get("config") or {}
    name = config.get("name") or _name(entry)
    label = _layer_label(name, class_name) if name else _("a {type} layer").format(type=class_name)
    if class_name == "Sequential":
        return _nested_sequential(config, name, loc, dtypes)
    if class_name in _MODEL_CLASSES:
        raise KerasImportError(
            (*loc, "class_name"),
            _(
                "{layer} is a nested functional model; only nested Sequential models are "
                "supported: add its layers to the outer model instead"
            ).format(layer=label),
        )
    if class_name not in LAYER_SPECS:
        hint = suggest_type(class_name) if class_name else None
        unsupported = (
            _(
                "{layer}: layer type '{type}' is not supported (did you mean '{hint}'?); "
                "supported: {types}"
            )
            if hint and hint != class_name
            else _("{layer}: layer type '{type}' is not supported; supported: {types}")
        )
        raise KerasImportError(
            (*loc, "class_name"),
            unsupported.format(
                layer=label, type=class_name, hint=hint, types=", ".join(sorted(LAYER_SPECS))
            ),
        )
    fields = LAYER_SPECS[class_name].model_fields
    spec: dict[str, Any] = {"type": class_name}
    for key, value in config.items():
        where = (*loc, "config", key)
        if key == "dtype":
            spec["dtype"] = dtypes.layer_dtype(value, label, where)
        elif key in _WRAPPED and key in fields:
            spec[key] = None if value is None else _layer(value, where, dtypes, first)
        elif key in fields:
            spec[key] = _simplify(value)
        elif (class_name, key) in _RENAMED:
            spec[_RENAMED[class_name, key]] = value
        elif first and key in (*_SHAPE_KEYS, "input_shape"):
            continue  # tf.keras 2 keeps the model's input shape on its first layer
        elif key in _HARMLESS and _HARMLESS[key](value):
            continue
        else:
            raise KerasImportError(
                where,
                _("{layer}: argument '{key}' = {value} is not supported").format(
                    layer=label, key=key, value=json.dumps(value)
                ),
            )
    if entry.get("registered_name") not in (None, class_name) and not str(
        entry.get("registered_name")
    ).startswith("keras"):
        raise KerasImportError(
            (*loc, "registered_name"),
            _(
                "{layer} is the custom class '{custom}'; only Keras's own layers are supported"
            ).format(layer=label, custom=entry["registered_name"]),
        )
    return spec


def _nested_sequential(
    config: dict[str, Any], name: str, loc: Loc, dtypes: _Dtypes
) -> dict[str, Any]:
    """A Sequential used as a layer: its layers (its InputLayer says nothing the outer model's
    tensor does not), its name and its freeze."""
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise KerasImportError(
            (*loc, "config", "layers"), _("nested model '{name}' has no layers").format(name=name)
        )
    layers = [
        _layer(entry, (*loc, "config", "layers", index), dtypes, first=False)
        for index, entry in enumerate(entries)
        if _class(entry) != "InputLayer"
    ]
    if not layers:
        raise KerasImportError(
            (*loc, "config", "layers"), _("nested model '{name}' has no layers").format(name=name)
        )
    spec: dict[str, Any] = {"type": "Sequential", "name": name, "layers": layers}
    if config.get("trainable") is False:
        spec["trainable"] = False
    return spec


def _build_graph(config: dict[str, Any], graph: dict[str, Any]) -> SummaryRequest:
    dtypes = _Dtypes()
    entries: list[dict[str, Any]] = []
    origin: list[tuple[int, dict[str, Any]]] = []
    first_input = True
    for index, node, entry, wiring in graph["calls"]:
        call = {k: v for k, v in wiring.items() if k != "uses"}
        if node == 0:
            spec = _layer(entry, ("config", "layers", index), dtypes, first_input)
            spec["name"] = _name(entry)
            if config.get("trainable") is False:
                spec["trainable"] = False
            entries.append({**spec, **call})
            first_input = False
        else:
            entries.append({"call": _name(entry), **call})
        origin.append((index, entry))
    body: dict[str, Any] = {
        "inputs": graph["inputs"],
        "layers": entries,
        "outputs": graph["outputs"],
        "dtype": dtypes.model or "float32",
    }
    if graph["name"]:
        body["name"] = graph["name"]
    batches = {i["batch_size"] for i in graph["inputs"] if "batch_size" in i}
    if len(batches) == 1:
        body["batch_size"] = batches.pop()
    try:
        return SummaryRequest.model_validate(body)
    except ValidationError as error:
        raise _located(error, body, origin) from None


def _located(
    error: ValidationError, body: dict[str, Any], origin: list[tuple[int, dict[str, Any]]]
) -> KerasImportError:
    """The first validation error, located in the user's JSON, in the words and the language
    `POST /summary`'s 422 would use (`app.errors.user_errors`)."""
    first = user_errors([dict(e) for e in error.errors()], body)[0]
    loc = [p for p in first["loc"] if not (isinstance(p, str) and p in ENTRY_TAGS)]
    msg = localized(first["msg"], _)
    if loc and loc[0] == "layers" and len(loc) > 1 and isinstance(loc[1], int):
        index, entry = origin[loc[1]]
        where: Loc = ("config", "layers", index, "config", *loc[2:])
        label = _layer_label(_name(entry), _class(entry))
        detail = ".".join(str(p) for p in loc[2:])
        return KerasImportError(
            where, _("{layer}: {field}: {problem}").format(layer=label, field=detail, problem=msg)
        )
    return KerasImportError(
        ("config", "layers", 0),
        _("the model's input: {field}: {problem}").format(
            field=".".join(map(str, loc)), problem=msg
        ),
    )


def _build(
    model: dict[str, Any],
    config: dict[str, Any],
    input_shape: list[Any],
    chain: list[tuple[int, dict[str, Any]]],
) -> SummaryRequest:
    dtypes = _Dtypes()
    specs, keras_index = [], []
    for position, (index, entry) in enumerate(chain):
        specs.append(_layer(entry, ("config", "layers", index), dtypes, position == 0))
        keras_index.append(index)
    if config.get("trainable") is False:  # a frozen model freezes every layer's weights
        for spec in specs:
            spec["trainable"] = False
    batch = input_shape[0] if input_shape else None
    body: dict[str, Any] = {
        "input_shape": input_shape[1:],
        "layers": specs,
        "dtype": dtypes.model or "float32",
    }
    if isinstance(batch, int) and batch >= 1:
        body["batch_size"] = batch
    name = config.get("name")
    if isinstance(name, str) and name and name != "sequential":
        body["name"] = name  # Keras's summary prints it: `Model: "my_model"`
    try:
        return SummaryRequest.model_validate(body)
    except ValidationError as error:
        origin = [(i, chain[k][1]) for k, i in enumerate(keras_index)]
        raise _located(error, body, origin) from None

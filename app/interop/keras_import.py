"""Keras model JSON (`model.to_json()`) → our spec (`SummaryRequest`).

Accepts Keras 3 and tf.keras 2 JSON for `Sequential` models and `Functional` models that are a
single chain (one input, one output, every layer called once on the previous layer's output).
Every layer becomes the spec of the same Keras class with the same arguments and the user's
name. Anything we cannot represent exactly is an error that names the layer and what is
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
from app.interop.arguments import explicit_arguments
from app.schema import DTYPE_BYTES, LAYER_SPECS, SummaryRequest, suggest_type

Loc = tuple[str | int, ...]

_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_WRAPPED = ("layer", "backward_layer")
_SHAPE_KEYS = ("batch_shape", "batch_input_shape")

# Keras config keys our specs do not carry, with the values that change nothing we compute.
# `zero_output_for_mask` only matters with masking; `rms_scaling=True` would drop beta.
_HARMLESS: dict[str, Any] = {
    "zero_output_for_mask": lambda value: True,
    "rms_scaling": lambda value: value is False,
}

# Serialized initializers whose config is all defaults are written as Keras's string alias.
_DEFAULT_INITIALIZER_CONFIGS = (
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
        for _ in range(2):  # a pasted string may itself be JSON-encoded once more
            if not isinstance(value, str | bytes):
                break
            value = json_guard.parse(value)
    except json_guard.JSONProblem as problem:
        syntax = problem.kind == "json_invalid" and not isinstance(value, dict | list)
        raise KerasImportError(problem.loc, ("not valid JSON: " if syntax else "") + problem.msg
                               ) from None
    if not isinstance(value, dict):
        raise KerasImportError(
            (), f"expected a Keras model object (what model.to_json() returns); received "
            f"{type(value).__name__}",
        )
    return value


def looks_like_keras(data: dict[str, Any]) -> bool:
    """A Keras model JSON has `class_name` and `config`; our spec has `input_shape`, `layers`."""
    return "class_name" in data and "config" in data


def import_keras(data: str | bytes | dict[str, Any]) -> SummaryRequest:
    """Our spec for a Keras `Sequential` or single-chain `Functional` model."""
    model = parse_model_json(data)
    class_name = model.get("class_name")
    config = model.get("config")
    if class_name not in _MODEL_CLASSES:
        raise KerasImportError(
            ("class_name",),
            f"model class '{class_name}' is not supported; export a Sequential or Functional "
            "model with model.to_json()",
        )
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise KerasImportError(("config", "layers"), "the model has no list of layers")
    if class_name == "Sequential":
        input_shape, chain = _sequential(model, config)
    else:
        input_shape, chain = _functional(config)
    return _build(model, config, input_shape, chain)


def compact(request: SummaryRequest) -> dict[str, Any]:
    """The spec as JSON with default arguments left out (what the editor shows)."""

    def layer(spec: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": spec.type}
        for key, value in explicit_arguments(spec).items():
            out[key] = layer(value) if key in _WRAPPED and value is not None else value
        return out

    body = request.model_dump(mode="json", include={"input_shape", "batch_size", "dtype"})
    body["layers"] = [layer(spec) for spec in request.layers]
    return json.loads(json.dumps(body))  # tuples → lists, as the API sends them


# --- Sequential -------------------------------------------------------------------------------


def _sequential(model: dict, config: dict) -> tuple[list, list[tuple[int, dict]]]:
    layers = list(enumerate(config["layers"]))
    input_shape = None
    if layers and _class(layers[0][1]) == "InputLayer":
        input_shape = _input_layer_shape(layers[0][1], ("config", "layers", 0))
        layers = layers[1:]
    for index, entry in layers:
        if _class(entry) == "InputLayer":
            raise KerasImportError(
                ("config", "layers", index, "class_name"),
                f"layer {index} is an InputLayer; only the first layer of a Sequential may be",
            )
    if not layers:
        raise KerasImportError(("config", "layers"), "the model has no layers besides its input")
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
            "the model has no input shape; start it with keras.Input(shape=...) or build it "
            "before calling to_json()",
        )
    return list(input_shape), layers


def _input_layer_shape(entry: dict, loc: Loc) -> list:
    config = entry.get("config") or {}
    for key in _SHAPE_KEYS:
        if isinstance(config.get(key), list):
            return config[key]
    raise KerasImportError((*loc, "config"), "the InputLayer has no batch_shape")


# --- Functional -------------------------------------------------------------------------------


def _functional(config: dict) -> tuple[list, list[tuple[int, dict]]]:
    entries = config["layers"]
    index_of: dict[str, int] = {}
    for index, entry in enumerate(entries):
        index_of[_name(entry)] = index
    inputs = _endpoints(config.get("input_layers"), "input_layers")
    outputs = _endpoints(config.get("output_layers"), "output_layers")
    if [index for _, index in outputs] == list(range(len(outputs))) and len(
        {name for name, _ in outputs}
    ) == 1:
        outputs = outputs[:1]  # all outputs of the last layer (return_state=True), in order
    if len(inputs) != 1 or len(outputs) != 1:
        raise KerasImportError(
            ("config", "input_layers" if len(inputs) != 1 else "output_layers"),
            f"the model has {len(inputs)} inputs and {len(outputs)} outputs; only models with "
            "one input and one output (a single chain of layers) are supported",
        )
    consumers: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        if _class(entry) == "InputLayer":
            continue
        source = _single_source(entry, ("config", "layers", index))
        if source not in index_of:
            raise KerasImportError(
                ("config", "layers", index, "inbound_nodes"),
                f"layer '{_name(entry)}' is called on '{source}', which is not a layer of the "
                "model",
            )
        consumers.setdefault(source, []).append(index)
    (input_name, _), (output_name, _) = inputs[0], outputs[0]
    if input_name not in index_of or _class(entries[index_of[input_name]]) != "InputLayer":
        raise KerasImportError(
            ("config", "input_layers"), f"input '{input_name}' is not an InputLayer"
        )
    where_input = index_of[input_name]
    input_shape = _input_layer_shape(entries[where_input], ("config", "layers", where_input))
    chain: list[tuple[int, dict]] = []
    current = input_name
    while current != output_name:
        following = consumers.get(current, [])
        if len(following) != 1:
            where = index_of[current]
            names = ", ".join(f"'{_name(entries[i])}'" for i in following)
            raise KerasImportError(
                ("config", "layers", where),
                f"the output of layer '{current}' "
                + (f"feeds {len(following)} layers ({names}); branches are not supported, only a "
                   "single chain of layers" if following else "is not used, and it is not the "
                   "model's output"),
            )
        current = _name(entries[following[0]])
        chain.append((following[0], entries[following[0]]))
    on_chain = {input_name, *(_name(entry) for _, entry in chain)}
    for index, entry in enumerate(entries):
        if _name(entry) not in on_chain:
            raise KerasImportError(
                ("config", "layers", index),
                f"layer '{_name(entry)}' ({_class(entry)}) is not on the path from the input to "
                "the output; only a single chain of layers is supported",
            )
    if not chain:
        raise KerasImportError(("config", "layers"), "the model has no layers besides its input")
    return list(input_shape), chain


def _endpoints(value: Any, key: str) -> list[tuple[str, int]]:
    """(layer, tensor index) pairs of `input_layers`/`output_layers`: `["x", 0, 0]` or a list."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return [(value[0], value[2])]
    if isinstance(value, list) and value and all(
        isinstance(v, list) and len(v) == 3 for v in value
    ):
        return [(str(v[0]), v[2]) for v in value]
    raise KerasImportError(("config", key), f"cannot read `{key}`: {json.dumps(value)}")


def _single_source(entry: dict, loc: Loc) -> str:
    """The one layer whose first output this layer is called on, or an error saying why not."""
    nodes = entry.get("inbound_nodes") or []
    name = _name(entry)
    if len(nodes) != 1:
        raise KerasImportError(
            (*loc, "inbound_nodes"),
            f"layer '{name}' is called {len(nodes)} times; shared layers are not supported"
            if nodes else f"layer '{name}' is not connected to anything",
        )
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        tensors = list(_keras_tensors(node.get("args", [])))
        extra = list(_keras_tensors(node.get("kwargs", {})))
        histories = [t["config"]["keras_history"] for t in tensors]
        kwargs = node.get("kwargs") or {}
    else:  # tf.keras 2: [["source", node_index, tensor_index, {kwargs}], ...]
        histories = [call[:3] for call in node]
        extra = []
        kwargs = {}
        for call in node:
            kwargs.update(call[3] if len(call) > 3 and isinstance(call[3], dict) else {})
    if len(histories) != 1 or extra:
        raise KerasImportError(
            (*loc, "inbound_nodes"),
            f"layer '{name}' takes {len(histories) + len(extra)} input tensors; only layers "
            "called on exactly one tensor form a chain",
        )
    # `training` changes nothing we count; any other call argument (a mask, initial_state)
    # would be lost.
    unsupported = sorted(k for k, v in kwargs.items() if k != "training" and v is not None)
    if unsupported:
        raise KerasImportError(
            (*loc, "inbound_nodes"),
            f"layer '{name}' is called with {', '.join(unsupported)}; call arguments "
            "other than the input tensor are not supported",
        )
    source, _node_index, tensor_index = histories[0]
    if tensor_index != 0:
        raise KerasImportError(
            (*loc, "inbound_nodes"),
            f"layer '{name}' uses output {tensor_index} of layer '{source}'; only the first "
            "output of a layer can feed the next one",
        )
    return str(source)


def _keras_tensors(value: Any) -> Iterator[dict]:
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


def _name(entry: dict) -> str:
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
                loc, f"{label} stores weights as {variables}, which is not supported "
                f"(supported: {', '.join(DTYPE_BYTES)})",
            )
        if self.model is None:
            self.model, self.first = variables, label
        elif variables != self.model:
            raise KerasImportError(
                loc, f"{label} stores weights as {variables} but {self.first} uses "
                f"{self.model}; models whose layers mix weight dtypes are not supported",
            )
        return policy if policy != variables else None


def _layer(entry: Any, loc: Loc, dtypes: _Dtypes, first: bool) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise KerasImportError(loc, "expected a layer object with class_name and config")
    class_name = _class(entry)
    config = entry.get("config") or {}
    name = config.get("name") or _name(entry)
    label = f"layer '{name}' ({class_name})" if name else f"a {class_name} layer"
    if class_name in _MODEL_CLASSES:
        raise KerasImportError(
            (*loc, "class_name"),
            f"{label} is a nested model; nested models are not supported, add its layers "
            "to the outer model instead",
        )
    if class_name not in LAYER_SPECS:
        hint = suggest_type(class_name) if class_name else None
        raise KerasImportError(
            (*loc, "class_name"),
            f"{label}: layer type '{class_name}' is not supported"
            + (f" (did you mean '{hint}'?)" if hint and hint != class_name else "")
            + f"; supported: {', '.join(sorted(LAYER_SPECS))}",
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
        elif first and key in (*_SHAPE_KEYS, "input_shape"):
            continue  # tf.keras 2 keeps the model's input shape on its first layer
        elif key in _HARMLESS and _HARMLESS[key](value):
            continue
        else:
            raise KerasImportError(
                where, f"{label}: argument '{key}' = {json.dumps(value)} is not supported",
            )
    if entry.get("registered_name") not in (None, class_name) and not str(
        entry.get("registered_name")
    ).startswith("keras"):
        raise KerasImportError(
            (*loc, "registered_name"),
            f"{label} is the custom class '{entry['registered_name']}'; only Keras's own "
            "layers are supported",
        )
    return spec


def _build(
    model: dict, config: dict, input_shape: list, chain: list[tuple[int, dict]]
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
    try:
        return SummaryRequest.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [p for p in first["loc"] if not (isinstance(p, str) and p in LAYER_SPECS)]
        msg = str(first.get("msg", "")).removeprefix("Value error, ")
        if loc and loc[0] == "layers" and len(loc) > 1 and isinstance(loc[1], int):
            entry = chain[loc[1]][1]
            where: Loc = ("config", "layers", keras_index[loc[1]], "config", *loc[2:])
            label = f"layer '{_name(entry)}' ({_class(entry)})"
            detail = ".".join(str(p) for p in loc[2:])
            raise KerasImportError(where, f"{label}: {detail}: {msg}") from None
        raise KerasImportError(
            ("config", "layers", 0), f"the model's input: {'.'.join(map(str, loc))}: {msg}"
        ) from None

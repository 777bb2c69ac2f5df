"""Our spec → Keras Python code that builds exactly this model.

The code is a `keras.Sequential` of `keras.Input(shape=...)` and one `keras.layers.<Type>(...)`
call per layer, passing only the arguments that differ from Keras's defaults, plus every layer's
name (so `model.summary()` shows the same names as ours in any session). Every value is written
with `repr`, so user text (names) can never break out of its string literal. Serialized Keras
objects are rebuilt as Keras looks them up: an activation layer object as its constructor call
(`activation=keras.layers.LeakyReLU(negative_slope=0.2)`), a serialised function as its name,
an initializer, regularizer or constraint with its kind's `get` (`keras.regularizers.get(...)`,
which finds `class_name` without a `module`), anything else with
`keras.saving.deserialize_keras_object`.

A frozen layer (`"trainable": false`) is frozen after the model is built, with the
`layer.trainable = False` setter: Keras's constructor argument does not reach weights owned by
sub-layers (a ConvLSTM's cell, a wrapper's inner layers), so it would not freeze them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from app.core.conv_lstm import PAPER_OPTIONS
from app.core.errors import SpecError
from app.core.graph import parse_ref
from app.core.nested import SequentialSpec
from app.core.records import LayerRecord, ModelSummary
from app.core.translation import gettext as _
from app.core.wrappers import BidirectionalSpec, TimeDistributedSpec
from app.interop.arguments import explicit_arguments
from app.interop.identifiers import fresh_identifier
from app.schema import LAYER_SPECS, LayerCallSpec, LayerSpecBase, SummaryRequest

_INDENT = "    "
_WRAPPED = ("layer", "backward_layer")


def _value(value: Any) -> str:
    if isinstance(value, dict) and "class_name" in value:
        return f"keras.saving.deserialize_keras_object({value!r})"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str):
        # A JSON string literal is a valid Python one (quotes, backslashes, control characters
        # escaped), in the double quotes Python style guides prefer.
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


# An argument's name ends with its kind: `kernel_initializer` → `keras.initializers.get`.
_KINDS = {
    "_initializer": "initializers",
    "_regularizer": "regularizers",
    "_constraint": "constraints",
}


def _argument(key: str, value: Any, depth: int) -> str:
    """One constructor argument's value as code (see the module docstring)."""
    if isinstance(value, dict) and "class_name" in value:
        if key.endswith("activation"):
            return _activation_object(value, depth)
        kind = next((k for suffix, k in _KINDS.items() if key.endswith(suffix)), None)
        if kind is not None:
            return f"keras.{kind}.get({value!r})"
    return _value(value)


def _activation_object(value: dict[str, Any], depth: int) -> str:
    """`keras.layers.LeakyReLU(negative_slope=0.2)`, or a serialised function's name."""
    name, config = value["class_name"], value.get("config") or {}
    if name == "function":
        return _value(config)
    spec = LAYER_SPECS[name].model_validate({**config, "type": name})
    # Its own name, dtype and trainable change nothing here: the host layer owns it.
    spec = spec.model_copy(update={"name": None, "dtype": None, "trainable": True})
    return _call(spec, None, depth, None)


def _call(spec: LayerSpecBase, record: LayerRecord | None, depth: int, dtype: str | None) -> str:
    """`keras.layers.ConvLSTM2D(filters=30, ...)`, one argument per line when it is long."""
    arguments = explicit_arguments(spec)
    arguments.pop("trainable", None)  # frozen after construction: see `_freezes`
    name = record.name if record is not None else arguments.get("name")
    arguments.pop("name", None)
    if name is not None:
        arguments["name"] = name  # last, as Keras's own examples put it
    if dtype is not None and arguments.get("dtype") is None:
        arguments["dtype"] = dtype
    if isinstance(spec, SequentialSpec):  # a nested model: `keras.Sequential([...], name=...)`
        inner = [_call(layer, None, depth + 2, dtype) for layer in spec.layers]
        indent = _INDENT * (depth + 2)
        return (
            "keras.Sequential(\n"
            + _INDENT * (depth + 1)
            + "[\n"
            + "".join(f"{indent}{line},\n" for line in inner)
            + _INDENT * (depth + 1)
            + "],\n"
            + (_INDENT * (depth + 1) + f"name={_value(name)},\n" if name is not None else "")
            + _INDENT * depth
            + ")"
        )
    parts = []
    for key, value in arguments.items():
        if key in _WRAPPED and value is not None:
            wrapped = record.layer if key == "layer" and record is not None else None
            parts.append(f"{key}={_call(value, wrapped, depth + 1, dtype)}")
        else:
            parts.append(f"{key}={_argument(key, value, depth + 1)}")
    head = f"keras.layers.{spec.type}("
    one_line = head + ", ".join(parts) + ")"
    if len(one_line) + len(_INDENT) * depth <= 92 and "\n" not in one_line:
        return one_line
    inner_indent = _INDENT * (depth + 1)
    return head + "\n" + "".join(f"{inner_indent}{p},\n" for p in parts) + _INDENT * depth + ")"


def _freezes(spec: LayerSpecBase, access: str) -> list[str]:
    """`model.get_layer("x").trainable = False` lines, wrapped layers included."""
    lines = [] if spec.trainable else [f"{access}.trainable = False"]
    if isinstance(spec, TimeDistributedSpec):
        lines += _freezes(spec.layer, f"{access}.layer")
    if isinstance(spec, BidirectionalSpec):
        # Keras rebuilds both copies from the wrapped layer's config, so freeze the copies.
        lines += _freezes(spec.layer, f"{access}.forward_layer")
        backward = spec.backward_layer if spec.backward_layer is not None else spec.layer
        lines += _freezes(backward, f"{access}.backward_layer")
    if isinstance(spec, SequentialSpec):
        for index, inner in enumerate(spec.layers):
            lines += _freezes(inner, f"{access}.layers[{index}]")
    return lines


def _identifiers() -> Callable[[str], str]:
    """A distinct Python variable name for each tensor or layer name (`enc[0][1]` → `enc_0_1`)."""
    taken: set[str] = {"keras", "model"}
    return lambda name: fresh_identifier(name, taken)


def _tuple(values: list[int | None]) -> str:
    """`(15, 40, 40, 3)`, `(3,)`: a Python tuple literal."""
    return "(" + ", ".join(repr(d) for d in values) + (",)" if len(values) == 1 else ")")


def _functional_code(request: SummaryRequest, summary: ModelSummary) -> str:
    """`keras.Model(inputs, outputs)` built with the functional API, one call per entry."""
    dtype = None if request.dtype == "float32" else request.dtype
    make = _identifiers()
    variables: dict[str, str] = {}  # tensor reference `layer[node][tensor]` → variable
    layers: dict[str, str] = {}  # layer name → variable holding the layer
    lines: list[str] = []
    assert summary.graph is not None
    inputs = request.inputs or []
    for given, input_record in zip(inputs, summary.graph.inputs, strict=True):
        variable = make(input_record.name)
        variables[f"{input_record.name}[0][0]"] = variable
        shape = _tuple(given.shape)
        batch = f", batch_size={given.batch_size}" if given.batch_size is not None else ""
        lines.append(
            f"{variable} = keras.Input(shape={shape}{batch}, name={_value(input_record.name)})"
        )
    built = {(r.index, r.node_index): r for r in summary.layers}
    calls: dict[str, int] = {}
    previous = f"{summary.graph.inputs[0].name}[0][0]"
    freezes: list[str] = []

    def tensor(ref: str) -> str:
        layer, node, index = parse_ref(ref)
        return variables[f"{layer}[{node}][{index}]"]

    for index, entry in enumerate(request.layers):
        if isinstance(entry, LayerCallSpec):
            name = entry.call
        else:
            record = next(r for (i, _), r in built.items() if i == index)
            name = record.name
            layers[name] = make(name)
            lines.append(f"{layers[name]} = {_call(entry, record, 0, dtype)}")
            freezes += _freezes(entry, layers[name])
        node = calls.get(name, 0)
        calls[name] = node + 1
        wiring = entry.inputs if entry.inputs is not None else previous
        argument = (
            "[" + ", ".join(tensor(r) for r in wiring) + "]"
            if isinstance(wiring, list)
            else tensor(wiring)
        )
        if entry.initial_state:
            states = ", ".join(tensor(r) for r in entry.initial_state)
            argument += f", initial_state=[{states}]"
        outputs = next(
            (r.output_shape for r in summary.layers if r.name == name and r.node_index == node),
            None,
        )
        count = len(outputs) if isinstance(outputs, list) else 1
        stem = f"{name}_out" + (str(node) if node else "")
        results = [make(stem if count == 1 else f"{stem}_{t}") for t in range(count)]
        for t, variable in enumerate(results):
            variables[f"{name}[{node}][{t}]"] = variable
        lines.append(f"{', '.join(results)} = {layers[name]}({argument})")
        previous = f"{name}[{node}][0]"
    model_inputs = ", ".join(variables[f"{i.name}[0][0]"] for i in summary.graph.inputs)
    model_outputs = ", ".join(tensor(r) for r in summary.graph.outputs)
    # Always named: Keras's automatic name depends on what the script built before.
    name = f", name={_value(summary.graph.name)}"
    return (
        '"""Builds the model described by ConvLSTM Cost Explorer; prints Keras\'s summary."""\n'
        "\n"
        "import keras\n"
        "\n"
        + "".join(f"{line}\n" for line in lines)
        + f"model = keras.Model(inputs=[{model_inputs}], outputs=[{model_outputs}]{name})\n"
        + "".join(f"{line}\n" for line in freezes)
        + "\n"
        'if __name__ == "__main__":\n'
        f"{_INDENT}model.summary()\n"
    )


def _refuse_paper_options(specs: Iterable[Any], loc: tuple[str | int, ...] = ("layers",)) -> None:
    """Keras cannot build the papers' ConvLSTM options: say so instead of writing code that
    fails (they count under another convention; the PyTorch code export writes them)."""
    for index, spec in enumerate(specs):
        if not isinstance(spec, LayerSpecBase):
            continue
        for field, default in PAPER_OPTIONS.items():
            if getattr(spec, field, default) != default:
                raise SpecError(
                    (*loc, index, field),
                    _(
                        "Keras cannot build `{field}` (a ConvLSTM option from the papers, which "
                        "Keras lacks); export PyTorch code instead"
                    ).format(field=field),
                )
        for nested in ("layer", "backward_layer"):
            if isinstance(getattr(spec, nested, None), LayerSpecBase):
                _refuse_paper_options([getattr(spec, nested)], (*loc, index, nested))
        if isinstance(spec, SequentialSpec):
            _refuse_paper_options(spec.layers, (*loc, index, "layers"))


def keras_code(request: SummaryRequest, summary: ModelSummary | None = None) -> str:
    """A runnable script; `summary` supplies the names Keras would give unnamed layers."""
    _refuse_paper_options(request.layers)
    if request.is_graph:
        from app.core.model import summarize

        return _functional_code(request, summary or summarize(request))
    # A chain calls every layer once: an entry that calls a layer again makes `is_graph` true.
    layers = [entry for entry in request.layers if not isinstance(entry, LayerCallSpec)]
    records = summary.layers if summary is not None else [None] * len(layers)
    # Our summary counts bytes for one dtype; Keras needs it on every layer to store weights so.
    dtype = None if request.dtype == "float32" else request.dtype
    if request.input_shape is None:
        raise ValueError("a chain's request has an input_shape (its validator says so)")
    shape = _tuple(request.input_shape)
    layer_lines = "".join(
        f"{_INDENT * 2}{_call(spec, record, 2, dtype)},\n"
        for spec, record in zip(layers, records, strict=True)
    )
    freeze_lines = "".join(
        f"{line}\n"
        for index, (spec, record) in enumerate(zip(layers, records, strict=True))
        for line in _freezes(
            spec,
            f"model.get_layer({_value(record.name)})"
            if record is not None
            else f"model.layers[{index}]",
        )
    )
    # Named when the summary's name is not Keras's plain `sequential` (given, or `sequential_1`
    # after a nested Sequential, whose explicit name here would not take that number).
    name = request.name or (summary.name if summary is not None else None)
    return (
        '"""Builds the model described by ConvLSTM Cost Explorer; prints Keras\'s summary."""\n'
        "\n"
        "import keras\n"
        "\n"
        "model = keras.Sequential(\n"
        f"{_INDENT}[\n"
        f"{_INDENT * 2}keras.Input(shape={shape}),\n"
        f"{layer_lines}"
        + (f"{_INDENT}],\n{_INDENT}name={_value(name)},\n" if name else f"{_INDENT}]\n")
        + ")\n"
        f"{freeze_lines}"
        "\n"
        'if __name__ == "__main__":\n'
        f"{_INDENT}model.summary()\n"
    )

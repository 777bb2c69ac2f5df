"""Our spec → Keras Python code that builds exactly this model.

The code is a `keras.Sequential` of `keras.Input(shape=...)` and one `keras.layers.<Type>(...)`
call per layer, passing only the arguments that differ from Keras's defaults, plus every layer's
name (so `model.summary()` shows the same names as ours in any session). Every value is written
with `repr`, so user text (names) can never break out of its string literal. Serialized Keras
objects (a custom initializer, a regularizer) are rebuilt with
`keras.saving.deserialize_keras_object`.

A frozen layer (`"trainable": false`) is frozen after the model is built, with the
`layer.trainable = False` setter: Keras's constructor argument does not reach weights owned by
sub-layers (a ConvLSTM's cell, a wrapper's inner layers), so it would not freeze them.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.records import LayerRecord, ModelSummary
from app.interop.arguments import explicit_arguments
from app.schema import BidirectionalSpec, LayerSpecBase, SummaryRequest, TimeDistributedSpec

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
    parts = []
    for key, value in arguments.items():
        if key in _WRAPPED and value is not None:
            inner = record.layer if key == "layer" and record is not None else None
            parts.append(f"{key}={_call(value, inner, depth + 1, dtype)}")
        else:
            parts.append(f"{key}={_value(value)}")
    head = f"keras.layers.{spec.type}("  # type: ignore[attr-defined]
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
    return lines


def keras_code(request: SummaryRequest, summary: ModelSummary | None = None) -> str:
    """A runnable script; `summary` supplies the names Keras would give unnamed layers."""
    records = summary.layers if summary is not None else [None] * len(request.layers)
    # Our summary counts bytes for one dtype; Keras needs it on every layer to store weights so.
    dtype = None if request.dtype == "float32" else request.dtype
    shape = "(" + ", ".join(repr(d) for d in request.input_shape) + (
        ",)" if len(request.input_shape) == 1 else ")"
    )
    layer_lines = "".join(
        f"{_INDENT * 2}{_call(spec, record, 2, dtype)},\n"
        for spec, record in zip(request.layers, records, strict=True)
    )
    freeze_lines = "".join(
        f"{line}\n"
        for index, (spec, record) in enumerate(zip(request.layers, records, strict=True))
        for line in _freezes(
            spec,
            f"model.get_layer({_value(record.name)})" if record is not None
            else f"model.layers[{index}]",
        )
    )
    return (
        '"""Builds the model described by ConvLSTM Cost Explorer; prints Keras\'s summary."""\n'
        "\n"
        "import keras\n"
        "\n"
        "model = keras.Sequential(\n"
        f"{_INDENT}[\n"
        f"{_INDENT * 2}keras.Input(shape={shape}),\n"
        f"{layer_lines}"
        f"{_INDENT}]\n"
        ")\n"
        f"{freeze_lines}"
        "\n"
        'if __name__ == "__main__":\n'
        f"{_INDENT}model.summary()\n"
    )

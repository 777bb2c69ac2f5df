"""Our spec → Keras Python code that builds exactly this model.

The code is a `keras.Sequential` of `keras.Input(shape=...)` and one `keras.layers.<Type>(...)`
call per layer, passing only the arguments that differ from Keras's defaults, plus every layer's
name (so `model.summary()` shows the same names as ours in any session). Every value is written
with `repr`, so user text (names) can never break out of its string literal. Serialized Keras
objects (a custom initializer, a regularizer) are rebuilt with
`keras.saving.deserialize_keras_object`.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.records import LayerRecord, ModelSummary
from app.interop.arguments import explicit_arguments
from app.schema import LayerSpecBase, SummaryRequest

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
        "\n"
        'if __name__ == "__main__":\n'
        f"{_INDENT}model.summary()\n"
    )

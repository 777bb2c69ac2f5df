"""The arguments of a layer spec that differ from Keras's defaults.

Shared by the importer (compact specs for the editor) and the code exporter (idiomatic Keras
calls): an argument equal to its default, including an int default repeated to the layer's rank
(`strides=1` vs `(1, 1)`), says nothing and is left out.
"""

from __future__ import annotations

from typing import Any

from app.schema import WIRING_FIELDS, LayerSpecBase


def _is_default(value: Any, default: Any) -> bool:
    if value == default:
        return True
    return (
        isinstance(default, int)
        and not isinstance(default, bool)
        and isinstance(value, tuple)
        and len(value) > 0
        and all(v == default for v in value)
    )


def explicit_arguments(spec: LayerSpecBase) -> dict[str, Any]:
    """`{argument: value}` for every argument that is not at its default; `type` and the graph
    wiring (`inputs`, `initial_state`: call arguments, not constructor ones) excluded."""
    out: dict[str, Any] = {}
    for field, info in type(spec).model_fields.items():
        if field == "type" or field in WIRING_FIELDS:
            continue
        value = getattr(spec, field)
        if info.is_required() or not _is_default(value, info.default):
            out[field] = value
    return out

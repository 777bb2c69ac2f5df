"""Turns validation failures into FastAPI's 422 format with plain-words messages.

pydantic puts the discriminator value into the location of a tagged union member
(`layers.2.ConvLSTM2D.kernel_size`); users think of `layers.2.kernel_size`, so the tag is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.core.errors import SpecError
from app.schema import ENTRY_TAGS, suggest_argument, suggest_type

_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "less_than_equal": ("at most", "le"),
}


def _layer_type_at(body: Any, loc: Sequence[Any]) -> str | None:
    """The `type` of the layer object that `loc` (already without tags) ends inside."""
    node, layer_type = body, None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return layer_type
        if isinstance(node, dict) and isinstance(node.get("type"), str):
            layer_type = node["type"]
    return layer_type


def clean_error(error: dict[str, Any], body: Any) -> dict[str, Any]:
    loc = [p for p in error["loc"] if not (isinstance(p, str) and p in ENTRY_TAGS)]
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    kind = error.get("type")
    if kind == "extra_forbidden":
        layer_type = _layer_type_at(body, loc[1:-1]) if loc and loc[0] == "body" else None
        unknown = str(loc[-1])
        msg = f"{layer_type or 'this object'} has no argument '{unknown}'"
        hint = suggest_argument(layer_type, unknown) if layer_type else None
        if hint:
            msg += f"; did you mean '{hint}'?"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        received = (error.get("ctx") or {}).get("tag")
        if received is None:
            msg = "each layer needs a 'type', e.g. \"ConvLSTM2D\""
        else:
            msg = f"unsupported layer type '{received}'"
            hint = suggest_type(str(received))
            if hint:
                msg += f"; did you mean '{hint}'?"
        loc = [*loc, "type"]
    elif kind == "missing" and loc:
        layer_type = _layer_type_at(body, loc[1:-1]) if loc[0] == "body" else None
        msg = f"{layer_type} needs '{loc[-1]}'" if layer_type else f"'{loc[-1]}' is required"
    elif kind in _BOUNDS and loc:
        field = next((p for p in reversed(loc) if isinstance(p, str)), "value")
        if isinstance(loc[-1], int):
            field = f"{field}[{loc[-1]}]"
        limit = (error.get("ctx") or {}).get(_BOUNDS[kind][1])
        msg = f"{field} must be {_BOUNDS[kind][0]} {limit}; received {error.get('input')!r}"
    cleaned = {"type": kind, "loc": loc, "msg": msg}
    if "input" in error:
        cleaned["input"] = error["input"]
    return cleaned


def spec_error_detail(error: SpecError) -> list[dict[str, Any]]:
    return [{"type": "value_error", "loc": ["body", *error.loc], "msg": error.msg}]

"""Turns validation failures into FastAPI's 422 format with plain-words messages.

pydantic puts the discriminator value into the location of a tagged union member
(`layers.2.ConvLSTM2D.kernel_size`); users think of `layers.2.kernel_size`, so the tag is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from app.core.errors import SpecError
from app.json_guard import MAX_DEPTH, JSONProblem, shown_text
from app.schema import ENTRY_TAGS, suggest_argument, suggest_type

# An error echoes what it refused; a body's worth of text is enough to recognise it.
MAX_ECHO_CHARS = 1000

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
        got = echo(error.get("input"))
        msg = f"{field} must be {_BOUNDS[kind][0]} {limit}; received {got!r}"
    cleaned = {"type": kind, "loc": loc, "msg": msg}
    if "input" in error:
        cleaned["input"] = error["input"]
    return cleaned


def spec_error_detail(error: SpecError) -> list[dict[str, Any]]:
    return [{"type": "value_error", "loc": ["body", *error.loc], "msg": error.msg}]


def echo(value: Any, depth: int = 0) -> Any:
    """`value` as an error's `input` can always carry it in JSON: non-finite floats and
    integers too long to print become text, lone surrogates `\\ud800` escapes, bytes text,
    long text and deep nesting are cut short."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if value.bit_length() <= 64:
            return value
        return f"<an integer of about {value.bit_length() * math.log10(2):,.0f} digits>"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        text = shown_text(value)
        return text if len(text) <= MAX_ECHO_CHARS else text[:MAX_ECHO_CHARS] + "…"
    if depth >= MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {str(echo(k, depth + 1)): echo(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [echo(v, depth + 1) for v in value]
    return echo(str(value), depth)


def validation_detail(errors: Iterable[dict[str, Any]], body: Any) -> list[dict[str, Any]]:
    """pydantic's errors (locations starting with "body") in our words, safe to encode."""
    return safe_detail(clean_error(error, body) for error in errors)


def safe_detail(detail: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Error items whose `loc`, `msg` and `input` JSON can always encode (see `echo`)."""
    safe = []
    for item in detail:
        item = {**item, "loc": [echo(p) for p in item["loc"]], "msg": echo(item["msg"])}
        if "input" in item:
            item["input"] = echo(item["input"])
        safe.append(item)
    return safe


def json_problem_detail(problem: JSONProblem, *prefix: str | int) -> list[dict[str, Any]]:
    return [{"type": problem.kind, "loc": [*prefix, *problem.loc], "msg": problem.msg}]

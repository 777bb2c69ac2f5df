"""Turns validation failures into FastAPI's 422 format, in the user's words and language.

pydantic locates an error of a union member under the member's tag: the layer type of a layer
entry (`layers.2.ConvLSTM2D.kernel_size`), the member's type inside a field
(`kernel_size.constrained-int`, `kernel_size.tuple[constrained-int, ...].1`). Users think of
`layers.2.kernel_size` and `kernel_size[1]`, so the tags are dropped, the members' errors of one
field become ONE error (the one that got furthest into the value, else one sentence naming
every form the field takes), and every message is written by `app.error_words` through the
request language's catalog.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from app.core.errors import SpecError
from app.error_words import (
    DID_YOU_MEAN,
    N_,
    TYPE_FORMS,
    Said,
    Translate,
    field_name,
    localized,
    say,
    union_words,
    validator_words,
    words,
)
from app.json_guard import MAX_DEPTH, JSONProblem, shown_text
from app.schema import ENTRY_TAGS, LAYER_SPECS, suggest_argument, suggest_type

# An error echoes what it refused; a body's worth of text is enough to recognise it.
MAX_ECHO_CHARS = 1000

NO_ARGUMENT = N_("{layer} has no argument '{name}'")
NO_ARGUMENT_HERE = N_("this object has no argument '{name}'")
NEEDS_TYPE = N_("each layer needs a 'type', e.g. \"ConvLSTM2D\"")
UNSUPPORTED_TYPE = N_("unsupported layer type '{name}'")
NEEDS = N_("{layer} needs '{name}'")
REQUIRED = N_("'{name}' is required")
# Where a location is about where the value is, not about which union member was tried.
_ORIGINS = ("body", "query")
# Tags pydantic gives union members when the walk along the body cannot tell (no body).
_PLAIN_TAGS = frozenset({"int", "float", "str", "bool", "list", "tuple", "dict", "none"})


def _same(text: str) -> str:
    return text


_MISSING = object()


def _walk(loc: Sequence[Any], body: Any, kind: str) -> tuple[list[Any], int | None]:
    """(`loc` without union tags, where the first member tag stood or None).

    A string part is the user's key where the body has it (or, last, the key an unknown-key
    or missing-key error names); anything else at that point is a member's tag.
    """
    node: Any = body if body is not None else _MISSING
    kept: list[Any] = []
    tag_at: int | None = None
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if position == 0 and part in _ORIGINS:
            kept.append(part)
            continue
        if isinstance(part, int):
            kept.append(part)
            node = (
                node[part]
                if isinstance(node, list) and -len(node) <= part < len(node)
                else _MISSING
            )
            continue
        if isinstance(node, dict) and part in node:
            kept.append(part)
            node = node[part]
        elif isinstance(part, str) and part in ENTRY_TAGS:
            continue  # a layer entry's type: the error is about that layer, not a member
        elif (last and kind in ("missing", "extra_forbidden")) or (
            node is _MISSING
            and not (isinstance(part, str) and ("[" in part or "-" in part or part in _PLAIN_TAGS))
        ):
            kept.append(part)
        elif tag_at is None:
            tag_at = len(kept)
    return kept, tag_at


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


def _in_body(loc: Sequence[Any]) -> list[Any]:
    return list(loc[1:]) if loc and loc[0] in _ORIGINS else list(loc)


def _field_key(loc: Sequence[Any]) -> tuple[Any, ...]:
    """The field an error is about: its location without list indexes after the field's name
    (`kernel_size[0]` and `kernel_size[1]` are one field), except a list of layers or inputs."""
    end = len(loc)
    while end and isinstance(loc[end - 1], int):
        end -= 1
    if end == len(loc) or loc[end - 1] in ("layers", "inputs", "body"):
        return tuple(loc)
    return tuple(loc[:end])


def user_errors(errors: Iterable[dict[str, Any]], body: Any) -> list[dict[str, Any]]:
    """pydantic's errors as the user's: each at the user's field, one per field, our words.

    `body` is what the locations after "body" walk through (None where unknown)."""
    groups: dict[tuple[Any, ...], list[tuple[dict[str, Any], list[Any], int | None]]] = {}
    for error in errors:
        loc, tag_at = _walk(error["loc"], body, str(error.get("type")))
        key = tuple(loc[:tag_at]) if tag_at is not None else ("#", len(groups))
        groups.setdefault(key, []).append((error, loc, tag_at))
    detail: dict[tuple[Any, ...], dict[str, Any]] = {}
    for members in groups.values():
        item = _one_of(members, body)
        detail.setdefault(_field_key(item["loc"]), item)
    return list(detail.values())


def _one_of(
    members: list[tuple[dict[str, Any], list[Any], int | None]], body: Any
) -> dict[str, Any]:
    """The error of one field whose union members all failed: the member that got furthest
    (a deeper location, or an error other than "not my type"), else one sentence of every
    form the field takes."""
    error, loc, tag_at = members[0]
    if tag_at is None or len(members) == 1:
        return clean_error({**error, "loc": loc}, body)
    for error, loc, tag_at in members:
        if len(loc) > (tag_at or 0) or error.get("type") not in TYPE_FORMS:
            return clean_error({**error, "loc": loc}, body)
    kinds = [str(e.get("type")) for e, _, _ in members]
    layer_type = _layer_type_at(body, _in_body(loc))
    spec = LAYER_SPECS.get(layer_type) if layer_type else None
    value = echo(error.get("input"))
    msg = union_words(field_name(loc), kinds, value, spec.rank if spec else 0)
    item = {"type": kinds[0], "loc": loc, "msg": msg}
    if "input" in error:
        item["input"] = error["input"]
    return item


def _inside(value: Any, path: Sequence[Any]) -> Any:
    """What `path` points at inside a refused value (None where it has nothing there)."""
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def clean_error(error: dict[str, Any], body: Any) -> dict[str, Any]:
    """One error in our words at the user's location (tags dropped; see `user_errors` for a
    field's several union members)."""
    kind = str(error.get("type"))
    loc, _ = _walk(error["loc"], body, kind)
    msg: Said = validator_words(str(error.get("msg", "")).removeprefix("Value error, "))
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        layer_type = _layer_type_at(body, _in_body(loc)[:-1])
        unknown = str(loc[-1])
        if layer_type:
            msg = say(NO_ARGUMENT, layer=layer_type, name=unknown)
        else:
            msg = say(NO_ARGUMENT_HERE, name=unknown)
        hint = suggest_argument(layer_type, unknown) if layer_type else None
        if hint:
            msg += say(DID_YOU_MEAN, suggestion=hint)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        received = ctx.get("tag")
        if received is None:
            msg = say(NEEDS_TYPE)
        else:
            msg = say(UNSUPPORTED_TYPE, name=echo(received))
            hint = suggest_type(str(received))
            if hint:
                msg += say(DID_YOU_MEAN, suggestion=hint)
        loc = [*loc, "type"]
    elif kind == "missing" and loc:
        layer_type = _layer_type_at(body, _in_body(loc)[:-1])
        name = loc[-1]
        msg = say(NEEDS, layer=layer_type, name=name) if layer_type else say(REQUIRED, name=name)
    elif kind == "keras_object_config":
        # The Keras object's own config was refused: said as its layer would say it.
        inner = ctx["error"]
        config = {**ctx["config"], "type": ctx["name"]}
        (said,) = user_errors([{**inner, "loc": ("body", 0, *inner["loc"])}], [config])
        loc, msg = [*loc, *ctx["at"]], said["msg"]
        error = {**error, "input": _inside(error.get("input"), ctx["at"])}
    elif kind != "value_error":  # a validator's own sentence stays (translated if catalogued)
        if kind.startswith("keras_object_"):
            # Pointed inside the object (its `class_name`): so is what it echoes.
            loc = [*loc, *ctx.get("at", ())]
            error = {**error, "input": _inside(error.get("input"), ctx.get("at", ()))}
        msg = words({**error, "input": echo(error.get("input"))}, field_name(loc)) or msg
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


def validation_detail(
    errors: Iterable[dict[str, Any]], body: Any, gettext: Translate = _same
) -> list[dict[str, Any]]:
    """pydantic's errors (locations starting with "body") in our words, safe to encode."""
    return safe_detail(
        {**item, "msg": localized(item["msg"], gettext)} for item in user_errors(errors, body)
    )


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

"""JSON from strangers: parsed within bounds, and every value one we can compute with and echo.

`json.loads` and pydantic accept things no answer can carry or no Keras call can take: `NaN`,
`Infinity` and numbers that overflow to it (`1e400`), integers too long to print (Python refuses
over 4,300 digits), lone UTF-16 surrogates (`"\\ud800"` cannot be encoded as UTF-8), and nesting
deep enough to exhaust the recursion limit. `parse` turns bytes or text into JSON values and
`check` walks them; both raise `JSONProblem` with the location of the first offending value, in
the vocabulary of pydantic's error types, so each becomes a located 422.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from app.core.translation import N_
from app.core.translation import gettext as _

# Deepest legitimate nesting: a sweep's model, a wrapper's wrapped layer, a serialized
# initializer's config (`body.model.layers.0.layer.kernel_initializer.config.x`) is 8 levels;
# Keras's own `to_json()` is about 10.
MAX_DEPTH = 32
# Every integer a Keras argument takes (a seed, an axis, a size) fits in 64 bits.
MAX_INT_DIGITS = 19

Loc = tuple[str | int, ...]

# What Python's JSON decoder says is wrong (`JSONDecodeError.msg`): its own English sentences,
# marked here so that they are translated like ours (one it adds later stays English).
DECODER_SAYS = (
    N_("Expecting value"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Expecting ':' delimiter"),
    N_("Expecting ',' delimiter"),
    N_("Invalid control character at"),
    N_("Unterminated string starting at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("Extra data"),
)


class JSONProblem(ValueError):
    """`loc` is the path to the offending value inside the document; `kind` a pydantic type."""

    def __init__(self, loc: Loc, kind: str, msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.kind = kind
        self.msg = msg


class _Refused:
    """What the parser puts where a value it must not produce was: located later by `check`."""

    __slots__ = ("kind", "msg")

    def __init__(self, kind: str, msg: str) -> None:
        self.kind = kind
        self.msg = msg


def _constant(name: str) -> _Refused:
    return _Refused(
        "finite_number",
        _("{name} is not a number JSON allows; send a finite number").format(name=name),
    )


def _float(text: str) -> float | _Refused:
    value = float(text)
    if math.isfinite(value):
        return value
    shown = text if len(text) <= 24 else text[:20] + "…"
    return _Refused(
        "finite_number",
        _("{number} is too large for a number (at most about 1.8e308)").format(number=shown),
    )


def _int(text: str) -> int | _Refused:
    digits = len(text) - text.startswith("-")
    if digits <= MAX_INT_DIGITS:
        return int(text)
    return _Refused(
        "int_parsing_size",
        _("an integer of {digits} digits is too large (at most {most})").format(
            digits=f"{digits:,}", most=MAX_INT_DIGITS
        ),
    )


def parse(data: bytes | str) -> Any:
    """JSON values of `data`, each one checked (see `check`); raises `JSONProblem`.

    A decoding or syntax error is located by its offset, as FastAPI locates `json_invalid`.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError as error:
            raise JSONProblem(
                (error.start,),
                "json_invalid",
                _(
                    "not UTF-8 text: byte {byte} at offset {offset} cannot start or continue "
                    "a character"
                ).format(byte=f"0x{data[error.start]:02x}", offset=error.start),
            ) from None
    try:
        value = json.loads(data, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as error:
        reason = _("JSON decode error: {reason}").format(reason=_(error.msg))
        raise JSONProblem((error.pos,), "json_invalid", reason) from None
    except RecursionError:
        raise JSONProblem((), "json_invalid", _too_deep()) from None
    check(value)
    return value


def _too_deep() -> str:
    return _("nested deeper than {most} levels of lists and objects").format(most=MAX_DEPTH)


def _bad_text(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_text(text: str) -> str:
    """`text` with lone surrogates written as `\\ud800` escapes, so it can be echoed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _surrogate(text: str) -> str:
    return _(
        "text with a lone UTF-16 surrogate ({text}) is not Unicode text; send each surrogate "
        "pair whole"
    ).format(text=shown_text(text)[:80])


def _first_problem(value: Any, depth: int) -> tuple[list[str | int], str, str] | None:
    """(path, kind, message) of the first value `check` refuses; recursion is bounded by depth."""
    kind = type(value)
    if kind is str:
        return ([], "string_unicode", _surrogate(value)) if _bad_text(value) else None
    if kind is dict or kind is list:
        if depth >= MAX_DEPTH:
            return [], "json_invalid", _too_deep()
        # Keys are a dict's strings or a list's indices.
        items: Iterable[tuple[Any, Any]] = value.items() if kind is dict else enumerate(value)
        for key, item in items:
            if kind is dict and _bad_text(key):
                return [shown_text(key)], "string_unicode", _surrogate(key)
            found = _first_problem(item, depth + 1)
            if found is not None:
                found[0].insert(0, key)
                return found
        return None
    if kind is _Refused:
        return [], value.kind, value.msg
    if kind is float and not math.isfinite(value):  # from a parser other than `parse`
        return [], "finite_number", _("{number} is not a finite number").format(number=value)
    if kind is int and value.bit_length() > 64:
        return (
            [],
            "int_parsing_size",
            _("the integer is too large (at most {most} digits)").format(most=MAX_INT_DIGITS),
        )
    return None


def check(value: Any, prefix: Loc = ()) -> None:
    """Raises `JSONProblem` at the first value nested deeper than `MAX_DEPTH`, not finite, an
    integer over `MAX_INT_DIGITS` digits, or text with a lone surrogate (keys included)."""
    found = _first_problem(value, 0)
    if found is not None:
        path, kind, msg = found
        raise JSONProblem((*prefix, *path), kind, msg)


# Bytes that might hold a value `check` refuses: the constants, long numbers, big exponents,
# surrogate escapes. Anything else can only fail by its depth, so a body with fewer brackets
# than MAX_DEPTH and none of these needs no walk at all.
_SUSPECT = re.compile(rb"NaN|Infinity|\d{%d}|[eE][+-]?\d{3}|\\u[dD][89a-fA-F]" % (MAX_INT_DIGITS,))


def may_need_check(raw: bytes) -> bool:
    """False when `raw`, already valid JSON, certainly passes `check` (a fast byte scan)."""
    return raw.count(b"[") + raw.count(b"{") >= MAX_DEPTH or _SUSPECT.search(raw) is not None

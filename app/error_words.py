"""What a refused value is told, in the user's words and language: one sentence per pydantic
error type, written from the error's context and the user's field name.

The sentences are gettext message ids (marked `N_`, translated in app/translations). A message
is a `Said`: the English text (a `str`, as the API and the page have always shown it) that
remembers its message ids and values, so that `Said.localize` says it in another language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.core.keras_objects import ACTIVATIONS, CONSTRAINTS, INITIALIZERS, REGULARIZERS

Translate = Callable[[str], str]


def N_(text: str) -> str:  # gettext's name for "translate later"
    return text


def _same(text: str) -> str:
    return text


Part = tuple[str, Mapping[str, Any] | None]


class Said(str):
    """An English message and what it is made of: (message id, values) parts, each formatted
    with its values (None: a literal sentence, looked up as it is)."""

    parts: tuple[Part, ...]

    def __new__(cls, *parts: Part) -> Said:
        said = super().__new__(cls, "".join(_format(_same, *part) for part in parts))
        said.parts = parts
        return said

    def __add__(self, other: str) -> Said:  # Said + Said is a Said: the parts of both
        tail = other.parts if isinstance(other, Said) else ((other, None),)
        return Said(*self.parts, *tail)

    def localize(self, gettext: Translate) -> str:
        return "".join(_format(gettext, *part) for part in self.parts)


def _format(gettext: Translate, msgid: str, values: Mapping[str, Any] | None) -> str:
    if values is None:
        return gettext(msgid)
    return gettext(msgid).format(
        **{k: v.localize(gettext) if isinstance(v, Said) else v for k, v in values.items()}
    )


def say(msgid: str, **values: Any) -> Said:
    return Said((msgid, values))


def literal(text: str) -> Said:
    """A sentence from elsewhere (a validator's): translated where the catalog has it."""
    return Said((text, None))


def localized(message: str, gettext: Translate) -> str:
    return message.localize(gettext) if isinstance(message, Said) else gettext(message)


# pydantic's type errors: the value is not of this type (of this member, inside a union).
TYPE_FORMS = {
    "int_type": N_("an integer"),
    "int_parsing": N_("an integer"),
    "int_from_float": N_("an integer"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "string_type": N_("a text"),
    "list_type": N_("a list"),
    "tuple_type": N_("a list"),
    "dict_type": N_("an object"),
    "model_type": N_("an object"),
    "model_attributes_type": N_("an object"),
    "none_required": N_("null"),
}
MUST_BE = N_("{field} must be {forms}; received {input}")
OR = N_(" or ")

# Sizes (`kernel_size: 3` or `[3, 3]`), said as Keras's docs say them, with an example.
SIZES = N_("{field} must be a positive integer or a list of them (e.g. {one} or {many})")
# What a layer is called on (`inputs`: one tensor or a list, for merges).
TENSORS = N_(
    "{field} must be a tensor name (e.g. 'frames' or 'encoder[0][1]') or a list of them; "
    "received {input}"
)
NON_NEGATIVE_SIZES = N_("{field} must be an integer ≥ 0 or a list of them (e.g. 0 or {many})")

SENTENCES = {
    "greater_than_equal": N_("{field} must be at least {ge}; received {input}"),
    "greater_than": N_("{field} must be greater than {gt}; received {input}"),
    "less_than_equal": N_("{field} must be at most {le}; received {input}"),
    "less_than": N_("{field} must be less than {lt}; received {input}"),
    "literal_error": N_("{field} must be one of {expected}; received {input}"),
    "too_short": N_("{field} needs at least {min_length} entries; received {actual_length}"),
    "too_long": N_("{field} takes at most {max_length} entries; received {actual_length}"),
    "string_too_short": N_("{field} must not be empty"),
    "string_too_long": N_("{field} takes at most {max_length} characters"),
    "string_pattern_mismatch": N_(
        "{field} is not a name Keras takes here (no '/', '[' or ']' inside a name; a tensor is "
        "'layer' or 'layer[node][tensor]'); received {input}"
    ),
    "finite_number": N_("{field} must be a finite number; received {input}"),
}

KERAS_KINDS = {
    "activation": N_("activation"),
    "initializer": N_("initializer"),
    "regularizer": N_("regularizer"),
    "constraint": N_("constraint"),
}
UNKNOWN_OBJECT = N_("Keras does not know the {kind} '{name}'")
DID_YOU_MEAN = N_("; did you mean '{suggestion}'?")
KNOWN_NAMES = N_("; Keras knows {names}")
OBJECT_TYPE = N_(
    "{field} must be a name (e.g. '{example}'), null, or an object "
    '{{"class_name": ..., "config": {{...}}}}; received {input}'
)
OBJECT_UNSUPPORTED = N_(
    "'{name}' cannot stand as an activation here: give an activation name, or one of the "
    "layers {layers} (from keras.layers; PReLU has weights of its own)"
)
NAMES = {
    "activation": ACTIVATIONS,
    "initializer": INITIALIZERS,
    "regularizer": REGULARIZERS,
    "constraint": CONSTRAINTS,
}
NEEDS_CONFIG = N_(
    'Keras builds {name} only with {keys} in its config: {{"class_name": "{name}", '
    '"config": {{"{first}": ...}}}}'
)
WRONG_MODULE = N_("Keras finds {name} in the module '{module}'; give that, or leave module out")
EXAMPLES = {
    "activation": "relu",
    "initializer": "glorot_uniform",
    "regularizer": "l2",
    "constraint": "max_norm",
}


# The schema's validators write their sentences in English (`app/schema.py`): each is read back
# into its values here, so that it is said from a catalogued message id like every other.
VALIDATOR_SENTENCES = (
    (
        r"`(?P<field>\w+)` must be an integer or a list of (?P<rank>\d+) integers; "
        r"received (?P<received>.*) \((?P<count>\d+) values\)",
        N_(
            "`{field}` must be an integer or a list of {rank} integers; received {received} "
            "({count} values)"
        ),
    ),
    (
        r"a layer name cannot contain '/'; received (?P<received>.*)",
        N_("a layer name cannot contain '/'; received {received}"),
    ),
    (
        r"`(?P<field>\w+)` must be a number ≥ 0, or \[start, end\], each at most "
        r"(?P<most>[\d,]+); received (?P<received>.*)",
        N_(
            "`{field}` must be a number ≥ 0, or [start, end], each at most {most}; "
            "received {received}"
        ),
    ),
    (
        r"`(?P<field>\w+)` must be a number ≥ 0, a list of (?P<rank>\d+) numbers \(one per axis\) "
        r"or a list of (?P=rank) \[before, after\] pairs, each at most (?P<most>[\d,]+); "
        r"received (?P<received>.*)",
        N_(
            "`{field}` must be a number ≥ 0, a list of {rank} numbers (one per axis) or a list "
            "of {rank} [before, after] pairs, each at most {most}; received {received}"
        ),
    ),
    (
        r"groups must be a positive integer, or -1 for one group per channel",
        N_("groups must be a positive integer, or -1 for one group per channel"),
    ),
    (
        r"give either input_shape \(a Sequential model\) or inputs \(a graph model\); "
        r"received (?P<which>both|neither)",
        N_(
            "give either input_shape (a Sequential model) or inputs (a graph model); "
            "received {which}"
        ),
    ),
)
_VALIDATOR_PATTERNS = tuple((re.compile(p, re.DOTALL), m) for p, m in VALIDATOR_SENTENCES)
WHICH = {"both": N_("both"), "neither": N_("neither")}


def validator_words(text: str) -> Said:
    """A validator's English sentence as a `Said` of its message id (or as it is, if new)."""
    for pattern, msgid in _VALIDATOR_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            values: dict[str, Any] = dict(found.groupdict())
            if "which" in values:
                values["which"] = say(WHICH[values["which"]])
            return say(msgid, **values)
    return literal(text)


def field_name(loc: Sequence[Any]) -> str:
    """The user's name for where `loc` points: its last key, with list indexes after it
    (`kernel_size[1]`)."""
    indexes = ""
    for part in reversed(loc):
        if isinstance(part, int):
            indexes = f"[{part}]{indexes}"
        else:
            return f"{part}{indexes}"
    return f"value{indexes}"


def shown(value: Any) -> str:
    """A received value as the sentences show it (`'x'`, `0`, `[3, 0]`)."""
    return repr(value)


def union_words(field: str, kinds: Sequence[str], value: Any, rank: int) -> Said:
    """One sentence for a value that no member of a union takes, by the members' types."""
    base = field.split("[")[0]
    if {"int_type", "tuple_type"} >= set(kinds) and rank:
        from app.schema import SIZE_FIELDS  # the fields that take `3` or `[3, 3]`

        if base in SIZE_FIELDS:
            one = 3 if base == "kernel_size" else 2
            return say(SIZES, field=field, one=one, many=[one] * rank)
        if base == "output_padding":
            return say(NON_NEGATIVE_SIZES, field=field, many=[0] * rank)
    if base == "inputs" and set(kinds) <= {"string_type", "list_type"}:
        return say(TENSORS, field=field, input=shown(value))
    forms: list[str] = []
    for kind in kinds:
        if TYPE_FORMS[kind] not in forms:
            forms.append(TYPE_FORMS[kind])
    if TYPE_FORMS["float_type"] in forms and TYPE_FORMS["int_type"] in forms:
        forms.remove(TYPE_FORMS["int_type"])  # `StrictFloat | StrictInt`: any number
    joined = say(forms[0])
    for form in forms[1:]:
        joined = joined + say(OR) + say(form)
    return say(MUST_BE, field=field, forms=joined, input=shown(value))


def keras_object_words(kind: str, field: str, error: dict[str, Any]) -> Said:
    """The sentences of `app.core.keras_objects`' errors."""
    ctx = error.get("ctx") or {}
    if kind == "keras_object_unknown":
        text = say(UNKNOWN_OBJECT, kind=say(KERAS_KINDS[ctx["kind"]]), name=ctx["name"])
        if ctx.get("suggestion"):
            return text + say(DID_YOU_MEAN, suggestion=ctx["suggestion"])
        return text + say(KNOWN_NAMES, names=", ".join(NAMES[ctx["kind"]]))
    if kind == "keras_object_type":
        return say(
            OBJECT_TYPE, field=field, example=EXAMPLES[ctx["kind"]], input=shown(error.get("input"))
        )
    if kind == "keras_object_module":
        return say(WRONG_MODULE, name=ctx["name"], module=ctx["module"])
    if kind == "keras_object_needs_config":
        first = ctx["keys"].split(", ")[0]
        return say(NEEDS_CONFIG, name=ctx["name"], keys=ctx["keys"], first=first)
    return say(OBJECT_UNSUPPORTED, name=ctx["name"], layers=ctx["layers"])


def words(error: dict[str, Any], field: str) -> Said | None:
    """The sentence for one pydantic error at `field`, or None where pydantic's own is kept."""
    kind = str(error.get("type"))
    ctx = error.get("ctx") or {}
    if kind in TYPE_FORMS:
        return say(
            MUST_BE, field=field, forms=say(TYPE_FORMS[kind]), input=shown(error.get("input"))
        )
    if kind == "too_short" and ctx.get("min_length") == 1:
        return say(SENTENCES["string_too_short"], field=field)  # "must not be empty"
    if kind in SENTENCES:
        said = say(SENTENCES[kind], **ctx, field=field, input=shown(error.get("input")))
        try:
            said.localize(_same)
        except (KeyError, IndexError):  # a context pydantic did not give: its own words
            return None
        return said
    if kind.startswith("keras_object_"):
        return keras_object_words(kind, field, error)
    return None

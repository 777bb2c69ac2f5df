"""The page's model editor: form fields ⇄ a `SummaryRequest` body, and the edit actions.

A field's name is its error location joined by dots (`layers.2.kernel_size`), so the page's
form, its URL query string and the 422 `loc` of an error all use one vocabulary. Values stay as
the user typed them (`ModelDraft`), so an invalid edit is never lost; `request_body` turns them
into the JSON that `SummaryRequest` validates. Sizes are written `3,3` (`3x3` and `3 3` work too);
per-axis (before, after) pairs (`ZeroPadding2D`'s `padding`, `Cropping3D`'s `cropping`) are
written with `;` between axes: `1,2;3,4` is ((1, 2), (3, 4)), `1;2,3` is (1, (2, 3)).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from pydantic import ValidationError

from app import json_guard
from app.core.errors import SpecError
from app.core.families import FAMILY_OF
from app.errors import user_errors
from app.form_numbers import index as parse_index
from app.form_numbers import whole_number
from app.schema import (
    LAYER_SPECS,
    MAX_LAYERS,
    SEED_MODEL,
    WIRING_FIELDS,
    SummaryRequest,
    SweepRequest,
)

Kind = Literal["int", "ints", "pairs", "bool", "choice", "number", "text", "refs", "json"]
# A card that calls an earlier layer again (a shared layer): `{"call": name, "inputs": ...}`.
CALL = "LayerCall"

# What each layer type's editor shows beyond its spec's fields comes from its family's
# `EditorHints` (`app.core.families`): primary arguments, a new layer's values, nested layers.
# `trainable` is every layer's, and primary: it changes the trainable/non-trainable split.
SHARED_PRIMARY = frozenset({"trainable"})
# Arguments the editor leaves out for every type: per-layer dtype policies, loaded weights.
HIDDEN = frozenset({"type", "dtype", "weights", "quantization_config"})
# Arguments that take a Keras object (`app.core.keras_objects`): a name, or its JSON.
KERAS_OBJECT_SUFFIXES = ("activation", "_initializer", "_regularizer", "_constraint")
# Cost settings (docs/costs.md) as typed, with the value that means "the request's default".
COST_FIELDS = {
    # Choices: their default is the request's own (one source: `SummaryRequest`).
    **{
        name: str(SummaryRequest.model_fields[name].default)
        for name in ("convention", "optimizer", "device")
    },
    # Numbers: empty means "not given" (the request's default applies).
    **dict.fromkeys(
        (
            "time_steps",
            "peak_tflops",
            "bandwidth_gb_s",
            "efficiency",
            "step_overhead_us",
        ),
        "",
    ),
}
# The choices of the form's model settings and of the what-if sweep, as the requests' types list
# them: the templates show these (`choices`), so a new device or dtype is added in one place.
FORM_CHOICES: dict[str, tuple[str, ...]] = {
    **{
        name: typing.get_args(SummaryRequest.model_fields[name].annotation)
        for name in ("convention", "optimizer", "device", "dtype")
    },
    "sweep.argument": typing.get_args(SweepRequest.model_fields["argument"].annotation),
}
MODEL_FIELDS = ("name", "input_shape", "outputs", "batch_size", "dtype", *COST_FIELDS)
# A graph model's inputs, each written `inputs.K.<field>`.
INPUT_FIELDS = ("name", "shape", "batch_size")
MAX_INPUTS = 16
# Layer indices in field names (`layers.12.filters`): sparse ones are fine, within reason.
MAX_FIELD_INDEX = 1_000_000
_SEPARATORS = re.compile(r"[\s,x×*()\[\]]+")


@dataclass(frozen=True)
class Control:
    """One editable argument: Keras's name, how it is typed, its default as the form shows it."""

    name: str
    kind: Kind
    default: str
    required: bool
    primary: bool
    choices: tuple[str, ...] = ()
    always_list: bool = False  # a list even of one value (`dims=[1]`)


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a (possibly nested, possibly Annotated) union."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _nested(annotation: Any) -> bool:
    """A sequence whose entries may themselves be sequences: per-axis (before, after) pairs."""
    if typing.get_origin(annotation) not in (tuple, list):
        return False
    entries = [m for arg in typing.get_args(annotation) if arg is not ... for m in _members(arg)]
    return any(typing.get_origin(m) in (tuple, list) for m in entries)


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...], bool]:
    """(kind, choices, accepts None) of a spec field's annotation."""
    members = _members(annotation)
    optional = type(None) in members
    members = [m for m in members if m is not type(None)]
    if members and all(typing.get_origin(m) is Literal for m in members):
        return "choice", tuple(str(v) for m in members for v in typing.get_args(m)), optional
    origins = {typing.get_origin(m) for m in members}
    if bool in members:
        return "bool", (), optional
    if any(_nested(m) for m in members):
        return "pairs", (), optional
    if origins & {tuple, list}:
        return "ints", (), optional
    if int in members and float not in members:
        return "int", (), optional
    if float in members:
        return "number", (), optional
    return "text", (), optional


def show_value(value: Any) -> str:
    """A default or a seed value as the form shows it: `3,3`, `true`, `` for None, a nested
    layer as its JSON."""
    if value is None:
        return ""
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict) for v in value)
    ):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        # Pairs per axis: `;` between axes, `,` inside an axis (`1,2;3,4`).
        nested = any(isinstance(v, list | tuple) for v in value)
        return (";" if nested else ",").join(show_value(v) for v in value)
    return str(value)


_WIRING = (
    Control("inputs", "refs", "", False, False),
    Control("initial_state", "refs", "", False, False),
)
_CALL_CONTROLS = (
    Control("call", "text", "", True, True),
    *(replace(c, primary=True) for c in _WIRING),
)


@cache
def controls(layer_type: str) -> tuple[Control, ...]:
    """The editor's controls for a layer type, primary ones first, in Keras's argument order.
    What a layer is called on (`inputs`, `initial_state`) closes the list.

    Cached: every layer of every request asks, and the answer depends on the type alone.
    """
    if layer_type == CALL:
        return _CALL_CONTROLS
    spec = LAYER_SPECS[layer_type]
    hints = FAMILY_OF[spec].editor
    primary = hints.primary | SHARED_PRIMARY
    found = []
    for name, info in spec.model_fields.items():
        if name in HIDDEN or name in hints.hidden or name in WIRING_FIELDS:
            continue
        kind, choices, optional = (
            ("json", (), True) if name in hints.layer_arguments else _kind(info.annotation)
        )
        if kind == "choice" and optional:
            choices = ("", *choices)
        default = "" if info.is_required() else show_value(info.default)
        found.append(
            Control(
                name,
                kind,
                default,
                info.is_required(),
                name in primary or info.is_required(),
                choices,
                name in hints.list_arguments,
            )
        )
    # Primary first; `trainable` closes the primary group (it changes the split, not the total).
    return (*sorted(found, key=lambda c: (not c.primary, c.name == "trainable")), *_WIRING)


@cache
def control_names(layer_type: str) -> frozenset[str]:
    return frozenset(c.name for c in controls(layer_type))


def editable_types() -> tuple[str, ...]:
    """Layer types the core can analyse and the editor can show (wrappers and nested models
    with their inner layers as JSON)."""
    return tuple(name for name, spec in LAYER_SPECS.items() if spec in FAMILY_OF)


@dataclass(frozen=True)
class LayerDraft:
    """One layer as typed: its type and the raw text of every argument the user set."""

    type: str
    values: Mapping[str, str] = field(default_factory=dict)

    def value(self, control: Control) -> str:
        return self.values.get(control.name, control.default)


@dataclass(frozen=True)
class InputDraft:
    """One input of a graph model as typed: `name`, `shape`, `batch_size`."""

    values: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass(frozen=True)
class ModelDraft:
    """The whole editor as typed; nothing here is validated. A graph model has `inputs`
    (instead of `input_shape`), maybe `outputs` and a `name`."""

    input_shape: str
    layers: tuple[LayerDraft, ...]
    batch_size: str = "1"
    dtype: str = "float32"
    # Cost settings that differ from their defaults, as (name, text) pairs.
    costs: tuple[tuple[str, str], ...] = ()
    inputs: tuple[InputDraft, ...] = ()
    outputs: str = ""
    name: str = ""

    def setting(self, name: str) -> str:
        return dict(self.costs).get(name, COST_FIELDS[name])


def _cost_settings(values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    shown = ((name, show_value(values[name])) for name in COST_FIELDS if name in values)
    return tuple((name, text) for name, text in shown if text.strip() != COST_FIELDS[name])


def seed_draft() -> ModelDraft:
    return draft_from_body(SEED_MODEL)


def _shape_text(shape: Any) -> str:
    """`?,64,64,1`: an unknown size is `?` (as typed), not the empty text of `show_value`."""
    return ",".join("?" if d is None else show_value(d) for d in shape or ())


def draft_from_body(body: Mapping[str, Any]) -> ModelDraft:
    """A draft showing a `SummaryRequest` body (e.g. the seed model, an imported graph)."""
    layers = tuple(
        LayerDraft(
            layer.get("type", CALL), {k: show_value(v) for k, v in layer.items() if k != "type"}
        )
        for layer in body["layers"]
    )
    return ModelDraft(
        # An unknown size is `?` (as typed), not the empty text `show_value` makes of None.
        input_shape=_shape_text(body.get("input_shape")),
        layers=layers,
        batch_size=show_value(body.get("batch_size", 1)),
        dtype=str(body.get("dtype", "float32")),
        costs=_cost_settings(body),
        inputs=tuple(
            InputDraft(
                {
                    k: _shape_text(v) if k == "shape" else show_value(v)
                    for k, v in given.items()
                    if v is not None
                }
            )
            for given in body.get("inputs") or ()
        ),
        outputs=show_value(body.get("outputs")),
        name=show_value(body.get("name")),
    )


def draft_from_fields(items: Iterable[tuple[str, str]]) -> ModelDraft | None:
    """A draft from form fields or query parameters; None when they name no layer.

    The last value of a name wins: a checkbox follows a hidden `false` of the same name.
    Layers are ordered by their index; past MAX_LAYERS + 1 of them (enough for validation to
    say there are too many) the rest are not read.
    """
    fields: dict[str, str] = {}
    for key, value in items:
        fields[key] = value
    layers: dict[int, dict[str, str]] = {}
    inputs: dict[int, dict[str, str]] = {}
    for key, value in fields.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "layers":
            position = parse_index(parts[1], MAX_FIELD_INDEX)
            if position is not None:
                layers.setdefault(position, {})[parts[2]] = value
        elif len(parts) == 3 and parts[0] == "inputs" and parts[2] in INPUT_FIELDS:
            position = parse_index(parts[1], MAX_INPUTS)
            if position is not None:
                inputs.setdefault(position, {})[parts[2]] = value
    drafts = []
    for position in sorted(layers):
        values = layers[position]
        layer_type = values.pop("type", "")
        if layer_type in LAYER_SPECS or layer_type == CALL:
            drafts.append(LayerDraft(layer_type, values))
            if len(drafts) > MAX_LAYERS:
                break
    if not drafts:
        return None
    return ModelDraft(
        input_shape=fields.get("input_shape", ""),
        layers=tuple(drafts),
        batch_size=fields.get("batch_size", "1"),
        dtype=fields.get("dtype", "float32"),
        costs=_cost_settings(fields),
        inputs=tuple(InputDraft(inputs[k]) for k in sorted(inputs)[:MAX_INPUTS]),
        outputs=fields.get("outputs", ""),
        name=fields.get("name", ""),
    )


def query_items(draft: ModelDraft) -> list[tuple[str, str]]:
    """The URL of a model: its fields, leaving out every argument at its default."""
    items = [("name", draft.name)] if draft.name else []
    if draft.inputs:
        items += [
            (f"inputs.{k}.{name}", given.value(name))
            for k, given in enumerate(draft.inputs)
            for name in INPUT_FIELDS
            if given.value(name)
        ]
    else:
        items.append(("input_shape", draft.input_shape))
    if draft.outputs:
        items.append(("outputs", draft.outputs))
    if draft.batch_size != "1":
        items.append(("batch_size", draft.batch_size))
    if draft.dtype != "float32":
        items.append(("dtype", draft.dtype))
    items += draft.costs
    for index, layer in enumerate(draft.layers):
        items.append((f"layers.{index}.type", layer.type))
        for control in controls(layer.type):
            value = layer.value(control)
            if value != control.default:
                items.append((f"layers.{index}.{control.name}", value))
    return items


# ---- text → JSON values ------------------------------------------------------------------


def _int_or_text(text: str) -> int | str:
    number = whole_number(text)
    return text if number is None else number


def _ints(text: str, allow_none: bool = False) -> list[Any]:
    """`3,3` / `3x3` / `3 3` → [3, 3], `3` → [3] (callers keep a lone 3: Keras repeats it);
    `None`/`?` → null."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    values: list[Any] = []
    for part in parts:
        if allow_none and part.lower() in ("none", "null", "?"):
            values.append(None)
        else:
            values.append(_int_or_text(part))
    return values


def _pairs(text: str) -> list[Any] | int | str:
    """`1,2;3,4` → [[1, 2], [3, 4]]; `1;2,3` → [1, [2, 3]]; without `;` as `_ints`: `2` → 2,
    `1,2` → [1, 2] (one value per axis)."""
    if ";" not in text:
        values = _ints(text)
        return values[0] if len(values) == 1 else values
    entries: list[Any] = []
    for part in text.split(";"):
        values = _ints(part)
        entries.append(values[0] if len(values) == 1 else values)
    return entries


def _number(text: str) -> float | int | str:
    number = whole_number(text)
    if number is not None:
        return number
    try:
        return float(text)  # `nan`, `inf` and `1e400` too: `json_guard.check` names the field
    except ValueError:
        return text


def is_on(text: str) -> bool:
    """A checkbox's or a query parameter's boolean: `true`, `on`, `1`, `yes`."""
    return text.strip().lower() in ("true", "on", "1", "yes")


def parse_value(control: Control, text: str) -> Any:
    """The JSON value of one argument's text; `...` means "leave it at Keras's default"."""
    text = text.strip()
    if control.kind == "bool":
        return is_on(text)
    if text == "":
        return None if control.kind == "choice" and "" in control.choices else ...
    if control.kind == "int":
        return _int_or_text(text)
    if control.kind == "ints":
        values = _ints(text)
        return values[0] if len(values) == 1 and not control.always_list else values
    if control.kind == "pairs":
        return _pairs(text)
    if control.kind == "number":
        return _number(text)
    if control.kind == "refs":
        return _refs(text)
    if control.kind == "json":
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return text  # validation names the field: not a layer
    if text.startswith("{") and control.name.endswith(KERAS_OBJECT_SUFFIXES):
        # A serialised Keras object (`activation`: a LeakyReLU layer, an initializer with its
        # config), shown as its JSON by `show_value`: read back as that object.
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return text  # validation says why it is no name
        return value if isinstance(value, dict) else text
    return text


def _refs(text: str) -> list[str]:
    """`a, enc[0][1]` → ["a", "enc[0][1]"]: tensor references, comma- or space-separated."""
    return [part for part in re.split(r"[\s,]+", text.strip()) if part]


def layer_body(layer: LayerDraft) -> dict[str, Any]:
    body: dict[str, Any] = {} if layer.type == CALL else {"type": layer.type}
    for control in controls(layer.type):
        if control.name not in layer.values:
            continue
        value = parse_value(control, layer.values[control.name])
        if value is not ...:
            body[control.name] = value
    # One tensor is written as itself: a list means a merge's inputs.
    inputs = body.get("inputs")
    if isinstance(inputs, list) and len(inputs) == 1 and "," not in layer.values["inputs"]:
        body["inputs"] = inputs[0]
    return body


def _input_body(given: InputDraft) -> dict[str, Any]:
    body: dict[str, Any] = {"shape": _ints(given.value("shape"), allow_none=True)}
    if given.value("name").strip():
        body["name"] = given.value("name").strip()
    if given.value("batch_size").strip():
        body["batch_size"] = _int_or_text(given.value("batch_size").strip())
    return body


def request_body(draft: ModelDraft) -> dict[str, Any]:
    """The `POST /summary` body the draft describes."""
    body: dict[str, Any] = {"name": draft.name.strip()} if draft.name.strip() else {}
    if draft.inputs:
        body["inputs"] = [_input_body(given) for given in draft.inputs]
    else:
        body["input_shape"] = _ints(draft.input_shape, allow_none=True)
    body["layers"] = [layer_body(layer) for layer in draft.layers]
    if draft.outputs.strip():
        body["outputs"] = _refs(draft.outputs)
    body["batch_size"] = _int_or_text(draft.batch_size.strip())
    body["dtype"] = draft.dtype
    for name, text in draft.costs:
        parse = (
            _int_or_text
            if name == "time_steps"
            else _number
            if name in ("peak_tflops", "bandwidth_gb_s", "efficiency", "step_overhead_us")
            else str.strip
        )
        body[name] = parse(text.strip())
    return body


# ---- validation → messages per field -------------------------------------------------------


def field_key(draft: ModelDraft, loc: Iterable[Any]) -> str:
    """The editor field an error location points at (`layers.2.kernel_size`), or the nearest
    enclosing one: the layer card (`layers.2`), the model field, or `` for the whole form."""
    parts = [str(p) for p in loc if p != "body"]
    for end in range(len(parts), 0, -1):
        if _is_field(draft, parts[:end]):
            return ".".join(parts[:end])
    return ""


def _is_field(draft: ModelDraft, parts: list[str]) -> bool:
    """Whether `parts` name a model field, a layer card or one of its controls: looked up, not
    listed, so locating each of n errors costs the same for any number of layers."""
    if len(parts) == 1:
        return parts[0] in MODEL_FIELDS
    if parts[0] == "inputs" and len(parts) == 3:
        position = parse_index(parts[1], len(draft.inputs))
        return position is not None and str(position) == parts[1] and parts[2] in INPUT_FIELDS
    if parts[0] != "layers" or len(parts) > 3:
        return False
    position = parse_index(parts[1], len(draft.layers))
    if position is None or str(position) != parts[1]:
        return False
    return len(parts) == 2 or parts[2] in control_names(draft.layers[position].type)


def validate(draft: ModelDraft) -> tuple[SummaryRequest | None, dict[str, str]]:
    """The validated request, or the errors by field key (first message per field)."""
    body = request_body(draft)
    try:
        json_guard.check(body)  # numbers too long or not finite, before anything prints them
    except json_guard.JSONProblem as problem:
        return None, {field_key(draft, problem.loc): problem.msg}
    try:
        return SummaryRequest.model_validate(body), {}
    except ValidationError as error:
        errors: dict[str, str] = {}
        located = [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors()]
        for cleaned in user_errors(located, body):
            # A `Said`: the page says it in its language (`pages._context`).
            errors.setdefault(field_key(draft, cleaned["loc"]), cleaned["msg"])
        return None, errors


def spec_errors(draft: ModelDraft, error: SpecError) -> dict[str, str]:
    return {field_key(draft, error.loc): error.msg}


# ---- edit actions --------------------------------------------------------------------------


def new_layer(layer_type: str) -> LayerDraft:
    """A new layer with its family's values for the arguments Keras requires (1 where the
    family gives none), and what its family starts a layer of this type with."""
    hints = FAMILY_OF[LAYER_SPECS[layer_type]].editor
    values = {
        c.name: show_value(hints.new_values.get(c.name, 1))
        for c in controls(layer_type)
        if c.required
    }
    values.update(
        (name, show_value(value)) for name, value in hints.new_by_type.get(layer_type, {}).items()
    )
    return LayerDraft(layer_type, values)


def _stacks_on(added: LayerDraft, last: LayerDraft) -> bool:
    """A layer of a family that `stacks` (ConvLSTM; LSTM/GRU/SimpleRNN) on one of the same
    family: it needs the sequence, not the last step."""
    if last.type not in LAYER_SPECS:  # a call of an earlier layer
        return False
    family = FAMILY_OF[LAYER_SPECS[added.type]]
    return family.editor.stacks and FAMILY_OF[LAYER_SPECS[last.type]] is family


def _returns_sequences(layer: LayerDraft) -> bool:
    return is_on(layer.values.get("return_sequences", "false"))


def apply_action(draft: ModelDraft, action: str, new_type: str = "ConvLSTM2D") -> ModelDraft:
    """`add`, `remove:i`, `duplicate:i`, `up:i`, `down:i`; anything else changes nothing.

    Appending a ConvLSTM after a ConvLSTM (or an LSTM/GRU/SimpleRNN after one of those) that
    returns only its last step hands it the sequence (return_sequences=true), so the new last
    layer keeps the model valid.
    """
    layers = list(draft.layers)
    verb, _, arg = action.partition(":")
    index = parse_index(arg, len(layers))
    if index is None:
        index = -1
    if verb == "add" and new_type in editable_types():
        added = new_layer(new_type)
        if layers and _stacks_on(added, layers[-1]) and not _returns_sequences(layers[-1]):
            layers[-1] = replace(
                layers[-1], values={**layers[-1].values, "return_sequences": "true"}
            )
        layers.append(added)
    elif not 0 <= index < len(layers):
        return draft
    elif verb == "remove" and len(layers) > 1:
        del layers[index]
    elif verb == "duplicate" and len(layers) < MAX_LAYERS:
        copy = {k: v for k, v in layers[index].values.items() if k != "name"}
        layers.insert(index + 1, replace(layers[index], values=copy))
    elif verb == "up" and index > 0:
        layers[index - 1], layers[index] = layers[index], layers[index - 1]
    elif verb == "down" and index < len(layers) - 1:
        layers[index + 1], layers[index] = layers[index], layers[index + 1]
    return replace(draft, layers=tuple(layers))


def focus_after(draft: ModelDraft, action: str) -> str:
    """Which control should have focus after an action, as an element id."""
    verb, _, arg = action.partition(":")
    # `draft` is the model after the action: a removed last layer's index is one past the end.
    index = parse_index(arg, len(draft.layers) + 1) or 0
    last = len(draft.layers) - 1
    if verb == "add":
        return f"layers-{last}-first"
    if verb == "duplicate":
        return f"layers-{min(index + 1, last)}-first"
    if verb == "up":
        return f"up-{index - 1}" if index - 1 > 0 else "down-0"
    if verb == "down":
        return f"down-{index + 1}" if index + 1 < last else f"up-{last}"
    if verb == "remove":  # the card that took its place, or the new last one
        return f"layers-{min(index, last)}-first"
    return ""

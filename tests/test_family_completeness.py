"""Every layer family is complete: each check walks `FAMILIES` and names the family and the part
it lacks, so a new layer type cannot ship half-built (a spec without an analyser was a 500).

Parts: an analyser and a cost rule for every spec class, a test generator
(`tests/strategies.py` `MAKERS`, or `tests/graph_strategies.py` for the graph-only merges), an
editor round trip (a new layer's form values give a body that validates), help for every
editable argument in English and Chinese, and a mention in `docs/costs.md`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pydantic import TypeAdapter

from app import editor
from app.core.families import FAMILIES, FAMILY_OF, SPEC_OF
from app.core.family import type_name
from app.schema import LAYER_SPECS, LayerSpec
from tests.graph_strategies import MERGE_TYPES
from tests.strategies import MAKERS

ROOT = Path(__file__).resolve().parent.parent
ZH_CATALOG = ROOT / "app/translations/zh_Hans/LC_MESSAGES/messages.po"


def missing(what: str, gaps: list[str]) -> str:
    return f"{what}:\n  " + "\n  ".join(gaps)


def test_every_spec_type_belongs_to_exactly_one_family():
    owners: dict[str, list[str]] = {}
    for family in FAMILIES:
        for spec in family.specs:
            owners.setdefault(type_name(spec), []).append(family.name)
    twice = [f"{t}: {', '.join(names)}" for t, names in owners.items() if len(names) > 1]
    assert not twice, missing("types listed by several families", twice)
    assert set(owners) == set(LAYER_SPECS), missing(
        "types the schema accepts that no family lists, or the reverse",
        sorted(set(owners) ^ set(LAYER_SPECS)),
    )
    assert {name: LAYER_SPECS[name] for name in SPEC_OF} == SPEC_OF


def test_every_family_analyses_and_counts_each_of_its_types():
    gaps = [
        f"{family.name}: {type_name(spec)} has no {part}"
        for family in FAMILIES
        for spec in family.specs
        for part, fn in (("analyser", family.analyser), ("cost rule", family.cost_rule))
        if fn(spec) is None
    ]
    assert not gaps, missing("families with a type they cannot analyse or count", gaps)


def test_a_familys_rules_serve_only_its_own_types():
    gaps = [
        f"{family.name}: a rule names {spec.__name__}, which it does not list"
        for family in FAMILIES
        for rules in (family.analysers, family.costs)
        for specs, _ in rules
        for spec in specs
        if spec not in family.specs
    ]
    assert not gaps, missing("rules for types of another family", gaps)


def test_every_type_has_a_test_generator():
    gaps = [
        f"{family.name}: {type_name(spec)} has no maker in tests/strategies.py MAKERS"
        for family in FAMILIES
        for spec in family.specs
        if type_name(spec) not in MAKERS and type_name(spec) not in MERGE_TYPES
    ]
    assert not gaps, missing("types no random request can contain", gaps)


def test_every_type_round_trips_through_the_editor():
    """A new layer's form values → the body `POST /summary` takes → a valid spec of its type."""
    adapter: TypeAdapter[object] = TypeAdapter(LayerSpec)
    gaps = []
    for family in FAMILIES:
        for spec in family.specs:
            name = type_name(spec)
            if name not in editor.editable_types():
                gaps.append(f"{family.name}: {name} is not offered by the editor")
                continue
            body = editor.layer_body(editor.new_layer(name))
            try:
                parsed = adapter.validate_python(body)
            except ValueError as error:
                gaps.append(f"{family.name}: a new {name} does not validate: {error}")
                continue
            if type(parsed) is not spec:
                gaps.append(f"{family.name}: a new {name} validates as {type(parsed).__name__}")
            elif editor.layer_body(editor.draft_from_body({"layers": [body]}).layers[0]) != body:
                gaps.append(f"{family.name}: a new {name} changes through its form")
    assert not gaps, missing("types the editor cannot add", gaps)


def _zh_translated() -> set[str]:
    with ZH_CATALOG.open("rb") as catalog:
        return {str(m.id) for m in read_po(catalog) if m.id and m.string}


def test_every_editable_argument_has_help_in_english_and_chinese():
    translated = _zh_translated()
    gaps = []
    for family in FAMILIES:
        for spec in family.specs:
            for control in editor.controls(type_name(spec)):
                msgid = family.help.get(type_name(spec), {}).get(control.name)
                if msgid is None:
                    gaps.append(f"{family.name}: {type_name(spec)}.{control.name} has no help")
                elif msgid not in translated:
                    gaps.append(f"{family.name}: help of {control.name} has no Chinese text")
    assert not gaps, missing("arguments without help in both languages", sorted(set(gaps)))


def _mentioned(layer_type: str, text: str) -> bool:
    """`Conv2D` is mentioned as itself, in a rank list (`Conv1D/2D/3D`), or by its rank-free
    name (`MaxPooling` for `MaxPooling2D`)."""
    ranked = re.fullmatch(r"(.*?)([123]D)(.*)", layer_type)
    if ranked is None:
        return re.search(rf"\b{layer_type}\b", text) is not None
    stem, rank, rest = ranked.groups()
    in_a_list = rf"\b{stem}(?:[123]D/)*{rank}(?:/[123]D)*{rest}\b"
    return re.search(in_a_list, text) is not None or f"{stem}{rest}" in text


def test_every_type_has_its_counting_rule_in_the_docs():
    text = (ROOT / "docs/costs.md").read_text(encoding="utf-8")
    gaps = [
        f"{family.name}: {type_name(spec)}"
        for family in FAMILIES
        for spec in family.specs
        if not _mentioned(type_name(spec), text)
    ]
    assert not gaps, missing("types docs/costs.md does not mention", gaps)


def test_the_lookups_cover_every_family_whatever_was_imported_first():
    # `editable_types()` once returned () unless `app.core.model` had been imported.
    assert set(editor.editable_types()) == set(LAYER_SPECS)
    assert set(FAMILY_OF) == set(LAYER_SPECS.values())


def test_editor_hints_name_only_arguments_and_types_of_their_family():
    gaps = []
    for family in FAMILIES:
        fields = {name for spec in family.specs for name in spec.model_fields}
        hints = family.editor
        named = {
            "primary": hints.primary,
            "new_values": set(hints.new_values),
            "list_arguments": hints.list_arguments,
            "layer_arguments": hints.layer_arguments,
            "hidden": hints.hidden,
            "new_by_type arguments": {n for values in hints.new_by_type.values() for n in values},
        }
        gaps += [
            f"{family.name}: {part} names {name}, an argument none of its types takes"
            for part, names in named.items()
            for name in sorted(set(names) - fields)
        ]
        types = {type_name(spec) for spec in family.specs}
        gaps += [
            f"{family.name}: new_by_type names {name}, not one of its types"
            for name in sorted(set(hints.new_by_type) - types)
        ]
    assert not gaps, missing("editor hints that point at nothing", gaps)


@pytest.mark.parametrize(
    "first_import",
    [
        "app.editor",
        "app.core.conv",
        "app.core.wrappers",
        "app.core.registry",
        "app.core.graph",
        "app.interop.torch_layers",
        "app.schema",
    ],
)
def test_nothing_depends_on_what_was_imported_first(first_import: str):
    """In a fresh interpreter, whichever module comes first, every type is editable and the
    walk analyses a wrapped layer (once `app.core.model` needed importing before the editor)."""
    script = f"""
import {first_import}
from app import editor
from app.core.model import summarize
from app.schema import LAYER_SPECS, SummaryRequest
assert set(editor.editable_types()) == set(LAYER_SPECS), editor.editable_types()
request = SummaryRequest.model_validate({{
    "input_shape": [3, 8, 8, 2],
    "layers": [{{
        "type": "TimeDistributed",
        "layer": {{"type": "Conv2D", "filters": 4, "kernel_size": 3}},
    }}],
}})
assert summarize(request).total_params == 3 * 3 * 2 * 4 + 4
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]

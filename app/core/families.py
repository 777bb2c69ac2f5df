"""Every layer family the app knows, listed explicitly, and the lookups built from that list.

A family is one module of `app/core/` that ends with `FAMILY = LayerFamily(...)`
(`app.core.family`): its spec classes, the functions that analyse them (output shape, weights,
parameter formula) and count their costs, what the page's editor needs (primary arguments,
values of a new layer) and its types' help texts (`HELP`, English msgids). Nothing registers
itself: what is not in `FAMILIES` does not exist for the walk, the costs or the editor, and
`tests/test_family_completeness.py` names any family that lacks a part.

Adding a plain layer type (no weights, one shape rule) to an existing family touches exactly:
1. its family module, `app/core/<family>.py`: the spec class (on `app.core.spec_base`), its
   analyser and cost rule (or the spec added to a rule that fits), and the family's `FAMILY`:
   the spec in `specs` and in the rules, editor hints (`new_values` for arguments Keras
   requires, `primary` ones) and its arguments' entries in the module's `HELP`. The request
   contract (`app.schema.LayerSpec`, `LAYER_SPECS`), the walk, the costs, the editor and the
   page pick it up from `FAMILIES`;
2. its tests: a maker in `tests/strategies.py` `MAKERS` (keyed by the type name; the Keras
   parity and interop tests draw from it) and the family's own test file;
3. the catalogue: README's list of layers and the type's row in `docs/costs.md`;
4. the Chinese of its help texts in `app/translations/zh_Hans/LC_MESSAGES/messages.po`
   (README, "Languages": `pybabel extract`, `update`, translate).
`tests/test_family_completeness.py` fails, naming the family and the part, until 1-4 are done.
Optional, outside the family: a PyTorch translation in `app/interop/torch_layers.py` (without
one the PyTorch export refuses the model with a 422 naming the type). A new family adds its
module and one line to `FAMILIES` below.
"""

from __future__ import annotations

from app.core import (
    activation_layers,
    conv,
    conv_lstm,
    dense,
    group_normalization,
    margins,
    merging,
    nested,
    normalization,
    pooling,
    recurrent,
    regularization,
    reordering,
    reshaping,
    separable_conv,
    wrappers,
)
from app.core.family import Analyser, CostRule, LayerFamily, SpecType, type_name

FAMILIES: tuple[LayerFamily, ...] = (
    conv_lstm.FAMILY,
    conv.FAMILY,
    separable_conv.FAMILY,
    pooling.FAMILY,
    dense.FAMILY,
    normalization.FAMILY,
    group_normalization.FAMILY,
    regularization.FAMILY,
    reshaping.FAMILY,
    reordering.FAMILY,
    activation_layers.FAMILY,
    margins.FAMILY,
    merging.FAMILY,
    recurrent.FAMILY,
    wrappers.FAMILY,
    nested.FAMILY,
)

FAMILY_OF: dict[SpecType, LayerFamily] = {
    spec: family for family in FAMILIES for spec in family.specs
}
# Keras class name → spec class, for every type of every family.
SPEC_OF: dict[str, SpecType] = {type_name(spec): spec for spec in FAMILY_OF}
_ANALYSERS: dict[SpecType, Analyser] = {
    spec: fn for family in FAMILIES for specs, fn in family.analysers for spec in specs
}
_COST_RULES: dict[SpecType, CostRule] = {
    spec: fn for family in FAMILIES for specs, fn in family.costs for spec in specs
}


def analyser(spec: SpecType) -> Analyser:
    """The function that analyses `spec`'s layers; a spec no family analyses is a bug that
    `tests/test_family_completeness.py` names."""
    try:
        return _ANALYSERS[spec]
    except KeyError:
        raise LookupError(f"no layer family analyses {spec.__name__}") from None


def cost_rule(spec: SpecType) -> CostRule | None:
    return _COST_RULES.get(spec)


def family_of_type(layer_type: str) -> LayerFamily:
    """The family of a Keras class name (`Conv2D` → the convolution family)."""
    return FAMILY_OF[SPEC_OF[layer_type]]

"""Which help text the page shows for a layer's argument.

Each layer family (`app.core.families`) carries its types' help: layer type → argument → English
text, marked with `N_` for the catalog; the page translates the answer with `_()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from app.core.families import FAMILIES


@cache
def all_help() -> dict[str, Mapping[str, str]]:
    """Every family's help, merged: layer type → argument → English help."""
    merged: dict[str, Mapping[str, str]] = {}
    for family in FAMILIES:
        for layer_type, texts in family.help.items():
            if layer_type in merged:
                raise RuntimeError(f"{layer_type} has help in two families")
            merged[layer_type] = texts
    return merged


def help_for(layer_type: str, argument: str) -> str | None:
    """The English help of `argument` of `layer_type`, or None where the family gives none."""
    return all_help().get(layer_type, {}).get(argument)

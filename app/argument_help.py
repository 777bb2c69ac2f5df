"""Which help text the page shows for a layer's argument.

Each layer family module in `app.core` ends with `HELP`: layer type → argument → English help,
marked with `N_` for the catalog. `help_for` finds the type's entry by scanning those modules;
the page translates the answer with `_()`.
"""

from __future__ import annotations

import importlib
from functools import cache

# The family modules that define `HELP` (one per family; a type appears in exactly one).
FAMILY_MODULES = (
    "conv_lstm",
    "conv",
    "separable_conv",
    "pooling",
    "dense",
    "normalization",
    "group_normalization",
    "recurrent",
    "margins",
    "reshaping",
    "reordering",
    "regularization",
    "activation_layers",
    "merging",
    "wrappers",
    "nested",
)


@cache
def all_help() -> dict[str, dict[str, str]]:
    """Every family's `HELP`, merged: layer type → argument → English help."""
    merged: dict[str, dict[str, str]] = {}
    for name in FAMILY_MODULES:
        module = importlib.import_module(f"app.core.{name}")
        for layer_type, texts in getattr(module, "HELP", {}).items():
            if layer_type in merged:
                raise RuntimeError(f"{layer_type} has help in two family modules")
            merged[layer_type] = texts
    return merged


def help_for(layer_type: str, argument: str) -> str | None:
    """The English help of `argument` of `layer_type`, or None where the family gives none."""
    return all_help().get(layer_type, {}).get(argument)

"""Which help text the page shows for a layer's argument.

Each layer family (`app.core.families`) carries its types' help: layer type → argument → English
text, marked with `N_` for the catalog; the page translates the answer with `_()`.
"""

from __future__ import annotations

from app.core.families import FAMILY_OF, SPEC_OF


def help_for(layer_type: str, argument: str) -> str | None:
    """The English help of `argument` of `layer_type`, or None where its family gives none."""
    spec = SPEC_OF.get(layer_type)
    if spec is None:
        return None
    return FAMILY_OF[spec].help.get(layer_type, {}).get(argument)

"""Activation names Keras 3.15.1 accepts (`keras.src.activations.ALL_OBJECTS_DICT`).

`keras.activations.get` looks a string up exactly (case-sensitive) and refuses anything else;
`None` means linear. Serialised dicts and callables cannot be checked here and are let through.
"""

from __future__ import annotations

import difflib
from typing import Any

from app.core.errors import SpecError
from app.core.keras_objects import ACTIVATIONS
from app.core.translation import gettext as _

# One table: the request schema checks the same names (`app.core.keras_objects`).
KERAS_ACTIVATIONS = ACTIVATIONS


def check_activation(value: Any, field: str = "activation") -> None:
    """Raise `SpecError` at `field` for a string Keras would not recognise."""
    if value is None or isinstance(value, dict) or value in KERAS_ACTIVATIONS:
        return
    if not isinstance(value, str):
        raise SpecError(
            (field,),
            _("an activation is a name such as 'relu' or null; received {value}").format(
                value=repr(value)
            ),
        )
    close = difflib.get_close_matches(value.lower(), KERAS_ACTIVATIONS, n=1, cutoff=0.6)
    hint = _("did you mean '{name}'? ").format(name=close[0]) if close else ""
    raise SpecError(
        (field,),
        _(
            "Keras does not know the activation '{value}'; {hint}use one of {names}, or null "
            "for linear"
        ).format(value=value, hint=hint, names=", ".join(KERAS_ACTIVATIONS)),
    )

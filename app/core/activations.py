"""Activation names Keras 3.15.1 accepts (`keras.src.activations.ALL_OBJECTS_DICT`).

`keras.activations.get` looks a string up exactly (case-sensitive) and refuses anything else;
`None` means linear. Serialised dicts and callables cannot be checked here and are let through.
"""

from __future__ import annotations

import difflib
from typing import Any

from app.core.errors import SpecError
from app.core.translation import gettext as _

KERAS_ACTIVATIONS = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
    "tanh_shrink", "threshold",
)  # fmt: skip


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

"""Keras activation names as PyTorch expressions (`keras/src/activations/activations.py`).

Each entry is a template over `{x}` (and `{dim}`, the torch axis of Keras's last one, for the
softmax family); the defaults are Keras's (`leaky_relu` slope 0.2, `gelu` exact, shrink
thresholds 0.5). A name torch has nothing faithful for is refused with the layer's field.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import SpecError
from app.core.translation import gettext as _

_TEMPLATES = {
    "linear": "{x}",
    "tanh": "torch.tanh({x})",
    "sigmoid": "torch.sigmoid({x})",
    "relu": "torch.relu({x})",
    "relu6": "F.relu6({x})",
    "elu": "F.elu({x})",
    "selu": "F.selu({x})",
    "celu": "F.celu({x})",
    "gelu": "F.gelu({x})",
    "softplus": "F.softplus({x})",
    "softsign": "F.softsign({x})",
    "silu": "F.silu({x})",
    "swish": "F.silu({x})",
    "mish": "F.mish({x})",
    "exponential": "torch.exp({x})",
    "hard_sigmoid": "F.hardsigmoid({x})",  # Keras 3: relu6(x + 3) / 6, as torch's
    "hard_silu": "F.hardswish({x})",
    "hard_swish": "F.hardswish({x})",
    "hard_tanh": "F.hardtanh({x})",
    "hard_shrink": "F.hardshrink({x}, 0.5)",
    "soft_shrink": "F.softshrink({x}, 0.5)",
    "tanh_shrink": "F.tanhshrink({x})",
    "log_sigmoid": "F.logsigmoid({x})",
    "leaky_relu": "F.leaky_relu({x}, 0.2)",
    "squareplus": "({x} + torch.sqrt({x} * {x} + 4)) / 2",
    "softmax": "torch.softmax({x}, dim={dim})",
    "log_softmax": "torch.log_softmax({x}, dim={dim})",
}
# Names whose template reads its argument once: they can be passed as a function.
_FUNCTIONS = {
    "tanh": "torch.tanh", "sigmoid": "torch.sigmoid", "relu": "torch.relu", "relu6": "F.relu6",
    "elu": "F.elu", "selu": "F.selu", "celu": "F.celu", "gelu": "F.gelu",
    "softplus": "F.softplus", "softsign": "F.softsign", "silu": "F.silu", "swish": "F.silu",
    "mish": "F.mish", "exponential": "torch.exp", "hard_sigmoid": "F.hardsigmoid",
    "hard_silu": "F.hardswish", "hard_swish": "F.hardswish", "hard_tanh": "F.hardtanh",
    "tanh_shrink": "F.tanhshrink", "log_sigmoid": "F.logsigmoid", "linear": "linear",
}  # fmt: skip


def _plain(value: Any) -> Any:
    """A serialised function or `Activation` layer as its name (None: linear); an activation
    layer object (LeakyReLU, ...) as it is."""
    if isinstance(value, dict):
        config = value.get("config")
        if value.get("class_name") == "function":
            return _plain(config)
        if value.get("class_name") == "Activation":
            return _plain((config or {}).get("activation"))
    return "linear" if value is None else value


def _layer_template(value: dict[str, Any]) -> str | None:
    """An activation layer object (`app.core.keras_objects.ACTIVATION_LAYERS`) as torch, with
    Keras's defaults (`keras/src/layers/activations/`); None where torch has no faithful form."""
    name, config = value.get("class_name"), value.get("config") or {}
    if name == "LeakyReLU":
        # Keras 3 still takes the deprecated `alpha`, which wins (as LeakyReLUSpec reads it).
        slope = config.get("alpha", config.get("negative_slope", 0.3))
        return f"F.leaky_relu({{x}}, {float(slope)!r})"
    if name == "ELU":
        return f"F.elu({{x}}, {float(config.get('alpha', 1.0))!r})"
    if name == "Softmax" and config.get("axis", -1) == -1:
        return "torch.softmax({x}, dim={dim})"
    if name == "ReLU" and not config.get("negative_slope") and not config.get("threshold"):
        top = config.get("max_value")
        return "torch.relu({x})" if top is None else f"torch.clamp({{x}}, 0.0, {float(top)!r})"
    return None


def _template(value: Any, field: str) -> str:
    name = _plain(value)
    if isinstance(name, str) and name in _TEMPLATES:
        return _TEMPLATES[name]
    if isinstance(name, dict):
        template = _layer_template(name)
        if template is not None:
            return template
    shown = (
        repr(name)
        if isinstance(name, str)
        else repr(_("{type} object").format(type=name.get("class_name")))
    )
    raise SpecError(
        (field,),
        _(
            "the activation {activation} has no PyTorch translation here (supported: "
            "{supported}); choose one of those to export PyTorch code"
        ).format(activation=shown, supported=", ".join(sorted(_TEMPLATES))),
    )


def apply(value: Any, x: str, dim: int = -1, field: str = "activation") -> str:
    """The expression `value(x)`; `dim` is where Keras's last axis is in torch."""
    return _template(value, field).format(x=x, dim=dim)


def function(value: Any, dim: int, field: str) -> str:
    """`value` as a callable (a ConvLSTM's or RNN's gate function), channels at `dim`."""
    _template(value, field)  # refuses what has no translation
    name = _plain(value)
    if isinstance(name, str) and name in _FUNCTIONS:
        return _FUNCTIONS[name]
    return "lambda t: " + apply(value, "t", dim, field)


def uses_linear(value: Any) -> bool:
    """Whether the `linear` helper must be copied into the file."""
    plain: object = _plain(value)
    return plain == "linear"

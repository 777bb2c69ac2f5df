"""Activations, initializers, regularizers and constraints, checked by name as Keras 3.15.1 does.

Each kind's `keras.<kind>.get(identifier)` (`keras/src/<kind>/__init__.py`) accepts `None`, a name
from its `ALL_OBJECTS_DICT` (case-sensitive: the class name, its snake_case form and a few
aliases), or a serialised dict; anything else raises. The name tables below are Keras's
dictionaries' keys (tests/test_keras_object_names.py proves them against real Keras).

Serialised dicts (`{"class_name": ..., "config": ...}`) are looked up the way Keras looks them up:
- initializers, regularizers, constraints: `deserialize` with `module_objects`, so `class_name`
  must be one of the same names, and `"module": null` is refused;
- activations: `serialization_lib.deserialize_keras_object` by `module` and `class_name`: a
  layer object from `keras.layers` (what `to_json()` writes for `activation=LeakyReLU()`) or a
  `{"class_name": "function", "config": "relu"}`. We take the weightless activation layers
  (`ACTIVATION_LAYERS`), their config checked by the layer's own spec; `module` may be left out.

Validated values are kept as given, so that exports and summaries show what the user wrote.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError
from pydantic_core import PydanticCustomError

ACTIVATIONS = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh",
    "tanh_shrink", "threshold",
)  # fmt: skip
INITIALIZERS = (
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "OrthogonalInitializer", "RandomNormal", "RandomUniform", "STFT", "STFTInitializer",
    "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "glorot_normal",
    "glorot_uniform", "he_normal", "he_uniform", "identity", "initializer", "lecun_normal",
    "lecun_uniform", "normal", "one", "ones", "orthogonal", "random_normal", "random_uniform",
    "stft", "truncated_normal", "uniform", "variance_scaling", "zero", "zeros",
)  # fmt: skip
REGULARIZERS = (
    "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "l1", "l1l2", "l2",
    "orthogonal_regularizer", "regularizer",
)  # fmt: skip
CONSTRAINTS = (
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "constraint", "max_norm",
    "min_max_norm", "non_neg", "unit_norm",
)  # fmt: skip

# Classes Keras cannot build from their name alone: `get("constant")` raises KeyError 'value'
# (`Constant.from_config` reads it); a config must give these keys.
NEEDS_CONFIG: Mapping[str, tuple[str, ...]] = {"Constant": ("value",), "constant": ("value",)}

# Keras layers that may stand as an activation here: they have no weights (PReLU has: built on
# first call inside the host layer, Keras counts them there; we refuse it) and keep the shape.
# Each costs what the activation function it computes costs (`None`: the Activation layer's own).
ACTIVATION_LAYERS: Mapping[str, str | None] = {
    "ReLU": "relu",
    "LeakyReLU": "leaky_relu",
    "ELU": "elu",
    "Softmax": "softmax",
    "Activation": None,
}
_LAYER_MODULES = (None, "keras.layers")
_FUNCTION_MODULES = (None, "keras.activations", "builtins")


def suggestion(name: str, names: tuple[str, ...]) -> str | None:
    """The closest known name: same letters in another case first (`Relu` → `relu`), else
    difflib's closest as typed (`L_2` → `L2`), else ignoring case (`SIGMOD` → `sigmoid`)."""
    by_lower = {n.lower(): n for n in names}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return close[0]
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def _unknown(
    kind: str, name: str, names: tuple[str, ...], at: tuple[str, ...] = ()
) -> PydanticCustomError:
    return PydanticCustomError(
        "keras_object_unknown",
        "Keras does not know the {kind} '{name}'",
        {"kind": kind, "name": name, "suggestion": suggestion(name, names) or "", "at": at},
    )


def _wrong_type(kind: str, value: Any, at: tuple[str, ...] = ()) -> PydanticCustomError:
    return PydanticCustomError(
        "keras_object_type",
        "expected a name, null or an object with class_name and config",
        {"kind": kind, "at": at},
    )


def _checked_dict(kind: str, value: dict[str, Any]) -> tuple[str, Any]:
    """(class_name, config) of a serialised object, or the error Keras's lookup would raise."""
    name = value.get("class_name")
    if not isinstance(name, str):
        raise _wrong_type(kind, value, ("class_name",))
    config = value.get("config")
    if config is not None and not isinstance(config, dict | str):
        raise _wrong_type(kind, value, ("config",))
    return name, config


def _by_name(kind: str, names: tuple[str, ...]) -> Callable[[Any], Any]:
    """The check of an initializer, regularizer or constraint argument (see the docstring)."""
    known = frozenset(names)

    def check(value: Any) -> Any:
        if value is None or (type(value) is str and value in known and value not in NEEDS_CONFIG):
            return value
        if isinstance(value, str):
            if value in NEEDS_CONFIG:
                raise _needs_config(value, ())
            raise _unknown(kind, value, names)
        if not isinstance(value, dict):
            raise _wrong_type(kind, value)
        name, config = _checked_dict(kind, value)
        if "module" in value and value["module"] is None:
            # `deserialize`: "Cannot deserialize object of type ..." (a custom class).
            raise _wrong_module(name, f"keras.{kind}s")
        if name not in known:
            raise _unknown(kind, name, names, ("class_name",))
        if isinstance(config, str):
            raise _wrong_type(kind, value, ("config",))
        if any(key not in (config or {}) for key in NEEDS_CONFIG.get(name, ())):
            raise _needs_config(name, ("config",))
        return value

    return check


def _needs_config(name: str, at: tuple[str, ...]) -> PydanticCustomError:
    keys = NEEDS_CONFIG[name]
    return PydanticCustomError(
        "keras_object_needs_config",
        "Keras builds {name} only with {keys} in its config",
        {"name": name, "keys": ", ".join(keys), "at": at},
    )


def check_activation(value: Any) -> Any:
    """`keras.activations.get`: `None` (linear), a name, or a serialised function or layer."""
    if value is None or (type(value) is str and value in _ACTIVATION_SET):
        return value
    if isinstance(value, str):
        raise _unknown("activation", value, ACTIVATIONS)
    if not isinstance(value, dict):
        raise _wrong_type("activation", value)
    name, config = _checked_dict("activation", value)
    module = value.get("module")
    if name == "function":
        if not isinstance(config, str):
            raise _wrong_type("activation", value, ("config",))
        if module not in _FUNCTION_MODULES:
            raise _wrong_module(name, "keras.activations")
        if config not in _ACTIVATION_SET:
            raise _unknown("activation", config, ACTIVATIONS, ("config",))
        return value
    if name not in ACTIVATION_LAYERS:
        raise _unsupported(name, ("class_name",))
    if module not in _LAYER_MODULES:
        raise _wrong_module(name, "keras.layers")
    if isinstance(config, str):
        raise _wrong_type("activation", value, ("config",))
    _check_layer_config(name, config or {})
    return value


def _wrong_module(name: str, module: str) -> PydanticCustomError:
    return PydanticCustomError(
        "keras_object_module",
        "Keras finds {name} in {module}",
        {"name": name, "module": module, "at": ("module",)},
    )


def _unsupported(name: str, at: tuple[str, ...]) -> PydanticCustomError:
    return PydanticCustomError(
        "keras_object_unsupported",
        "'{name}' cannot stand as an activation here",
        {"name": name, "layers": ", ".join(ACTIVATION_LAYERS), "at": at},
    )


def _check_layer_config(name: str, config: dict[str, Any]) -> None:
    """The config as the layer's own spec takes it (`LeakyReLU(negative_slope=0.2)`)."""
    # Imported here: the specs' module imports this one for its field types.
    from app.schema import LAYER_SPECS

    try:
        LAYER_SPECS[name].model_validate({**config, "type": name})
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        # A nested Keras object's error points inside its own field: keep that path.
        inner_at = tuple((first.get("ctx") or {}).get("at", ()))
        raise PydanticCustomError(
            "keras_object_config",
            "{name}: {message}",
            {"name": name, "message": first["msg"], "error": first, "config": config,
             "at": ("config", *first["loc"], *inner_at)},
        ) from None  # fmt: skip


def activation_function(value: Any) -> str | None:
    """The activation function a checked `activation` computes (`None`: linear), by which its
    cost is counted: a LeakyReLU layer costs what `leaky_relu` costs."""
    if value is None or isinstance(value, str):
        return None if value in (None, "linear") else value
    name, config = value.get("class_name"), value.get("config")
    if name == "function":
        return activation_function(config)
    if name == "Activation":
        return activation_function((config or {}).get("activation"))
    return ACTIVATION_LAYERS.get(name)


def is_linear(value: Any) -> bool:
    """Whether a checked activation computes nothing (`None`, "linear", or a layer of it)."""
    return activation_function(value) is None


_ACTIVATION_SET = frozenset(ACTIVATIONS)

# Field types for the specs: `activation: Activation = "tanh"`. The JSON schema stays open
# (`{}`): the names are Keras's, checked here, not listed in the OpenAPI document.
Activation = Annotated[Any, AfterValidator(check_activation)]
Initializer = Annotated[Any, AfterValidator(_by_name("initializer", INITIALIZERS))]
Regularizer = Annotated[Any, AfterValidator(_by_name("regularizer", REGULARIZERS))]
Constraint = Annotated[Any, AfterValidator(_by_name("constraint", CONSTRAINTS))]

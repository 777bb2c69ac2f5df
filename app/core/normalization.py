"""BatchNormalization and LayerNormalization (`keras/src/layers/normalization/`).

BatchNormalization keeps four vectors of the normalised axis' size C: γ (with `scale`) and
β (with `center`) are trained; the moving mean and variance are updated by the forward pass,
never by gradients, so they are non-trainable. `renorm` adds three more non-trainable vectors
(moving stddev, renorm mean, renorm stddev). LayerNormalization has only γ and β, shaped like
the normalised axes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictBool, StrictFloat, StrictInt

from app.core.common_help import layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.formula import dot, num
from app.core.keras_objects import Constraint, Initializer, Regularizer
from app.core.records import LayerRecord, Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import axis_index, known, show
from app.core.spec_base import LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _


class BatchNormalizationSpec(LayerSpecBase):
    """`keras.layers.BatchNormalization`: gamma, beta trainable; moving stats are not."""

    type: Literal["BatchNormalization"]
    axis: StrictInt = -1
    momentum: StrictFloat | StrictInt = 0.99
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    moving_mean_initializer: Initializer = "zeros"
    moving_variance_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None
    renorm: StrictBool = False
    renorm_clipping: Any = None
    renorm_momentum: StrictFloat | StrictInt = 0.99
    synchronized: StrictBool = False


class LayerNormalizationSpec(LayerSpecBase):
    type: Literal["LayerNormalization"]
    axis: StrictInt | list[StrictInt] = -1
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None


RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def check_renorm_clipping(clipping: Any) -> None:
    """What `BatchNormalization.__init__` checks when `renorm` is on."""
    if clipping is None:
        return
    if not isinstance(clipping, dict):
        raise SpecError(
            ("renorm_clipping",),
            _("renorm_clipping is an object with keys {keys}; received {value}").format(
                keys=", ".join(RENORM_CLIPPING_KEYS), value=repr(clipping)
            ),
        )
    unknown = sorted(set(clipping) - set(RENORM_CLIPPING_KEYS))
    if unknown:
        raise SpecError(
            ("renorm_clipping",),
            _("renorm_clipping accepts only the keys {keys}; received {unknown}").format(
                keys=", ".join(RENORM_CLIPPING_KEYS), unknown=", ".join(unknown)
            ),
        )
    rmax, rmin, dmax = (clipping.get(key) for key in RENORM_CLIPPING_KEYS)
    if rmax is not None and rmin is not None and rmax < rmin:
        raise SpecError(
            ("renorm_clipping",),
            _("renorm_clipping needs rmax ≥ rmin; received rmax={rmax}, rmin={rmin}").format(
                rmax=rmax, rmin=rmin
            ),
        )
    if dmax is not None and dmax < 0:
        raise SpecError(
            ("renorm_clipping",),
            _("renorm_clipping needs dmax ≥ 0; received dmax={dmax}").format(dmax=dmax),
        )


def known_sizes(shape: Shape, positions: list[int], layer_type: str, field: str) -> tuple[int, ...]:
    """The sizes at `positions`, which the weights take as their shape, so they must be known."""
    sizes = tuple(shape[p] for p in positions)
    if None in sizes:
        raise SpecError(
            ("input",),
            _(
                "{type} sizes its weights by the input's {axis} axis, whose size is unknown in "
                "{shape}; give that axis a fixed size"
            ).format(type=layer_type, axis=_(field), shape=show(shape)),
        )
    return known(sizes)


def _names(weights: list[WeightRecord], trainable: bool, labels: dict[str, str]) -> str:
    return ", ".join(_(labels[w.name]) for w in weights if w.trainable is trainable)


BN_LABELS = {
    "gamma": "γ",
    "beta": "β",
    "moving_mean": N_("moving mean"),
    "moving_variance": N_("variance"),
    "moving_stddev": N_("stddev"),
    "renorm_mean": N_("renorm mean"),
    "renorm_stddev": N_("renorm stddev"),
}


def batch_normalization(
    spec: BatchNormalizationSpec, input_shape: Shape, namer: Namer
) -> LayerFacts:
    """n × C, n = 2 moving statistics + γ (scale) + β (center) + 3 with renorm."""
    if spec.renorm:
        check_renorm_clipping(spec.renorm_clipping)
    (c,) = known_sizes(
        input_shape, [axis_index(spec.axis, input_shape)], spec.type, N_("normalised")
    )
    names = [
        *(["gamma"] if spec.scale else []),
        *(["beta"] if spec.center else []),
        "moving_mean",
        "moving_variance",
        *(["moving_stddev", "renorm_mean", "renorm_stddev"] if spec.renorm else []),
    ]
    weights = [weight(n, (c,), trainable=n in ("gamma", "beta")) for n in names]
    trained = sum(w.count for w in weights if w.trainable)
    parts = [
        _("{weights} trainable: {params}").format(
            weights=_names(weights, True, BN_LABELS), params=num(trained)
        )
        if trained
        else "",
        _("{weights}: {params} non-trainable").format(
            weights=_names(weights, False, BN_LABELS), params=num(len(weights) * c - trained)
        ),
    ]
    if not spec.trainable:
        parts = [_("layer frozen: all non-trainable")]
    return LayerFacts(
        output_shape=input_shape,
        weights=tuple(weights),
        formula=f"{len(weights)} × {num(c)} = {num(len(weights) * c)} "
        f"({'; '.join(p for p in parts if p)})",
    )


def layer_normalization(
    spec: LayerNormalizationSpec, input_shape: Shape, namer: Namer
) -> LayerFacts:
    """γ and β of shape (input_shape[a] for a in sorted(axis)): 2 × ∏ sizes."""
    axes = [spec.axis] if isinstance(spec.axis, int) else list(spec.axis)
    names = [*(["gamma"] if spec.scale else []), *(["beta"] if spec.center else [])]
    # Without weights Keras never needs a size, so even the batch axis can be normalised.
    positions = [axis_index(a, input_shape, allow_batch=not names) for a in axes]
    if len(set(positions)) != len(positions):
        raise SpecError(
            ("axis",),
            _(
                "axis {axes} names the same axis of {shape} twice (Keras builds it but fails on "
                "the first call); list each axis once"
            ).format(axes=axes, shape=show(input_shape)),
        )
    if not names:
        # No weights, so nothing needs the normalised sizes to be known.
        return LayerFacts(output_shape=input_shape, formula=_("no γ, β (center and scale off): 0"))
    # Keras sorts the axis values as given, so [-1, 1] orders γ's shape as (last, first).
    order = [p for _axis, p in sorted(zip(axes, positions, strict=True))]
    shape = known_sizes(input_shape, order, spec.type, N_("normalised"))
    weights = tuple(weight(n, shape) for n in names)
    size = dot(shape) if shape else "1"
    labels = ", ".join({"gamma": "γ", "beta": "β"}[n] for n in names)
    total = sum(w.count for w in weights)
    return LayerFacts(
        output_shape=input_shape,
        weights=weights,
        formula=f"{len(weights)} × {size} = {num(total)} "
        + _("({weights} of shape {shape})").format(weights=labels, shape=show(shape)),
    )


def normalization_costs(
    spec: BatchNormalizationSpec | LayerNormalizationSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in = elements(record.input_shape)
    per = 2 + int(spec.scale) + int(spec.center)
    rule = "x − μ, ÷ σ" + (", × γ" if spec.scale else "") + (", + β" if spec.center else "")
    if isinstance(spec, LayerNormalizationSpec):
        per, rule = per + 3, rule + _(", mean and variance (3)")
    return _elementwise(record, per, rule, n_in, _("input {input}").format(input=num(n_in)))


FAMILY_SPECS = (
    BatchNormalizationSpec,
    LayerNormalizationSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
# γ, β and their settings: the same meaning in BatchNormalization and LayerNormalization.
_AFFINE_HELP = {
    "center": N_("Adds the learned offset β, one per entry of axis."),
    "scale": N_("Adds the learned factor γ, one per entry of axis."),
    "beta_initializer": N_("Starting values of β (default zeros); no effect on counts."),
    "gamma_initializer": N_("Starting values of γ (default ones); no effect on counts."),
    "beta_regularizer": N_("Penalty on β added to the loss; no effect on counts."),
    "gamma_regularizer": N_("Penalty on γ added to the loss; no effect on counts."),
    "beta_constraint": N_("Projection applied to β after each update; no effect on counts."),
    "gamma_constraint": N_("Projection applied to γ after each update; no effect on counts."),
}
HELP: dict[str, dict[str, str]] = {
    "BatchNormalization": {
        **layer_help(
            N_(
                "false freezes γ and β too; the moving mean and variance are never trainable "
                "(they are updated by running averages, not gradients)."
            )
        ),
        **_AFFINE_HELP,
        "axis": N_(
            "The channels axis: each of its channels gets its own statistics, γ and β "
            "(default -1, the last)."
        ),
        "momentum": N_(
            "Weight of the old value in the moving mean and variance: new = momentum × old + "
            "(1 − momentum) × batch."
        ),
        "epsilon": N_("Small number added to the variance before its square root, against ÷ 0."),
        "moving_mean_initializer": N_(
            "Starting values of the moving mean (default zeros); no effect on counts."
        ),
        "moving_variance_initializer": N_(
            "Starting values of the moving variance (default ones); no effect on counts."
        ),
        "renorm": N_(
            "Batch renormalization: adds 3 non-trainable vectors per channel (moving stddev, "
            "renorm mean, renorm stddev)."
        ),
        "renorm_clipping": N_(
            "With renorm: limits of its corrections, an object with rmax, rmin and dmax."
        ),
        "renorm_momentum": N_(
            "With renorm: momentum of the renorm mean and stddev; no effect on counts."
        ),
        "synchronized": N_(
            "Statistics over the batches of all devices (TensorFlow backend only); no effect on "
            "counts."
        ),
    },
    "LayerNormalization": {
        **layer_help(),
        **_AFFINE_HELP,
        "axis": N_(
            "Axis or axes normalized within each sample (default -1); γ and β have their sizes."
        ),
        "epsilon": N_("Small number added to the variance before its square root, against ÷ 0."),
    },
}


FAMILY = LayerFamily(
    name="Batch and layer normalization",
    specs=FAMILY_SPECS,
    analysers=(
        ((BatchNormalizationSpec,), batch_normalization),
        ((LayerNormalizationSpec,), layer_normalization),
    ),
    costs=((FAMILY_SPECS, normalization_costs),),
    editor=EditorHints(primary=frozenset({"axis", "center", "scale"})),
    help=HELP,
)

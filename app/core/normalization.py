"""BatchNormalization and LayerNormalization (`keras/src/layers/normalization/`).

BatchNormalization keeps four vectors of the normalised axis' size C: γ (with `scale`) and
β (with `center`) are trained; the moving mean and variance are updated by the forward pass,
never by gradients, so they are non-trainable. `renorm` adds three more non-trainable vectors
(moving stddev, renorm mean, renorm stddev). LayerNormalization has only γ and β, shaped like
the normalised axes.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import SpecError
from app.core.formula import dot, num
from app.core.records import Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import axis_index, show
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import BatchNormalizationSpec, LayerNormalizationSpec

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
    return sizes  # type: ignore[return-value]


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


@analyses(BatchNormalizationSpec)
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


@analyses(LayerNormalizationSpec)
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

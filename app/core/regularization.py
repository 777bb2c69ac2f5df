"""Dropout and SpatialDropout1D/2D/3D (`keras/src/layers/regularization/`): no weights.

The output is the input. SpatialDropout drops whole feature maps, so it needs the layout it
was made for: 3-D (1D), 4-D (2D) or 5-D (3D) input.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictInt

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import expect_ndim, show, spatial_layout
from app.core.spec_base import DataFormat, LayerSpecBase, Rate, _SpatialSpec
from app.core.translation import N_
from app.core.translation import gettext as _


class DropoutSpec(LayerSpecBase):
    type: Literal["Dropout"]
    rate: Rate
    noise_shape: Any = None
    seed: StrictInt | None = None


class SpatialDropout1DSpec(LayerSpecBase):
    type: Literal["SpatialDropout1D"]
    rank: ClassVar[int] = 1
    rate: Rate
    seed: StrictInt | None = None


class SpatialDropout2DSpec(_SpatialSpec):
    type: Literal["SpatialDropout2D"]
    rank: ClassVar[int] = 2
    rate: Rate
    data_format: DataFormat | None = None
    seed: StrictInt | None = None


class SpatialDropout3DSpec(_SpatialSpec):
    type: Literal["SpatialDropout3D"]
    rank: ClassVar[int] = 3
    rate: Rate
    data_format: DataFormat | None = None
    seed: StrictInt | None = None


def check_noise_shape(noise_shape: Any, input_shape: Shape) -> None:
    """Keras's `_validate_noise_shape`, plus what training needs: `None` entries take the
    input's size, and the mask must broadcast (right-aligned) onto the input."""
    if noise_shape is None:
        return
    if not isinstance(noise_shape, list | tuple) or not all(
        d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in noise_shape
    ):
        raise SpecError(
            ("noise_shape",),
            _(
                "noise_shape is a list of positive integers or null entries, one per input "
                "axis; received {value}"
            ).format(value=repr(noise_shape)),
        )
    fits = len(noise_shape) <= len(input_shape)
    if fits:
        concrete = [input_shape[i] if d is None else d for i, d in enumerate(noise_shape)]
        aligned = input_shape[len(input_shape) - len(concrete) :]
        fits = all(
            m in (1, None) or n is None or m == n for m, n in zip(concrete, aligned, strict=True)
        )
    if not fits:
        raise SpecError(
            ("noise_shape",),
            _(
                "noise_shape {noise_shape} does not broadcast onto the input {shape}, so "
                "training would fail; give each axis null, 1 or the input's size"
            ).format(noise_shape=list(noise_shape), shape=show(input_shape)),
        )


def dropout(spec: DropoutSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_noise_shape(spec.noise_shape, input_shape)
    return LayerFacts(output_shape=input_shape)


SpatialDropoutSpec = SpatialDropout1DSpec | SpatialDropout2DSpec | SpatialDropout3DSpec


def spatial_dropout(spec: SpatialDropoutSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    channels_first = getattr(spec, "channels_first", False)
    expect_ndim(input_shape, spec.rank + 2, spec.type, spatial_layout(spec.rank, channels_first))
    return LayerFacts(output_shape=input_shape)


def dropout_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out = elements(record.output_shape)
    return _elementwise(
        record, 0, N_("identity at inference"), n_out, _("mask {mask}").format(mask=num(n_out))
    )


FAMILY_SPECS = (
    DropoutSpec,
    SpatialDropout1DSpec,
    SpatialDropout2DSpec,
    SpatialDropout3DSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
_SEED = N_("Seed of the dropout mask; empty: random.")
_SPATIAL_HELP = {
    **layer_help(NO_WEIGHTS),
    "rate": N_(
        "Fraction of whole channels (feature maps) set to 0 during training; nothing at inference."
    ),
    "seed": _SEED,
}
HELP: dict[str, dict[str, str]] = {
    "Dropout": {
        **layer_help(NO_WEIGHTS),
        "rate": N_(
            "Fraction of inputs set to 0 during training (the rest scaled by 1 ÷ (1 − rate)); "
            "nothing at inference."
        ),
        "noise_shape": N_(
            "Shape of the dropout mask, one entry per input axis: a 1 shares the mask along "
            "that axis (e.g. null,1,64); empty: the input's shape."
        ),
        "seed": _SEED,
    },
    "SpatialDropout1D": _SPATIAL_HELP,
    "SpatialDropout2D": {
        **_SPATIAL_HELP,
        "data_format": N_("Where the channels axis is, whose entries are dropped whole."),
    },
    "SpatialDropout3D": {
        **_SPATIAL_HELP,
        "data_format": N_("Where the channels axis is, whose entries are dropped whole."),
    },
}


FAMILY = LayerFamily(
    name="Dropout",
    specs=FAMILY_SPECS,
    analysers=(
        ((DropoutSpec,), dropout),
        ((SpatialDropout1DSpec, SpatialDropout2DSpec, SpatialDropout3DSpec), spatial_dropout),
    ),
    costs=((FAMILY_SPECS, dropout_costs),),
    editor=EditorHints(primary=frozenset({"rate", "data_format"}), new_values={"rate": 0.5}),
    help=HELP,
)

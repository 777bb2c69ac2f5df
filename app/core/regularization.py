"""Dropout and SpatialDropout1D/2D/3D (`keras/src/layers/regularization/`): no weights.

The output is the input. SpatialDropout drops whole feature maps, so it needs the layout it
was made for: 3-D (1D), 4-D (2D) or 5-D (3D) input.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import SpecError
from app.core.records import Shape
from app.core.registry import LayerFacts, Namer, analyses
from app.core.shapes import expect_ndim, show, spatial_layout
from app.core.translation import gettext as _
from app.schema import DropoutSpec, SpatialDropout1DSpec, SpatialDropout2DSpec, SpatialDropout3DSpec


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


@analyses(DropoutSpec)
def dropout(spec: DropoutSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    check_noise_shape(spec.noise_shape, input_shape)
    return LayerFacts(output_shape=input_shape)


SpatialDropoutSpec = SpatialDropout1DSpec | SpatialDropout2DSpec | SpatialDropout3DSpec


@analyses(SpatialDropout1DSpec, SpatialDropout2DSpec, SpatialDropout3DSpec)
def spatial_dropout(spec: SpatialDropoutSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    channels_first = getattr(spec, "channels_first", False)
    expect_ndim(input_shape, spec.rank + 2, spec.type, spatial_layout(spec.rank, channels_first))
    return LayerFacts(output_shape=input_shape)

"""ZeroPadding1D/2D/3D and Cropping1D/2D/3D (`keras/src/layers/reshaping/`): no weights.

Each spatial axis of size n gets a (before, after) pair m: zero padding makes it n + m₀ + m₁,
cropping n − m₀ − m₁, which Keras refuses unless it stays ≥ 1 (`compute_output_shape`). Unknown
sizes stay unknown, and nothing is checked on them. Cropping1D has no `data_format`: it always
crops axis 1.

Costs: no arithmetic. Padding writes zeros around a copy, cropping is a slice; neither keeps
anything for backward (the gradient is the output gradient cropped or padded back).
"""

from __future__ import annotations

from app.core.costs import CostContext, CostFacts, counts, elements
from app.core.errors import SpecError
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, analyses
from app.core.shapes import expect_ndim, join_channels, show, spatial_layout, split_channels
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import (
    Cropping1DSpec,
    Cropping2DSpec,
    Cropping3DSpec,
    ZeroPadding1DSpec,
    ZeroPadding2DSpec,
    ZeroPadding3DSpec,
)

ZeroPaddingSpec = ZeroPadding1DSpec | ZeroPadding2DSpec | ZeroPadding3DSpec
CroppingSpec = Cropping1DSpec | Cropping2DSpec | Cropping3DSpec
MARGIN_TYPES = (
    ZeroPadding1DSpec, ZeroPadding2DSpec, ZeroPadding3DSpec,
    Cropping1DSpec, Cropping2DSpec, Cropping3DSpec,
)  # fmt: skip


def _spatial(spec: ZeroPaddingSpec | CroppingSpec, input_shape: Shape) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of an input of exactly rank + 2 dimensions."""
    expect_ndim(
        input_shape, spec.rank + 2, spec.type, spatial_layout(spec.rank, spec.channels_first)
    )
    return split_channels(input_shape, spec.channels_first)


def _pairs_text(pairs: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{a}+{b}" for a, b in pairs)


@analyses(ZeroPadding1DSpec, ZeroPadding2DSpec, ZeroPadding3DSpec)
def zero_padding(spec: ZeroPaddingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    """n + before + after on every spatial axis."""
    spatial, channels = _spatial(spec, input_shape)
    out = tuple(
        None if n is None else n + a + b for n, (a, b) in zip(spatial, spec.margins, strict=True)
    )
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, channels, spec.channels_first),
        formula=_("no weights: 0 (pads {margins} per axis)").format(
            margins=_pairs_text(spec.margins)
        ),
    )


@analyses(Cropping1DSpec, Cropping2DSpec, Cropping3DSpec)
def cropping(spec: CroppingSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    """n − before − after on every spatial axis; Keras refuses an empty or negative result."""
    spatial, channels = _spatial(spec, input_shape)
    out = tuple(
        None if n is None else n - a - b for n, (a, b) in zip(spatial, spec.margins, strict=True)
    )
    for axis, (n, o, (a, b)) in enumerate(zip(spatial, out, spec.margins, strict=True)):
        if o is not None and o <= 0:
            raise SpecError(
                ("cropping",),
                _(
                    "cropping {before} + {after} on spatial axis {axis} leaves nothing of its "
                    "{size} values (input {shape}); crop fewer than {size} in all on that axis"
                ).format(before=a, after=b, axis=axis + 1, size=n, shape=show(input_shape)),
            )
    return LayerFacts(
        output_shape=join_channels(input_shape[0], out, channels, spec.channels_first),
        formula=_("no weights: 0 (crops {margins} per axis)").format(
            margins=_pairs_text(spec.margins)
        ),
    )


@counts(*MARGIN_TYPES)
def margin_costs(
    spec: ZeroPaddingSpec | CroppingSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    """No FLOPs and nothing saved; the working set is input + output."""
    n_in, n_out = elements(record.input_shape), elements(record.output_shape)
    what = N_("zeros written around a copy") if spec.margin_field == "padding" else N_("a slice")
    return CostFacts(
        macs=0,
        elementwise=0,
        saved=0,
        working=n_in + n_out,
        moved=n_in + n_out,
        texts=lambda: (
            _("no convolution or matrix product: 0"),
            _("{what}, no arithmetic: 0").format(what=_(what)),
            _("nothing: 0 (output {values} elements)").format(values=num(n_out)),
        ),
    )

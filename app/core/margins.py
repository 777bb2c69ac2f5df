"""ZeroPadding1D/2D/3D and Cropping1D/2D/3D (`keras/src/layers/reshaping/`): no weights.

Each spatial axis of size n gets a (before, after) pair m: zero padding makes it n + m₀ + m₁,
cropping n − m₀ − m₁, which Keras refuses unless it stays ≥ 1 (`compute_output_shape`). Unknown
sizes stay unknown, and nothing is checked on them. Cropping1D has no `data_format`: it always
crops axis 1.

Costs: no arithmetic. Padding writes zeros around a copy, cropping is a slice; neither keeps
anything for backward (the gradient is the output gradient cropped or padded back).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StrictInt, field_validator

from app.core.common_help import NO_WEIGHTS, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import num
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer
from app.core.shapes import expect_ndim, join_channels, show, spatial_layout, split_channels
from app.core.spec_base import MAX_DIM, DataFormat, _SpatialSpec
from app.core.translation import N_
from app.core.translation import gettext as _

# A number of rows/columns/steps to pad or crop on one side.
Margin = Annotated[StrictInt, Field(ge=0, le=MAX_DIM)]
Pair = tuple[int, int]
# What `ZeroPadding{2,3}D` / `Cropping{2,3}D` accept: an int, one int per axis (both sides), or
# per axis a (before, after) pair; per-axis entries may mix the two forms, as in Keras.
Margins = Margin | tuple[Margin | tuple[Margin, Margin], ...]


def _margin_pairs(value: Any, rank: int) -> tuple[Pair, ...]:
    """Keras's normalisation of a checked `padding`/`cropping`: one (before, after) pair per
    axis."""
    if isinstance(value, int):
        return ((value, value),) * rank
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)


def _is_margin(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DIM


def _check_margins(value: Any, rank: int, field: str) -> None:
    """Refuses, in one sentence, what Keras's constructor refuses (or cannot run: a negative
    int padding builds a shrunken shape in Keras 3.15, then fails in `ops.pad`)."""
    pair = isinstance(value, list | tuple) and len(value) == 2 and all(map(_is_margin, value))
    if rank == 1:
        ok = _is_margin(value) or pair
        forms = "a number ≥ 0, or [start, end]"
    else:
        ok = _is_margin(value) or (
            isinstance(value, list | tuple)
            and len(value) == rank
            and all(
                _is_margin(v)
                or (isinstance(v, list | tuple) and len(v) == 2 and all(map(_is_margin, v)))
                for v in value
            )
        )
        forms = (
            f"a number ≥ 0, a list of {rank} numbers (one per axis) or a list of {rank} "
            "[before, after] pairs"
        )
    if not ok:
        raise ValueError(f"`{field}` must be {forms}, each at most {MAX_DIM:,}; received {value!r}")


class _MarginSpec(_SpatialSpec):
    """`keras.layers.ZeroPadding{1,2,3}D` and `Cropping{1,2,3}D`: no weights, no arithmetic.

    The margin is normalised as Keras stores it: (left, right) for one axis (an int or a pair,
    `standardize_tuple(value, 2)`), one (before, after) pair per axis for two or three.
    """

    margin_field: ClassVar[str] = "padding"

    @field_validator("padding", "cropping", mode="before", check_fields=False)
    @classmethod
    def _forms(cls, value: Any, info: Any) -> Any:
        # One plain message for any malformed margin, instead of one per member of the union.
        _check_margins(value, cls.rank, info.field_name)
        return value

    @field_validator("padding", "cropping", mode="after", check_fields=False)
    @classmethod
    def _pairs(cls, value: Any, info: Any) -> Any:
        if cls.rank == 1:
            return (value, value) if isinstance(value, int) else tuple(value)
        return _margin_pairs(value, cls.rank)

    @property
    def margins(self) -> tuple[Pair, ...]:
        """One (before, after) pair per spatial axis, whatever the rank."""
        value = getattr(self, self.margin_field)
        return (value,) if self.rank == 1 else value


class ZeroPadding1DSpec(_MarginSpec):
    type: Literal["ZeroPadding1D"]
    rank: ClassVar[int] = 1
    padding: Margin | tuple[Margin, Margin] = (1, 1)
    data_format: DataFormat | None = None


class ZeroPadding2DSpec(_MarginSpec):
    type: Literal["ZeroPadding2D"]
    rank: ClassVar[int] = 2
    padding: Margins = ((1, 1), (1, 1))
    data_format: DataFormat | None = None


class ZeroPadding3DSpec(_MarginSpec):
    type: Literal["ZeroPadding3D"]
    rank: ClassVar[int] = 3
    padding: Margins = ((1, 1), (1, 1), (1, 1))
    data_format: DataFormat | None = None


class Cropping1DSpec(_MarginSpec):
    """Keras's Cropping1D has no `data_format`: it always crops axis 1."""

    type: Literal["Cropping1D"]
    rank: ClassVar[int] = 1
    margin_field: ClassVar[str] = "cropping"
    cropping: Margin | tuple[Margin, Margin] = (1, 1)


class Cropping2DSpec(_MarginSpec):
    type: Literal["Cropping2D"]
    rank: ClassVar[int] = 2
    margin_field: ClassVar[str] = "cropping"
    cropping: Margins = ((0, 0), (0, 0))
    data_format: DataFormat | None = None


class Cropping3DSpec(_MarginSpec):
    type: Literal["Cropping3D"]
    rank: ClassVar[int] = 3
    margin_field: ClassVar[str] = "cropping"
    cropping: Margins = ((1, 1), (1, 1), (1, 1))
    data_format: DataFormat | None = None


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


FAMILY_SPECS = (
    ZeroPadding1DSpec,
    ZeroPadding2DSpec,
    ZeroPadding3DSpec,
    Cropping1DSpec,
    Cropping2DSpec,
    Cropping3DSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
_DATA_FORMAT = N_(
    "Where the channels axis is: channels_last (default, ..., C) or channels_first (C, ...)."
)
_PAD_PER_AXIS = {
    **layer_help(NO_WEIGHTS),
    "padding": N_(
        "Zeros added per axis: one number for every side, one per axis (1,2), or before,after "
        "per axis with ; between axes (1,2;0,3)."
    ),
    "data_format": _DATA_FORMAT,
}
_CROP_PER_AXIS = {
    **layer_help(NO_WEIGHTS),
    "cropping": N_(
        "Values cut off per axis: one number for every side, one per axis (1,2), or "
        "before,after per axis with ; between axes (1,2;0,3)."
    ),
    "data_format": _DATA_FORMAT,
}
HELP: dict[str, dict[str, str]] = {
    "ZeroPadding1D": {
        **layer_help(NO_WEIGHTS),
        "padding": N_("Zeros added at the start and end: one number for both, or start,end (1,2)."),
        "data_format": _DATA_FORMAT,
    },
    "ZeroPadding2D": _PAD_PER_AXIS,
    "ZeroPadding3D": _PAD_PER_AXIS,
    "Cropping1D": {
        **layer_help(NO_WEIGHTS),
        "cropping": N_(
            "Steps cut off at the start and end: one number for both, or start,end (1,2)."
        ),
    },
    "Cropping2D": _CROP_PER_AXIS,
    "Cropping3D": _CROP_PER_AXIS,
}


FAMILY = LayerFamily(
    name="Zero padding and cropping",
    specs=FAMILY_SPECS,
    analysers=(
        ((ZeroPadding1DSpec, ZeroPadding2DSpec, ZeroPadding3DSpec), zero_padding),
        ((Cropping1DSpec, Cropping2DSpec, Cropping3DSpec), cropping),
    ),
    costs=((FAMILY_SPECS, margin_costs),),
    editor=EditorHints(primary=frozenset({"padding", "cropping", "data_format"})),
    help=HELP,
)

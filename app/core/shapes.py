"""Shape arithmetic shared by the layer families, following `keras.src.ops.operation_utils`.

Shapes include the batch axis first, `None` for unknown sizes, like Keras's `model.summary()`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

from app.core.errors import SpecError
from app.core.records import Shape
from app.core.translation import gettext as _

prod = math.prod


def show(shape: Sequence[int | None]) -> str:
    """`(None, 40, 40, 3)`, as Keras prints shapes."""
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def by(values: Sequence[int | str | None]) -> str:
    """`3×3`, the way people write window sizes (`?` for an unknown one)."""
    return "×".join(str(v) for v in values)


def single(shape: Shape | list[Shape]) -> Shape:
    """The shape of a one-tensor layer's record (only multi-tensor layers have a list)."""
    if isinstance(shape, list):
        raise TypeError(f"expected one tensor's shape; received {len(shape)} shapes")
    return shape


def known(shape: Sequence[int | None]) -> tuple[int, ...]:
    """`shape` with every size known: cost rules read records from the walk with concrete
    sizes (`model.summarize`), where only the batch axis may be None."""
    if None in shape:
        raise ValueError(f"expected known sizes; received {show(shape)}")
    # Every size is an int now, which mypy cannot narrow a sequence's items to; the cast keeps
    # this check as cheap as `None in shape` (cost rules call it several times per layer).
    return cast(tuple[int, ...], tuple(shape))


def sample(shape: Shape | list[Shape]) -> tuple[int, ...]:
    """One sample's sizes (batch axis dropped) of a one-tensor record from the walk with
    concrete sizes: what a cost rule reads."""
    return known(single(shape)[1:])


def expect_ndim(shape: Shape, ndim: int, layer_type: str, layout: str) -> None:
    if len(shape) != ndim:
        raise SpecError(
            ("input",),
            _(
                "{type} expects {ndim}-D input {layout}; received {shape}, which has "
                "{received} dimensions"
            ).format(
                type=layer_type, ndim=ndim, layout=layout, shape=show(shape), received=len(shape)
            ),
        )


def split_channels(shape: Shape, channels_first: bool) -> tuple[Shape, int | None]:
    """(spatial sizes, channels) of `(batch, *spatial, C)` or `(batch, C, *spatial)`."""
    if channels_first:
        return tuple(shape[2:]), shape[1]
    return tuple(shape[1:-1]), shape[-1]


def join_channels(
    batch: int | None, spatial: Shape, channels: int | None, channels_first: bool
) -> Shape:
    if channels_first:
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def known_channels(channels: int | None, layer_type: str, shape: Shape) -> int:
    if channels is None:
        raise SpecError(
            ("input",),
            _("{type} needs a known number of channels; received {shape}").format(
                type=layer_type, shape=show(shape)
            ),
        )
    return channels


def conv_output_spatial(
    spatial: Shape,
    kernel: Sequence[int],
    strides: Sequence[int],
    padding: str,
    dilation: Sequence[int],
    field: str = "kernel_size",
) -> Shape:
    """Keras `compute_conv_output_shape`, per axis: valid: ⌊(n − d·(k − 1) − 1) / s⌋ + 1;
    same/causal: ⌊(n − 1) / s⌋ + 1. An unknown size stays None; an empty output is refused."""
    if padding == "valid":
        out = tuple(
            None if n is None else (n - d * (k - 1) - 1) // s + 1
            for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
        )
    else:
        out = tuple(
            None if n is None else (n - 1) // s + 1 for n, s in zip(spatial, strides, strict=True)
        )
    if any(o is not None and o <= 0 for o in out):
        effective = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
        dilated = (
            ""
            if effective == list(kernel)
            else _(" (dilated to {size})").format(size=by(effective))
        )
        raise SpecError(
            (field,),
            _(
                "{window} {size}{dilated} does not fit the {input} input with padding "
                "'{padding}' (the output would be empty); use padding 'same', a smaller "
                "window or a larger input"
            ).format(
                window=field.replace("_", " ").removesuffix(" size"),
                size=by(kernel),
                dilated=dilated,
                input=by(["?" if n is None else n for n in spatial]),
                padding=padding,
            ),
        )
    return out


def check_strides_vs_dilation(strides: Sequence[int], dilation: Sequence[int]) -> None:
    if max(strides) > 1 and max(dilation) > 1:
        raise SpecError(
            ("strides",),
            _(
                "strides > 1 cannot be combined with dilation_rate > 1 (Keras rejects it); "
                "received strides={strides} and dilation_rate={dilation}"
            ).format(strides=list(strides), dilation=list(dilation)),
        )


_SPATIAL_AXES = {1: "steps", 2: "rows, cols", 3: "dim1, dim2, dim3"}


def spatial_layout(rank: int, channels_first: bool) -> str:
    """`(batch, rows, cols, channels)`: the input layout Keras documents for a rank-`rank` op."""
    if channels_first:
        return f"(batch, channels, {_SPATIAL_AXES[rank]})"
    return f"(batch, {_SPATIAL_AXES[rank]}, channels)"


def transpose_output_length(
    size: int | None,
    kernel: int,
    stride: int,
    padding: str,
    output_padding: int | None,
    dilation: int,
) -> int | None:
    """Keras `_get_output_shape_given_tf_padding` (backend/common/backend_utils.py), one axis.

    With K = d·(k − 1) + 1: valid: (n − 1)·s + K + p, p defaulting to max(K, s) − K;
    same: n·s without output_padding, (n − 1)·s + K mod 2 + p with it.
    """
    if size is None:
        return None
    effective = dilation * (kernel - 1) + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (size - 1) * stride + effective + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + effective % 2 + output_padding


def axis_index(axis: int, shape: Shape, field: str = "axis", allow_batch: bool = False) -> int:
    """`axis` as a position in `shape` (batch axis included); the batch axis only if allowed."""
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise SpecError(
            (field,),
            _(
                "{field} {axis} is out of range for the {ndim}-D input {shape}; use one of "
                "{axes} (or {negative} counting from the end)"
            ).format(
                field=field,
                axis=axis,
                ndim=ndim,
                shape=show(shape),
                axes=", ".join(str(a) for a in range(1, ndim)),
                negative=", ".join(str(a) for a in range(-ndim + 1, 0)),
            ),
        )
    position = axis % ndim
    if position == 0 and not allow_batch:
        raise SpecError(
            (field,),
            _(
                "{field} {axis} is the batch axis of {shape}, whose size is not fixed; use one "
                "of {axes}"
            ).format(
                field=field,
                axis=axis,
                shape=show(shape),
                axes=", ".join(str(a) for a in range(1, ndim)),
            ),
        )
    return position

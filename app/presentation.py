"""Numbers as the page shows them: locale-formatted counts, Keras-style sizes, bar widths.

Pure functions over the core's records; the templates print what these return.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal

from app.core.records import LayerRecord, Shape
from app.core.shapes import show
from app.core.units import scaled

# Babel rounds through `decimal` at the context's precision, 28 digits by default; the limits
# allow longer counts (the MACs of a model at MAX_DIM have over 50), and every float has at most
# 309 integer digits. Rounding at this precision is exact for all of them.
_EXACT = decimal.Context(prec=400)


@lru_cache(maxsize=4096)
def count(n: int, locale: Locale | str = "en") -> str:
    """`745,680` (grouping as the locale writes it); cached, as a page repeats its counts."""
    with decimal.localcontext(_EXACT):
        return format_decimal(n, locale=locale)


@lru_cache(maxsize=4096)
def compact(n: int, locale: Locale | str = "en") -> str:
    """`855.4M` (`8.6亿` in Chinese): a count short enough for a box of the model picture."""
    with decimal.localcontext(_EXACT):
        return format_compact_decimal(n, format_type="short", locale=locale, fraction_digits=1)


# keras.src.utils.summary_utils.readable_memory_size: powers of 1024, two decimals.
def keras_size(n_bytes: int, locale: Locale | str = "en") -> str:
    """`2.84 MB` for 2,982,720 bytes, as Keras's `model.summary()` prints weight memory."""
    value, unit = scaled(n_bytes)
    with decimal.localcontext(_EXACT):
        return f"{format_decimal(value, format='0.00', locale=locale)} {unit}"


def shape_text(shape: Shape | list[Shape]) -> str:
    """`(None, 15, 40, 40, 30)`; several outputs are listed one after another."""
    if isinstance(shape, list):
        return ", ".join(show(s) for s in shape)
    return show(shape)


def percent(part: int, whole: int) -> float:
    """`part` as a percentage of `whole`, 0 when `whole` is 0, rounded for SVG attributes."""
    return round(100 * part / whole, 2) if whole else 0.0


# Chart rows in SVG user units: a label line above a bar.
ROW_HEIGHT, LABEL_HEIGHT, BAR_HEIGHT = 44, 16, 18


@dataclass(frozen=True)
class Bar:
    """One row of the parameters-per-layer chart; `y` is the top of its label line."""

    y: int
    name: str
    type: str
    params: int
    width: float  # % of the largest layer, so the dominant one fills the row
    share: float  # % of the model's total
    dominant: bool


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    height: int
    label_y: int = LABEL_HEIGHT - 4
    bar_y: int = LABEL_HEIGHT
    bar_height: int = BAR_HEIGHT


def chart(layers: Sequence[LayerRecord]) -> Chart:
    """Parameters per layer: bar widths relative to the largest layer."""
    largest = max((layer.params for layer in layers), default=0)
    total = sum(layer.params for layer in layers)
    bars = tuple(
        Bar(
            y=position * ROW_HEIGHT,
            name=layer.name,
            type=layer.type,
            params=layer.params,
            width=percent(layer.params, largest),
            share=percent(layer.params, total),
            dominant=largest > 0 and layer.params == largest,
        )
        for position, layer in enumerate(layers)
    )
    return Chart(bars=bars, height=len(bars) * ROW_HEIGHT)

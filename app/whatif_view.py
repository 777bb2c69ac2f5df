"""The what-if chart as the page draws it: SVG geometry of three small panels.

Pure presentation over a `SweepResult`: positions in SVG user units and short labels; the
template only places what this returns. The x axis is numeric: linear, or logarithmic when the
values span a factor of 10 or more (the default ¼× to 4×), so 16, 20, 24, 128 are spaced as
numbers, not as list entries. Each panel's y axis starts at 0 and has ticks at round values in
its unit; the memory panel marks the budget (and the largest fit) when one is asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.records import SweepPoint, SweepResult

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 58, WIDTH - 14, 26, HEIGHT - 30
LOG_SPAN = 10  # max / min from which the x axis is logarithmic (¼× to 4× is)
MB = 1024**2
_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_BYTE_UNITS = ((1024**4, "TB"), (1024**3, "GB"), (MB, "MB"), (1024, "KB"), (1, "B"))


def compact(n: float) -> str:
    """`745.7k`, `17.9G`: a short label for a chart; the data table has the full figure."""
    for scale, prefix in _PREFIXES:
        if abs(n) >= scale:
            return f"{n / scale:.3g}{prefix}"
    return f"{n:.3g}"


def nice_step(span: float, count: int = 4) -> float:
    """A round step (1, 2 or 5 × 10^k) cutting `span` into about `count` parts."""
    if span <= 0:
        return 1.0
    raw = span / count
    power: float = 10 ** math.floor(math.log10(raw))  # an int from 1 up: steps print so
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: int
    current: bool


@dataclass(frozen=True)
class Tick:
    """An x-axis label, or (refused) a mark where Keras refuses the value."""

    x: float
    label: str
    refused: bool


@dataclass(frozen=True)
class YTick:
    y: float
    label: str


@dataclass(frozen=True)
class Budget:
    """The memory budget as a line across the panel, and the largest fit under it."""

    y: float
    label: str
    fit_x: float | None


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    top: str  # the largest value, named in the title
    points: str  # SVG polyline points of the accepted values
    dots: tuple[Dot, ...]
    yticks: tuple[YTick, ...] = ()
    budget: Budget | None = None


@dataclass(frozen=True)
class WhatIfView:
    result: SweepResult
    panels: tuple[Panel, ...]
    ticks: tuple[Tick, ...]
    log: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    label_y: int = HEIGHT - 12
    title_y: int = 14


@dataclass(frozen=True)
class XScale:
    low: int
    high: int
    log: bool

    def x(self, value: float) -> float:
        if self.high == self.low:
            return (LEFT + RIGHT) / 2
        if self.log:
            share = math.log(value / self.low) / math.log(self.high / self.low)
        else:
            share = (value - self.low) / (self.high - self.low)
        return round(LEFT + share * (RIGHT - LEFT), 2)

    def ticks(self) -> list[int]:
        """Round values to label: powers of two on a log axis, 1-2-5 steps on a linear one;
        the ends are labelled too where they do not crowd a round value."""
        if self.high == self.low:
            return [self.low]
        if self.log:
            marks = [
                2**k
                for k in range(math.ceil(math.log2(self.low)), math.floor(math.log2(self.high)) + 1)
            ]
            while len(marks) > 6:
                marks = marks[::2]
        else:
            step = max(1, nice_step(self.high - self.low))  # the values are whole
            first = math.ceil(self.low / step) * step
            marks = [round(first + i * step) for i in range(int((self.high - first) / step) + 1)]
        gap = 24  # user units between labels: the ends first, then round values between
        chosen = [self.low]
        for value in (self.high, *marks):
            if all(abs(self.x(value) - self.x(c)) >= gap for c in chosen):
                chosen.append(value)
        return sorted(chosen)


def x_scale(values: list[int]) -> XScale:
    low, high = min(values), max(values)
    return XScale(low, high, low > 0 and high / low >= LOG_SPAN)


def _byte_unit(largest: float) -> tuple[int, str]:
    return next(((s, u) for s, u in _BYTE_UNITS if largest >= s), (1, "B"))


def _y_axis(largest: float, in_bytes: bool) -> tuple[float, list[tuple[float, str]]]:
    """(top of the axis, ticks as (value, label)) from 0 past `largest`, in round steps."""
    scale, unit = _byte_unit(largest) if in_bytes else (1, "")
    step = nice_step(largest / scale or 1) * scale
    top = math.ceil(largest / step) * step or step
    ticks = []
    for i in range(round(top / step) + 1):
        value = i * step
        ticks.append((value, f"{value / scale:g} {unit}" if in_bytes else compact(value)))
    return top, ticks


def _panel(
    key: str,
    title: str,
    values: list[int | None],
    scale: XScale,
    current: int,
    points: tuple[SweepPoint, ...],
    text: list[str] | None = None,
    budget_bytes: int | None = None,
    fit: int | None = None,
) -> Panel:
    largest = max((v for v in values if v is not None), default=0)
    axis_top, ticks = _y_axis(max(largest, budget_bytes or 0) or 1, in_bytes=text is not None)

    def y(value: float) -> float:
        return round(BOTTOM - value / axis_top * (BOTTOM - TOP), 2)

    dots = []
    for i, (value, point) in enumerate(zip(values, points, strict=True)):
        if value is None:
            continue
        label = text[i] if text else compact(value)
        dots.append(Dot(scale.x(point.value), y(value), label, value, point.value == current))
    dots.sort(key=lambda d: d.x)
    budget = None
    if budget_bytes is not None:
        fit_x = scale.x(fit) if fit is not None and scale.low <= fit <= scale.high else None
        unit_scale, unit = _byte_unit(budget_bytes)
        budget = Budget(y(budget_bytes), f"{budget_bytes / unit_scale:.3g} {unit}", fit_x)
    return Panel(
        key=key,
        title=title,
        top=(
            compact(largest or 0)
            if not text
            else max((t for t, v in zip(text, values, strict=True) if v == largest), default="")
        ),
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=tuple(dots),
        yticks=tuple(YTick(y(v), label) for v, label in ticks),
        budget=budget,
    )


def whatif_view(result: SweepResult) -> WhatIfView:
    points = result.points
    scale = x_scale([p.value for p in points])
    memory = [p.training.bytes if p.training else None for p in points]
    memory_text = [p.training.text if p.training else "" for p in points]
    fit = result.fit
    budget = fit.budget.bytes if fit else None
    largest_fit = fit.largest if fit and fit.argument == result.argument else None
    panels = (
        _panel("params", "Parameters", [p.params for p in points], scale, result.current, points),
        _panel("macs", "MACs per sample", [p.macs for p in points], scale, result.current, points),
        _panel(
            "memory",
            "Training memory",
            memory,
            scale,
            result.current,
            points,
            memory_text,
            budget,
            largest_fit,
        ),
    )
    ticks = [Tick(scale.x(v), str(v), False) for v in scale.ticks()]
    ticks += [Tick(scale.x(p.value), "", True) for p in points if p.error is not None]
    return WhatIfView(result=result, panels=panels, ticks=tuple(ticks), log=scale.log)

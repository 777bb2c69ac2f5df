"""The what-if chart as the page draws it: SVG geometry of three small panels.

Pure presentation over a `SweepResult`: positions in SVG user units and short labels; the
template only places what this returns. Points are equally spaced in the order swept (the
default values double each step, so this reads like a log axis); y starts at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.records import SweepPoint, SweepResult

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 14, WIDTH - 14, 26, HEIGHT - 26
_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def compact(n: float) -> str:
    """`745.7k`, `17.9G`: a short label for a chart; the data table has the full figure."""
    for scale, prefix in _PREFIXES:
        if abs(n) >= scale:
            return f"{n / scale:.3g}{prefix}"
    return f"{n:.3g}"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: int
    current: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    refused: bool


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    top: str  # the largest value, labelled at the top of the axis
    points: str  # SVG polyline points of the accepted values
    dots: tuple[Dot, ...]


@dataclass(frozen=True)
class WhatIfView:
    result: SweepResult
    panels: tuple[Panel, ...]
    ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    label_y: int = HEIGHT - 8
    title_y: int = 14


def _xs(count: int) -> list[float]:
    if count == 1:
        return [(LEFT + RIGHT) / 2]
    step = (RIGHT - LEFT) / (count - 1)
    return [round(LEFT + i * step, 2) for i in range(count)]


def _panel(key: str, title: str, values: list[int | None], xs: list[float], current: int,
           points: tuple[SweepPoint, ...], text: list[str] | None = None) -> Panel:
    largest = max((v for v in values if v is not None), default=0) or 1
    dots = []
    for i, (x, value, point) in enumerate(zip(xs, values, points, strict=True)):
        if value is None:
            continue
        y = round(BOTTOM - value / largest * (BOTTOM - TOP), 2)
        label = text[i] if text else compact(value)
        dots.append(Dot(x, y, label, value, point.value == current))
    return Panel(
        key=key,
        title=title,
        top=compact(largest) if not text else max(
            (t for t, v in zip(text, values, strict=True) if v == largest), default=""),
        points=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=tuple(dots),
    )


def whatif_view(result: SweepResult) -> WhatIfView:
    points = result.points
    xs = _xs(len(points))
    memory = [p.training.bytes if p.training else None for p in points]
    memory_text = [p.training.text if p.training else "" for p in points]
    panels = (
        _panel("params", "Parameters", [p.params for p in points], xs, result.current, points),
        _panel("macs", "MACs per sample", [p.macs for p in points], xs, result.current, points),
        _panel("memory", "Training memory", memory, xs, result.current, points, memory_text),
    )
    ticks = tuple(
        Tick(x, str(p.value), p.error is not None) for x, p in zip(xs, points, strict=True)
    )
    return WhatIfView(result=result, panels=panels, ticks=ticks)

"""The Keras 3 `model.summary()` table for a `ModelSummary`.

Keras (`keras/src/utils/summary_utils.py`) renders a `rich` table: columns `Layer (type)`,
`Output Shape`, `Param #` (right-aligned) at 45 % / 80 % / 100 % of `line_length` (88 by default,
less on narrower terminals), box-drawn heavy header, a rule between rows, long cells wrapped
inside their column; then `Total params: 745,680 (2.84 MB)`, `Trainable params: …` and
`Non-trainable params: …` with sizes in powers of 1024. We build the same table with the same
library and the same settings, so wrapping and widths match; the numbers are ours.
"""

from __future__ import annotations

import io

import rich.box
import rich.console
import rich.table
import rich.text
from rich.console import JustifyMethod

from app.core.records import LayerRecord, ModelSummary
from app.core.shapes import show
from app.core.units import readable

LINE_LENGTH = 88
POSITIONS = (0.45, 0.80, 1.0)
Header = tuple[tuple[str, JustifyMethod], ...]  # (title, alignment) per column
HEADER: Header = (("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right"))
# A functional model that is not a plain chain gets a fourth column and a wider table.
GRAPH_LINE_LENGTH = 108
GRAPH_POSITIONS = (0.3, 0.56, 0.74, 1.0)
GRAPH_HEADER: Header = (*HEADER, ("Connected to", "left"))


def output_shape_text(record: LayerRecord) -> str:
    """`(None, 40, 40, 30)`; a multi-output layer (return_state) lists its shapes in brackets."""
    if isinstance(record.output_shape, list):
        return "[" + ", ".join(show(shape) for shape in record.output_shape) + "]"
    return show(record.output_shape)


def totals_lines(summary: ModelSummary) -> list[str]:
    return [
        f" Total params: {summary.total_params:,} ({readable(summary.total_bytes)})",
        f" Trainable params: {summary.trainable_params:,} ({readable(summary.trainable_bytes)})",
        f" Non-trainable params: {summary.non_trainable_params:,} "
        f"({readable(summary.non_trainable_bytes)})",
    ]


def _column_widths(line_length: int, positions: tuple[float, ...] = POSITIONS) -> list[int]:
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        widths.append(width)
        current += width
    return widths


def _rows(summary: ModelSummary) -> list[tuple[str, ...]]:
    """One row per layer: a chain's records, or a graph's operations in Keras's order (inputs
    included; a shared layer once, with its last call's shape and every call's inputs)."""
    graph = summary.graph
    if graph is None:
        return [
            (f"{r.name} ({r.type})", output_shape_text(r), f"{r.params:,}") for r in summary.layers
        ]
    inputs = {i.name: i for i in graph.inputs}
    calls: dict[str, list[LayerRecord]] = {}
    for record in summary.layers:
        calls.setdefault(record.name, []).append(record)
    rows: list[tuple[str, ...]] = []
    for name in graph.order:
        if name in inputs:
            row = (f"{name} (InputLayer)", show(inputs[name].shape), "0", "-")
        else:
            records = calls[name]
            connected = ", ".join(c for r in records for c in (r.connected_to or ()))
            row = (
                f"{name} ({records[0].type})",
                output_shape_text(records[-1]),
                f"{records[0].params:,}",
                connected or "-",
            )
        rows.append(row if not graph.sequential_like else row[:3])
    return rows


def keras_summary_text(
    summary: ModelSummary, model_name: str | None = None, line_length: int | None = None
) -> str:
    """The text `model.summary(print_fn=...)` passes to `print_fn`, for this model."""
    graph = summary.graph
    wide = graph is not None and not graph.sequential_like
    header, positions = (GRAPH_HEADER, GRAPH_POSITIONS) if wide else (HEADER, POSITIONS)
    line_length = line_length or (GRAPH_LINE_LENGTH if wide else LINE_LENGTH)
    if model_name is None:
        model_name = graph.name if graph is not None else summary.name or "sequential"
    columns = [
        rich.table.Column(title, justify=justify, width=width)
        for (title, justify), width in zip(
            header, _column_widths(line_length, positions), strict=True
        )
    ]
    table = rich.table.Table(*columns, width=line_length, show_lines=True, box=rich.box.HEAVY_HEAD)
    for row in _rows(summary):
        # Text objects, never markup: a layer named "[bold]" stays literal, as Keras escapes it.
        table.add_row(*(rich.text.Text(cell) for cell in row))
    # Keras prints to a console as wide as the terminal; it caps line_length at terminal − 4.
    console = rich.console.Console(
        file=io.StringIO(),
        width=line_length + 4,
        highlight=False,
        force_terminal=False,
        color_system=None,
        markup=False,
        emoji=False,
    )
    console.begin_capture()
    console.print(rich.text.Text(f'Model: "{model_name}"'))
    console.print(table)
    for line in totals_lines(summary):
        console.print(rich.text.Text(line))
    return console.end_capture()

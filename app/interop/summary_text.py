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

from app.core.records import LayerRecord, ModelSummary
from app.core.shapes import show
from app.core.units import readable

LINE_LENGTH = 88
POSITIONS = (0.45, 0.80, 1.0)
HEADER = (("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right"))


def output_shape_text(record: LayerRecord) -> str:
    """`(None, 40, 40, 30)`; a multi-output layer (return_state) lists its shapes in brackets."""
    if isinstance(record.output_shape, list):
        return "[" + ", ".join(show(shape) for shape in record.output_shape) + "]"
    return show(record.output_shape)


def totals_lines(summary: ModelSummary) -> list[str]:
    return [
        f" Total params: {summary.total_params:,} ({readable(summary.total_bytes)})",
        f" Trainable params: {summary.trainable_params:,} "
        f"({readable(summary.trainable_bytes)})",
        f" Non-trainable params: {summary.non_trainable_params:,} "
        f"({readable(summary.non_trainable_bytes)})",
    ]


def _column_widths(line_length: int) -> list[int]:
    widths, current = [], 0
    for position in POSITIONS:
        width = int(position * line_length) - current
        widths.append(width)
        current += width
    return widths


def keras_summary_text(
    summary: ModelSummary, model_name: str = "sequential", line_length: int = LINE_LENGTH
) -> str:
    """The text `model.summary(print_fn=...)` passes to `print_fn`, for this model."""
    columns = [
        rich.table.Column(title, justify=justify, width=width)  # type: ignore[arg-type]
        for (title, justify), width in zip(HEADER, _column_widths(line_length), strict=True)
    ]
    table = rich.table.Table(*columns, width=line_length, show_lines=True, box=rich.box.HEAVY_HEAD)
    for record in summary.layers:
        # Text objects, never markup: a layer named "[bold]" stays literal, as Keras escapes it.
        table.add_row(
            rich.text.Text(f"{record.name} ({record.type})"),
            rich.text.Text(output_shape_text(record)),
            rich.text.Text(f"{record.params:,}"),
        )
    # Keras prints to a console as wide as the terminal; it caps line_length at terminal − 4.
    console = rich.console.Console(
        file=io.StringIO(), width=line_length + 4, highlight=False, force_terminal=False,
        color_system=None, markup=False, emoji=False,
    )
    console.begin_capture()
    console.print(rich.text.Text(f'Model: "{model_name}"'))
    console.print(table)
    for line in totals_lines(summary):
        console.print(rich.text.Text(line))
    return console.end_capture()

"""Markdown, CSV and JSON reports of a `ModelSummary`, for papers, issues and spreadsheets.

Formatting only: every number is read from the records `app.core.model.summarize` built. Costs
(MACs, FLOPs, memory), when the records carry them, become extra columns with readable headings
(`MACs per step`, from the record path `costs.macs_per_step`). User text (layer names) is
escaped for where the report is shown: Markdown escapes table and HTML syntax; CSV defuses
spreadsheet formulas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import is_dataclass
from typing import Any

from app.core.records import ModelSummary, dump_json, dump_python
from app.core.shapes import show
from app.core.translation import N_
from app.core.translation import gettext as _
from app.core.units import readable
from app.interop.summary_text import output_shape_text

_PLAIN_FIELDS = (
    "name",
    "type",
    "output_shape",
    "params",
    "trainable_params",
    "non_trainable_params",
)
_HEADERS = {
    "name": N_("Layer"),
    "type": N_("Type"),
    "output_shape": N_("Output shape"),
    "params": N_("Params"),
    "trainable_params": N_("Trainable"),
    "non_trainable_params": N_("Non-trainable"),
    "connected_to": N_("Connected to"),
    # Costs: per sample, forward pass, unless the heading says otherwise (docs/costs.md).
    "costs.steps": N_("Time steps"),
    "costs.macs_per_step": N_("MACs per step"),
    "costs.elementwise_flops_per_step": N_("Element-wise FLOPs per step"),
    "costs.flops_per_step": N_("FLOPs per step"),
    "costs.macs": N_("MACs"),
    "costs.elementwise_flops": N_("Element-wise FLOPs"),
    "costs.flops": N_("FLOPs"),
    "costs.backward_flops": N_("Backward FLOPs"),
    "costs.training_flops": N_("Training FLOPs"),
    "costs.saved_elements_per_step": N_("Saved for backward per step (values)"),
    "costs.saved_elements": N_("Saved for backward (values)"),
    "costs.saved.bytes": N_("Saved for backward (bytes)"),
    "costs.saved.text": N_("Saved for backward"),
    "costs.working_elements": N_("Working set (values)"),
    "costs.moved_elements_per_step": N_("Memory traffic per step (values)"),
    "costs.mac_formula": N_("MACs formula"),
    "costs.flop_formula": N_("FLOPs formula"),
    "costs.saved_formula": N_("Saved for backward formula"),
    "costs.batch_size": N_("Batch size"),
    "costs.batch_macs": N_("MACs per batch"),
    "costs.batch_flops": N_("FLOPs per batch"),
    "costs.batch_training_flops": N_("Training FLOPs per batch"),
}


def heading(key: str) -> str:
    """A column's heading as people read it: `costs.macs_per_step` → `MACs per step`; a key
    without one of its own reads as words (`costs.new_thing` → `New thing`)."""
    if key in _HEADERS:
        return _(_HEADERS[key])
    words = key.removeprefix("costs.").replace(".", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def summary_json(summary: ModelSummary) -> str:
    """The full summary, exactly the JSON `POST /summary` returns (costs included)."""
    return dump_json(summary, indent=2).decode() + "\n"


def _scalars(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """(`a.b.c`, value) for every number or string leaf of a record, dict or None."""
    if is_dataclass(value):
        value = dump_python(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _scalars(item, f"{prefix}.{key}")
    elif isinstance(value, bool | int | float | str):
        yield prefix, value


def cost_columns(record: Any) -> dict[str, Any]:
    """The costs attached to a record (if the core computed any), flattened to columns."""
    return dict(_scalars(getattr(record, "costs", None), "costs"))


def _rows(summary: ModelSummary, text_costs: bool) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and one row per layer; `text_costs=False` keeps only the numeric costs."""
    rows: list[dict[str, Any]] = []
    for record in summary.layers:
        row: dict[str, Any] = {field: getattr(record, field) for field in _PLAIN_FIELDS}
        row["output_shape"] = output_shape_text(record)
        if summary.graph is not None:  # a graph model: what each call received
            row["connected_to"] = ", ".join(record.connected_to or ()) or "-"
        row.update(
            (key, value)
            for key, value in cost_columns(record).items()
            if text_costs or not isinstance(value, str)
        )
        rows.append(row)
    columns = [*_PLAIN_FIELDS, *(("connected_to",) if summary.graph is not None else ())]
    for row in rows:
        columns += [key for key in row if key not in columns]
    return columns, rows


# --- Markdown ---------------------------------------------------------------------------------

# Inline Markdown syntax; cells never start a line, so block syntax (#, -, +) cannot trigger,
# and with brackets escaped no link or image can form.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def markdown_escape(text: str) -> str:
    """Literal text in a Markdown table cell: no markup, no HTML, no cell breaks, one line."""
    text = " ".join(str(text).split())
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return "".join(_HTML.get(char, char) for char in text)


def _markdown_cell(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.6g}"
    return markdown_escape(value)


def summary_markdown(summary: ModelSummary) -> str:
    """A GitHub-flavoured Markdown table, one row per layer, then the totals.

    Cost formulas are left to CSV and JSON: a table cell is no place for them.
    """
    columns, rows = _rows(summary, text_costs=False)
    right = {c for c in columns if any(isinstance(r.get(c), int | float) for r in rows)}
    lines = [
        "| " + " | ".join(markdown_escape(heading(c)) for c in columns) + " |",
        "| " + " | ".join("---:" if c in right else "---" for c in columns) + " |",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_markdown_cell(row.get(c, "")) for c in columns) + " |")
    lines += [
        "",
        "- "
        + _("Input shape: `{shape}`, dtype `{dtype}` ({bytes} bytes per parameter)").format(
            shape=show(summary.input_shape),
            dtype=summary.dtype,
            bytes=summary.bytes_per_param,
        ),
        "- "
        + _("Total params: {params} ({size})").format(
            params=f"{summary.total_params:,}", size=readable(summary.total_bytes)
        ),
        "- "
        + _("Trainable params: {params} ({size})").format(
            params=f"{summary.trainable_params:,}", size=readable(summary.trainable_bytes)
        ),
        "- "
        + _("Non-trainable params: {params} ({size})").format(
            params=f"{summary.non_trainable_params:,}", size=readable(summary.non_trainable_bytes)
        ),
    ]
    for key, value in cost_columns(summary).items():
        if isinstance(value, str):
            continue
        lines.append(f"- {markdown_escape(heading(key))}: {_markdown_cell(value)}")
    return "\n".join(lines) + "\n"


# --- CSV --------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading `'` (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# `csv.writer` quotes a cell with `\n` but not one with a bare `\r`, which spreadsheets read as
# the end of a record: the rest of the name became a new row, its first cell a live formula.
# Here any control character (and the Unicode line separators) quotes the cell.
_QUOTED = re.compile(r'[",\x00-\x1f\x7f-\x9f\u2028\u2029]')


def csv_cell(value: Any) -> str:
    """One cell as `csv.writer` (minimal quoting) writes it, quoted on any control character."""
    text = "" if value is None else str(value)
    if _QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(cells: list[Any]) -> str:
    return ",".join(csv_cell(cell) for cell in cells) + "\n"


def summary_csv(summary: ModelSummary) -> str:
    """One row per layer (plain numbers, no thousands separators), then a `Total` row."""
    columns, rows = _rows(summary, text_costs=True)
    lines = [_csv_line([heading(c) for c in columns])]
    lines += [_csv_line([csv_safe(row.get(c, "")) for c in columns]) for row in rows]
    totals = {
        "name": _("Total"),
        "params": summary.total_params,
        "trainable_params": summary.trainable_params,
        "non_trainable_params": summary.non_trainable_params,
    }
    lines.append(_csv_line([totals.get(c, "") for c in columns]))
    return "".join(lines)

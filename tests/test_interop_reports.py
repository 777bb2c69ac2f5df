"""Markdown, CSV and JSON exports: the summary's numbers, and user text that cannot run."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from app.core.model import summarize
from app.core.records import ModelSummary, dump_python
from app.core.units import readable
from app.interop.reports import (
    csv_safe,
    heading,
    markdown_escape,
    summary_csv,
    summary_json,
    summary_markdown,
)
from app.schema import SEED_MODEL, SummaryRequest

# Layer names cannot contain "/" (Keras refuses it), so the payloads do without.
HOSTILE_NAMES = [
    "<script>alert(1)<\\script>",
    "<img src=x onerror=alert(1)>",
    "a | b | c",
    "[click](javascript:alert(1))",
    "![x](https:evil.example)",
    "`code` **bold** _it_ ~~s~~",
    "line\nbreak",
    '=HYPERLINK("evil.example","x")',
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    "&amp; &lt;",
]


def seed_summary(name: str | None = None) -> ModelSummary:
    body = json.loads(json.dumps(SEED_MODEL))
    if name is not None:
        body["layers"][0]["name"] = name
    return summarize(SummaryRequest.model_validate(body))


def test_json_export_is_exactly_the_summary_records() -> None:
    summary = seed_summary()
    assert json.loads(summary_json(summary)) == dump_python(summary)


def test_markdown_lists_every_layer_and_the_totals() -> None:
    text = summary_markdown(seed_summary())
    assert "| conv\\_lstm2d | ConvLSTM2D | (None, 15, 40, 40, 30) | 35,760 |" in text
    assert "- Total params: 745,680 (2.84 MB)" in text


def test_csv_has_plain_numbers_and_a_total_row() -> None:
    rows = list(csv.DictReader(io.StringIO(summary_csv(seed_summary()))))
    assert [row["Params"] for row in rows] == ["35760", "144200", "237840", "327880", "745680"]
    assert rows[-1]["Layer"] == "Total"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_markdown_shows_a_hostile_name_as_text_in_one_cell(name: str) -> None:
    text = summary_markdown(seed_summary(name))
    header, row = text.splitlines()[0], text.splitlines()[2]
    assert "<" not in row and ">" not in row  # no HTML survives
    unescaped_pipes = row.replace("\\|", "").count("|")
    assert unescaped_pipes == header.count("|")  # the name did not add a cell
    assert "](" not in row.replace("\\]", "")  # no link or image can form


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_csv_never_starts_a_cell_with_a_formula(name: str) -> None:
    rows = list(csv.reader(io.StringIO(summary_csv(seed_summary(name)))))
    cell = rows[1][0]
    assert not cell.startswith(("=", "+", "-", "@"))
    assert cell.removeprefix("'") == name  # the text itself is kept


def test_markdown_escape_keeps_plain_names_readable() -> None:
    assert markdown_escape("encoder 1") == "encoder 1"
    assert markdown_escape("a<b") == "a&lt;b"


def test_csv_safe_leaves_numbers_alone() -> None:
    assert csv_safe(-5) == -5 and csv_safe("(None, 3)") == "(None, 3)"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0.00 B"),
        (1023, "1023.00 B"),
        (1024, "1.00 KB"),
        (2_982_720, "2.84 MB"),
        (3 * 1024**3, "3.00 GB"),
    ],
)
def test_sizes_read_like_keras(size: int, text: str) -> None:
    assert readable(size) == text


def with_costs(summary: ModelSummary) -> ModelSummary:
    """The summary as the core reports it once costs are computed (numbers and formulas)."""
    layers = tuple(
        replace(
            layer,
            costs={
                "macs": 1000 * (i + 1),
                "mac_formula": "=3·3",
                "saved": {"bytes": 4096, "text": "4.00 KB"},
            },
        )
        for i, layer in enumerate(summary.layers)
    )
    return replace(summary, layers=layers)


def test_csv_carries_every_cost_column_when_the_core_computed_costs() -> None:
    rows = list(csv.DictReader(io.StringIO(summary_csv(with_costs(seed_summary())))))
    assert rows[0]["MACs"] == "1000"
    assert rows[0]["Saved for backward (bytes)"] == "4096"
    assert rows[0]["MACs formula"] == "'=3·3"  # formulas are text, and defused


def test_markdown_carries_the_numeric_costs_but_not_the_formulas() -> None:
    header, _, first, *_ = summary_markdown(with_costs(seed_summary())).splitlines()
    assert "| MACs |" in header and "formula" not in header
    assert "| 1,000 |" in first


def test_headings_read_as_words_not_record_paths() -> None:
    summary = summarize(SummaryRequest.model_validate(SEED_MODEL))
    header = summary_csv(summary).splitlines()[0].split(",")
    assert header[:6] == ["Layer", "Type", "Output shape", "Params", "Trainable", "Non-trainable"]
    assert "MACs per step" in header and "Training FLOPs" in header
    assert not [h for h in header if "costs." in h or "_" in h]
    markdown = summary_markdown(summary)
    assert "costs." not in markdown and "- Training FLOPs per batch: 107,342,640,000" in markdown
    assert heading("costs.some_new_count") == "Some new count"

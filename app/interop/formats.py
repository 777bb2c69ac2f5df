"""The export formats, by the name the CLI (`--format`) and the API (`/export/{name}`) use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.records import ModelSummary
from app.interop.keras_code import keras_code
from app.interop.pytorch_code import pytorch_code
from app.interop.reports import summary_csv, summary_json, summary_markdown
from app.interop.summary_text import keras_summary_text
from app.schema import SummaryRequest


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    media_type: str
    filename: str
    render: Callable[[SummaryRequest, ModelSummary], str]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "text", "Keras-style summary table (as `model.summary()` prints it)",
            "text/plain; charset=utf-8", "model-summary.txt",
            lambda request, summary: keras_summary_text(summary),
        ),
        ExportFormat(
            "md", "Markdown table", "text/markdown; charset=utf-8", "model-summary.md",
            lambda request, summary: summary_markdown(summary),
        ),
        ExportFormat(
            "csv", "CSV, one row per layer", "text/csv; charset=utf-8", "model-summary.csv",
            lambda request, summary: summary_csv(summary),
        ),
        ExportFormat(
            "json", "JSON of the full summary (what `POST /summary` returns)",
            "application/json", "model-summary.json",
            lambda request, summary: summary_json(summary),
        ),
        ExportFormat(
            "keras-code", "Keras Python code that builds this model",
            "text/x-python; charset=utf-8", "model.py",
            keras_code,
        ),
        ExportFormat(
            "pytorch-code",
            "PyTorch code: a self-contained nn.Module of this model under the `pytorch` "
            "convention (each ConvLSTM with an input and a recurrent convolution, each with its "
            "own bias)",
            "text/x-python; charset=utf-8", "model_torch.py",
            pytorch_code,
        ),
    )
}

"""The export formats, by the name the CLI (`--format`) and the API (`/export/{name}`) use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.core.records import ModelSummary
from app.interop.keras_code import keras_code
from app.interop.pytorch_code import pytorch_code
from app.interop.reports import summary_csv, summary_json, summary_markdown
from app.interop.summary_text import keras_summary_text
from app.schema import SummaryRequest

_FILE_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def model_name(summary: ModelSummary) -> str:
    """The name Keras gives the model: the graph's, the chain's own, else `sequential`."""
    if summary.graph is not None:
        return summary.graph.name
    return summary.name or "sequential"


def file_stem(summary: ModelSummary) -> str:
    """The model's name as a file name: `ConvLSTM_UNet`; other characters become `_`."""
    return _FILE_SAFE.sub("_", model_name(summary)).strip("._") or "model"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    media_type: str
    filename: str  # with `{name}`, the model's name: `{name}-summary.csv`
    render: Callable[[SummaryRequest, ModelSummary], str]

    def file_name(self, summary: ModelSummary) -> str:
        """`encoder_forecaster-summary.csv`: the download's name, after the model."""
        return self.filename.format(name=file_stem(summary))


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "text",
            "Keras-style summary table (as `model.summary()` prints it)",
            "text/plain; charset=utf-8",
            "{name}-summary.txt",
            lambda request, summary: keras_summary_text(summary),
        ),
        ExportFormat(
            "md",
            "Markdown table",
            "text/markdown; charset=utf-8",
            "{name}-summary.md",
            lambda request, summary: summary_markdown(summary),
        ),
        ExportFormat(
            "csv",
            "CSV, one row per layer",
            "text/csv; charset=utf-8",
            "{name}-summary.csv",
            lambda request, summary: summary_csv(summary),
        ),
        ExportFormat(
            "json",
            "JSON of the full summary (what `POST /summary` returns)",
            "application/json",
            "{name}-summary.json",
            lambda request, summary: summary_json(summary),
        ),
        ExportFormat(
            "keras-code",
            "Keras Python code that builds this model",
            "text/x-python; charset=utf-8",
            "{name}.py",
            keras_code,
        ),
        ExportFormat(
            "pytorch-code",
            "PyTorch code: a self-contained nn.Module of this model under the `pytorch` "
            "convention (each ConvLSTM with an input and a recurrent convolution, each with its "
            "own bias)",
            "text/x-python; charset=utf-8",
            "{name}_torch.py",
            pytorch_code,
        ),
    )
}

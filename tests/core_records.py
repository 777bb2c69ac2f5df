"""Helpers for the `test_core_<family>.py` files: one layer's record, or its refusal."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import SpecError
from app.core.model import summarize
from app.core.records import LayerRecord
from app.schema import SummaryRequest


def record(input_shape: list[int | None], layer: dict[str, Any]) -> LayerRecord:
    request = {"input_shape": input_shape, "layers": [layer]}
    return summarize(SummaryRequest.model_validate(request)).layers[0]


def refusal(input_shape: list[int | None], layer: dict[str, Any]) -> SpecError:
    with pytest.raises(SpecError) as caught:
        record(input_shape, layer)
    return caught.value

"""Helpers for the `test_core_<family>.py` files: one layer's record, or its refusal."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.core.records import LayerRecord
from app.errors import user_errors
from app.schema import SummaryRequest


def record(input_shape: list[int | None], layer: dict[str, Any]) -> LayerRecord:
    request = {"input_shape": input_shape, "layers": [layer]}
    return summarize(SummaryRequest.model_validate(request)).layers[0]


def refusal(input_shape: list[int | None], layer: dict[str, Any]) -> SpecError:
    with pytest.raises(SpecError) as caught:
        record(input_shape, layer)
    return caught.value


def invalid(input_shape: list[int | None], layer: dict[str, Any]) -> dict[str, Any]:
    """The first 422 item (the user's location, our words) of a request validation refuses:
    what Keras's constructor refuses by name, such as an unknown activation."""
    body = {"input_shape": input_shape, "layers": [layer]}
    with pytest.raises(ValidationError) as caught:
        SummaryRequest.model_validate(body)
    return user_errors(caught.value.errors(), body)[0]

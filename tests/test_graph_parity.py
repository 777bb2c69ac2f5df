"""Graph models against real Keras: order, names, shapes, params and the summary's text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graph_cases import GOLDEN
from keras_reference import build_graph

from app.core.model import summarize
from app.interop.summary_text import keras_summary_text
from app.schema import SummaryRequest


@pytest.fixture(scope="module", autouse=True)
def wide_terminal() -> Iterator[None]:
    """Keras caps its table at the terminal's width − 4; 112 columns fit the 108 of a graph."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "112")
        yield


def assert_graph_matches_keras(request: dict[str, Any]) -> None:
    theirs = build_graph(request)
    assert theirs.model.error is None, theirs.model.error
    summary = summarize(SummaryRequest.model_validate(request))
    assert summary.graph is not None
    assert list(summary.graph.order) == theirs.order
    first_calls = [r for r in summary.layers if r.node_index == 0]
    assert theirs.model.layers is not None
    for ours, keras_layer in zip(first_calls, theirs.model.layers, strict=True):
        assert ours.name == keras_layer.name
        assert ours.params == keras_layer.params
        assert ours.trainable_params == keras_layer.trainable_params
        assert [(w.name, list(w.shape)) for w in ours.weights] == [
            (w.name, w.shape) for w in keras_layer.weights
        ]
    assert summary.total_params == theirs.model.total_params
    assert summary.trainable_params == theirs.model.trainable_params
    assert keras_summary_text(summary).splitlines() == theirs.summary.splitlines()


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_golden_graph_matches_keras_line_by_line(case: str) -> None:
    assert_graph_matches_keras(GOLDEN[case])

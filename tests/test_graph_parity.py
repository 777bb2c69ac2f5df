"""Graph models against real Keras: order, names, shapes, params and the summary's text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graph_cases import GOLDEN
from graph_strategies import graph_requests
from hypothesis import HealthCheck, given, settings
from keras_reference import build_graph, keras, keras_layer
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.interop.keras_code import keras_code
from app.interop.keras_import import import_keras
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
    for ours, theirs_layer in zip(first_calls, theirs.model.layers, strict=True):
        assert ours.name == theirs_layer.name
        assert ours.params == theirs_layer.params
        assert ours.trainable_params == theirs_layer.trainable_params
        assert [(w.name, list(w.shape)) for w in ours.weights] == [
            (w.name, w.shape) for w in theirs_layer.weights
        ]
    assert summary.total_params == theirs.model.total_params
    assert summary.trainable_params == theirs.model.trainable_params
    assert keras_summary_text(summary).splitlines() == theirs.summary.splitlines()


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_golden_graph_matches_keras_line_by_line(case: str) -> None:
    assert_graph_matches_keras(GOLDEN[case])


def assert_summary_text_matches(summary: Any, theirs: Any) -> None:
    assert keras_summary_text(summary).splitlines() == theirs.summary.splitlines()


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_golden_graph_imports_from_keras_json_to_the_same_summary(case: str) -> None:
    theirs = build_graph(GOLDEN[case])
    request = import_keras(theirs.json)
    summary = summarize(request)
    assert summary.total_params == theirs.model.total_params
    assert_summary_text_matches(summary, theirs)


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_golden_graph_round_trips_through_import_export_and_keras(case: str) -> None:
    """import(to_json) → our Keras code → the model it builds prints the same summary."""
    theirs = build_graph(GOLDEN[case])
    request = import_keras(theirs.json)
    code = keras_code(request, summarize(request))
    namespace: dict[str, Any] = {}
    keras.backend.clear_session()
    exec(compile(code, "<exported>", "exec"), namespace)
    lines: list[str] = []
    namespace["model"].summary(print_fn=lines.append)
    assert "".join(lines).splitlines() == theirs.summary.splitlines()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_requests())
def test_generated_graphs_match_keras_or_are_refused_like_keras(request: dict[str, Any]) -> None:
    theirs = build_graph(request)
    try:
        validated = SummaryRequest.model_validate(request)
        summary = summarize(validated)
    except (SpecError, ValidationError) as error:
        if "does not lead to any of the model's outputs" in str(error):
            return  # a dangling layer: Keras drops it silently, we say so (documented)
        assert theirs.model.error is not None, f"we refused what Keras builds: {error}"
        return
    assert theirs.model.error is None, f"Keras refused what we accept: {theirs.model.error}"
    assert_graph_matches_keras(request)
    del summary


def test_a_named_sequential_keeps_its_name_through_import_and_export() -> None:
    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.Input((5, 8, 8, 2)), keras.layers.ConvLSTM2D(3, 3, name="cell")], name="blog_model"
    )
    request = import_keras(model.to_json())
    assert request.name == "blog_model"
    summary = summarize(request)
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert keras_summary_text(summary, request.name).splitlines() == "".join(lines).splitlines()
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(keras_code(request, summary), "<exported>", "exec"), namespace)
    assert namespace["model"].name == "blog_model"


def test_a_nested_sequential_in_a_chain_matches_keras_line_by_line() -> None:
    request = {
        "input_shape": [16, 16, 3],
        "layers": [
            {
                "type": "Sequential",
                "layers": [
                    {"type": "Conv2D", "filters": 4, "kernel_size": 3},
                    {"type": "BatchNormalization"},
                    {"type": "GlobalAveragePooling2D"},
                ],
            },
            {"type": "Dense", "units": 2},
        ],
    }
    keras.backend.clear_session()
    model = keras.Sequential(
        [keras.Input((16, 16, 3)), *(keras_layer(spec) for spec in request["layers"])]
    )
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    summary = summarize(SummaryRequest.model_validate(request))
    assert summary.name == model.name == "sequential_1"
    assert summary.non_trainable_params == 8  # the nested BatchNormalization's moving stats
    assert keras_summary_text(summary).splitlines() == "".join(lines).splitlines()
    assert summarize(import_keras(model.to_json())).total_params == model.count_params()

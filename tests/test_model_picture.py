"""The model picture's data: one box per input, layer call and output, edges for every tensor a
call receives (initial states marked), shares that are the records' own numbers, and a layout
in which no two boxes overlap and every edge runs downwards."""

from __future__ import annotations

import re

import pytest
from graph_cases import GOLDEN
from graph_strategies import graph_requests
from hypothesis import HealthCheck, given, settings
from picture_cases import HANDOFF, SHARED, SKIP

from app.core.errors import SpecError
from app.core.model import summarize
from app.editor import request_body, seed_draft
from app.interop.formats import file_stem
from app.model_picture import Box, Picture, metric_of, picture
from app.schema import SummaryRequest


def drawn(body: dict, metric: str = "params") -> tuple[Picture, SummaryRequest]:
    request = SummaryRequest.model_validate(body)
    return picture(summarize(request), request, metric), request  # type: ignore[arg-type]


def layers(p: Picture) -> list[Box]:
    return [b for b in p.boxes if b.kind == "layer"]


def overlap(a: Box, b: Box) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def assert_well_drawn(p: Picture) -> None:
    boxes = p.boxes
    for i, a in enumerate(boxes):
        assert a.x >= 0 and a.x + a.width <= p.width, a
        assert a.y >= 0 and a.y + a.height <= p.height, a
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), (a.key, b.key)
    by_key = {b.key: b for b in boxes}
    for edge in p.edges:
        ys = [float(y) for y in re.findall(r"[ML]?[\d.]+ ([\d.]+)", edge.path)]
        assert ys == sorted(ys), edge  # downwards only
        assert ys[0] == by_key[edge.source].y + by_key[edge.source].height
        assert ys[-1] == by_key[edge.target].y - 2  # the arrowhead's room


def test_a_chain_is_its_input_its_layers_in_order_and_its_output():
    body = request_body(seed_draft())
    p, _ = drawn(body)
    summary = summarize(SummaryRequest.model_validate(body))
    assert [b.kind for b in p.boxes] == ["input", *["layer"] * 4, "output"]
    assert [b.name for b in layers(p)] == [r.name for r in summary.layers]
    assert [b.row for b in p.boxes] == list(range(6))
    assert [(e.source, e.target) for e in p.edges] == [
        (a.key, b.key) for a, b in zip(p.boxes, p.boxes[1:], strict=False)
    ]
    assert_well_drawn(p)


def test_a_box_carries_the_records_params_macs_shape_and_card():
    body = request_body(seed_draft())
    summary = summarize(SummaryRequest.model_validate(body))
    p, _ = drawn(body, "macs")
    for box, record in zip(layers(p), summary.layers, strict=True):
        assert box.params == record.params
        assert box.macs == record.costs.macs
        assert box.entry == record.index
        assert box.shape == str(record.output_shape)
    assert layers(p)[-1].shape == "(None, 40, 40, 70)"


@pytest.mark.parametrize("metric", ["params", "macs"])
def test_shares_are_of_the_models_total_and_sum_to_100(metric):
    p, _ = drawn(request_body(seed_draft()), metric)
    total = sum(b.params if metric == "params" else b.macs for b in layers(p))
    for box in layers(p):
        value = box.params if metric == "params" else box.macs
        assert box.share == round(100 * value / total, 2)
    assert sum(b.share for b in layers(p)) == pytest.approx(100, abs=0.05)
    widest = max(layers(p), key=lambda b: b.share)
    assert widest.bar == max(b.bar for b in p.boxes)


def test_a_skip_connection_runs_beside_the_boxes_it_skips():
    p, _ = drawn(SKIP)
    skip = next(e for e in p.edges if e.source == "enc1[0]" and e.target == "skip[0]")
    assert skip.path.count("L") == 2  # straight through the rows of enc2 and enc3
    assert_well_drawn(p)
    x = float(skip.path.split("L")[1].split()[0])
    for box in (b for b in p.boxes if b.name in ("enc2", "enc3")):
        assert not box.x <= x <= box.x + box.width


def test_initial_states_are_state_edges_and_inputs_are_not():
    p, _ = drawn(HANDOFF)
    into = [(e.source, e.state) for e in p.edges if e.target == "forecaster[0]"]
    assert sorted(into) == [("encoder[0]", True), ("encoder[0]", True), ("frames[0]", False)]
    forecaster = next(b for b in p.boxes if b.name == "forecaster")
    assert forecaster.sources == (("frames", False), ("encoder", True), ("encoder", True))
    assert_well_drawn(p)


def test_a_shared_layer_is_one_box_per_call_and_marked():
    p, _ = drawn(SHARED)
    calls = [b for b in p.boxes if b.name == "shared"]
    assert [(b.call, b.calls, b.shared, b.entry) for b in calls] == [
        (0, 2, True, 0),
        (1, 2, True, 1),
    ]
    assert calls[1].params == 0  # the weights are counted at the first call
    add = next(b for b in p.boxes if b.name == "add")
    assert add.sources == (("shared[0]", False), ("shared[1]", False))
    outputs = [b.name for b in p.boxes if b.kind == "output"]
    assert outputs == ["logits", "score"]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_golden_graph_is_drawn_with_an_edge_per_tensor_received(name):
    p, _ = drawn(GOLDEN[name])
    summary = summarize(SummaryRequest.model_validate(GOLDEN[name]))
    received = sum(len(r.connected_to or ()) for r in summary.layers)
    outputs = len(summary.graph.outputs)
    assert len(p.edges) == received + outputs
    assert len(layers(p)) == len(summary.layers)
    assert_well_drawn(p)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_requests())
def test_random_graphs_are_drawn_without_overlaps(body):
    try:
        p, _ = drawn(body)
    except (SpecError, ValueError):
        return  # an invalid draw: the parity tests cover what Keras says
    assert_well_drawn(p)


def test_file_names_use_the_models_name_and_metrics_default_to_params():
    summary = summarize(SummaryRequest.model_validate({**SKIP, "name": "my net/v2"}))
    assert file_stem(summary) == "my_net_v2"
    assert (
        file_stem(summarize(SummaryRequest.model_validate(request_body(seed_draft()))))
        == "sequential"
    )
    assert metric_of("macs") == "macs"
    assert metric_of("flops") == metric_of(None) == "params"

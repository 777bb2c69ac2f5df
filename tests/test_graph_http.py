"""Graph models as users meet them over real HTTP: summary, sweep, exports, import, the page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from graph_cases import GOLDEN, TWO_INPUTS_SHARED
from keras_reference import build_graph

from app import editor
from app.interop.keras_import import compact
from app.schema import GRAPH_EXAMPLE, SummaryRequest


def test_summary_of_a_graph_lists_calls_connections_and_the_graph(http) -> None:
    body = http.post("/summary", json=TWO_INPUTS_SHARED).json()
    assert [(r["name"], r["node_index"]) for r in body["layers"]] == [
        ("shared", 0),
        ("shared", 1),
        ("add", 0),
        ("flatten", 0),
        ("logits", 0),
        ("score", 0),
    ]
    assert body["layers"][1]["params"] == 0  # a shared layer's weights count once
    assert body["layers"][2]["connected_to"] == ["shared[0][0]", "shared[1][0]"]
    assert body["graph"]["order"][:2] == ["input_layer", "input_layer_1"]
    assert body["total_params"] == 3200 + 12804 + 3201


def test_a_shared_layer_costs_on_every_call(http) -> None:
    layers = http.post("/summary", json=TWO_INPUTS_SHARED).json()["layers"]
    first, second = layers[0]["costs"]["macs"], layers[1]["costs"]["macs"]
    assert first == second > 0


def test_a_sequential_request_has_no_graph_keys(http) -> None:
    body = http.post(
        "/summary",
        json={
            "input_shape": [4, 8, 8, 1],
            "layers": [{"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3}],
        },
    ).json()
    assert "graph" not in body
    assert "node_index" not in body["layers"][0] and "connected_to" not in body["layers"][0]


def test_sweeping_a_graph_model_varies_its_first_input(http) -> None:
    response = http.post("/sweep", json={"model": GRAPH_EXAMPLE, "argument": "time_steps"})
    assert response.status_code == 200
    assert all(point["params"] == 1_024_512 for point in response.json()["points"])


def test_the_text_export_of_a_graph_is_keras_s_functional_summary(http) -> None:
    text = http.post("/export/text", json=GRAPH_EXAMPLE).text
    assert 'Model: "encoder_forecaster"' in text
    assert "frames (InputLayer)" in text and "Connected to" in text


def test_a_functional_keras_model_imports_over_http_and_summarises_like_keras(http) -> None:
    theirs = build_graph(TWO_INPUTS_SHARED)
    spec = http.post(
        "/import/keras", content=theirs.json, headers={"content-type": "application/json"}
    )
    assert spec.status_code == 200, spec.text
    summary = http.post("/summary", json=spec.json()).json()
    assert summary["total_params"] == theirs.model.total_params


def test_the_page_shows_a_graph_model_from_its_url(http) -> None:
    draft = editor.draft_from_body(compact(SummaryRequest.model_validate(TWO_INPUTS_SHARED)))
    page = http.get("/?" + urlencode(editor.query_items(draft), safe=","))
    assert page.status_code == 200
    assert "19,205" in page.text


def test_importing_a_functional_model_into_the_page_opens_it_in_the_editor(http) -> None:
    theirs = build_graph(TWO_INPUTS_SHARED)
    response = http.post(
        "/import", data={"keras_json": theirs.json, "query": ""}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]
    page = http.get(response.headers["location"])
    assert page.status_code == 200
    assert "19,205" in page.text


def test_the_markdown_and_csv_exports_of_a_graph_list_the_connections(http) -> None:
    markdown = http.post("/export/md", json=TWO_INPUTS_SHARED).text
    assert "Connected to" in markdown and "shared\\[0\\]\\[0\\], shared\\[1\\]\\[0\\]" in markdown
    csv_text = http.post("/export/csv", json=TWO_INPUTS_SHARED).text
    assert "connected_to" in csv_text.splitlines()[0] or "Connected to" in csv_text.splitlines()[0]
    assert '"shared[0][0], shared[1][0]"' in csv_text


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_every_golden_graph_imports_into_the_page_editor(http, case: str) -> None:
    """Wrappers and nested models included: their inner layers are shown as JSON."""
    theirs = build_graph(GOLDEN[case])
    response = http.post(
        "/import", data={"keras_json": theirs.json, "query": ""}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[-800:]
    page = http.get(response.headers["location"])
    assert page.status_code == 200
    assert f"{theirs.model.total_params:,}" in page.text


def test_keras_code_of_a_model_with_the_papers_options_is_refused_naming_the_field(http) -> None:
    body = {
        "input_shape": [4, 8, 8, 2],
        "convention": "peephole",
        "layers": [
            {
                "type": "ConvLSTM2D",
                "filters": 3,
                "kernel_size": 5,
                "recurrent_kernel_size": 1,
                "padding": "same",
            }
        ],
    }
    assert http.post("/summary", json=body).status_code == 200
    response = http.post("/export/keras-code", json=body)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "layers", 0, "recurrent_kernel_size"]
    assert "export PyTorch code instead" in detail["msg"]

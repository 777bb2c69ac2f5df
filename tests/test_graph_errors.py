"""Bad graphs are 422s that point at the entry and field, in words that say what would fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_reference import build_graph, keras
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.schema import SummaryRequest

FRAMES = {"name": "frames", "shape": [10, 40, 40, 3]}


def refusal(body: dict[str, Any]) -> SpecError:
    with pytest.raises(SpecError) as caught:
        summarize(SummaryRequest.model_validate(body))
    return caught.value


def test_an_unknown_tensor_is_named_with_the_known_ones() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [{"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3, "inputs": "frame"}],
        }
    )
    assert error.loc == ("layers", 0, "inputs")
    assert "unknown tensor 'frame'" in error.msg and "frames" in error.msg


def test_a_tensor_of_a_later_entry_is_refused_as_out_of_order() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {"type": "ConvLSTM2D", "name": "a", "filters": 4, "kernel_size": 3, "inputs": "b"},
                {
                    "type": "ConvLSTM2D",
                    "name": "b",
                    "filters": 4,
                    "kernel_size": 3,
                    "inputs": "frames",
                },
            ],
        }
    )
    assert error.loc == ("layers", 0, "inputs")
    assert "entries before it" in error.msg


def test_a_concatenate_of_mismatched_maps_says_which_axis_both_shapes_and_what_fits() -> None:
    error = refusal(
        {
            "inputs": [{"name": "a", "shape": [40, 40, 30]}, {"name": "b", "shape": [20, 20, 30]}],
            "layers": [{"type": "Concatenate", "inputs": ["a", "b"]}],
        }
    )
    assert error.loc == ("layers", 0, "inputs")
    assert "axis 1 differs" in error.msg
    assert "(None, 40, 40, 30)" in error.msg and "(None, 20, 20, 30)" in error.msg
    assert "is 40 for both" in error.msg


def test_a_state_handed_to_a_layer_that_takes_none_is_refused() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {
                    "type": "ConvLSTM2D",
                    "name": "enc",
                    "filters": 4,
                    "kernel_size": 3,
                    "return_state": True,
                },
                {"type": "Flatten", "inputs": "enc[0][0]", "initial_state": ["enc[0][1]"]},
            ],
        }
    )
    assert error.loc == ("layers", 1, "initial_state")
    assert "takes no initial_state" in error.msg


def test_a_state_of_the_wrong_shape_names_both_shapes() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {
                    "type": "ConvLSTM2D",
                    "name": "enc",
                    "filters": 4,
                    "kernel_size": 3,
                    "padding": "same",
                    "return_state": True,
                },
                {
                    "type": "ConvLSTM2D",
                    "filters": 8,
                    "kernel_size": 3,
                    "padding": "same",
                    "inputs": "frames",
                    "initial_state": ["enc[0][1]", "enc[0][2]"],
                },
            ],
        }
    )
    assert error.loc == ("layers", 1, "initial_state", 0)
    assert "(None, 40, 40, 4)" in error.msg and "(None, 40, 40, 8)" in error.msg


def test_a_dangling_layer_is_refused_instead_of_dropped() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {"type": "ConvLSTM2D", "name": "side", "filters": 4, "kernel_size": 3},
                {
                    "type": "ConvLSTM2D",
                    "name": "main",
                    "filters": 4,
                    "kernel_size": 3,
                    "inputs": "frames",
                },
            ],
            "outputs": ["main"],
        }
    )
    assert error.loc == ("layers", 0)
    assert "'side' does not lead to any of the model's outputs" in error.msg


def test_a_node_index_past_the_calls_so_far_is_refused() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {"type": "ConvLSTM2D", "name": "enc", "filters": 4, "kernel_size": 3},
                {"type": "Flatten", "inputs": "enc[1][0]"},
            ],
        }
    )
    assert "nodes are 0..0" in error.msg


def test_a_shared_layer_called_on_other_channels_is_refused() -> None:
    error = refusal(
        {
            "inputs": [FRAMES, {"name": "other", "shape": [10, 40, 40, 5]}],
            "layers": [
                {"type": "ConvLSTM2D", "name": "enc", "filters": 4, "kernel_size": 3},
                {"call": "enc", "inputs": "other"},
                {"type": "Add", "inputs": ["enc", "enc[1][0]"]},
            ],
        }
    )
    assert error.loc == ("layers", 1, "inputs")
    assert "weights of other shapes" in error.msg


def test_a_layer_name_used_twice_suggests_a_call_entry() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {"type": "ConvLSTM2D", "name": "enc", "filters": 4, "kernel_size": 3},
                {
                    "type": "ConvLSTM2D",
                    "name": "enc",
                    "filters": 4,
                    "kernel_size": 3,
                    "inputs": "frames",
                },
            ],
        }
    )
    assert error.loc == ("layers", 1, "name")
    assert '{"call": "enc"' in error.msg


def test_giving_both_input_shape_and_inputs_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="either input_shape"):
        SummaryRequest.model_validate(
            {"input_shape": [3], "inputs": [FRAMES], "layers": [{"type": "Flatten"}]}
        )


def test_a_malformed_tensor_reference_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        SummaryRequest.model_validate(
            {"inputs": [FRAMES], "layers": [{"type": "Flatten", "inputs": "frames[0]"}]}
        )


def test_a_merge_layer_given_one_tensor_asks_for_a_list() -> None:
    error = refusal({"inputs": [FRAMES], "layers": [{"type": "Add", "inputs": "frames"}]})
    assert error.loc == ("layers", 0, "inputs")
    assert "give `inputs` as a list" in error.msg


def test_the_graph_errors_reach_http_clients_as_located_422s(http) -> None:
    response = http.post(
        "/summary",
        json={
            "inputs": [FRAMES],
            "layers": [{"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3, "inputs": "nope"}],
        },
    )
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "layers", 0, "inputs"]


def test_a_graph_at_the_layer_limit_is_walked_without_recursion_limits() -> None:
    layers: list[dict[str, Any]] = [{"type": "Dense", "units": 4, "name": "d0", "inputs": "x"}]
    for n in range(1, 1023):
        previous = [f"d{n - 1}"] if n == 1 else [f"d{n - 1}", f"d{n - 2}"]
        layers.append(
            {"type": "Add", "name": f"d{n}", "inputs": previous}
            if n > 1
            else {"type": "Dense", "units": 4, "name": f"d{n}"}
        )
    summary = summarize(
        SummaryRequest.model_validate({"inputs": [{"name": "x", "shape": [4]}], "layers": layers})
    )
    assert len(summary.layers) == 1023
    assert summary.graph is not None and summary.graph.order[-1] == "d1022"


# Graphs Keras refuses too (dangling layers are the exception: Keras drops them silently).
KERAS_REFUSES = {
    "concatenate of mismatched maps": {
        "inputs": [{"name": "a", "shape": [40, 40, 30]}, {"name": "b", "shape": [20, 20, 30]}],
        "layers": [{"type": "Concatenate", "inputs": ["a", "b"]}],
    },
    # (A shared ConvLSTM on other channels Keras builds, then refuses on its first call.)
    "a shared layer on other features": {
        "inputs": [{"name": "a", "shape": [4]}, {"name": "b", "shape": [5]}],
        "layers": [
            {"type": "Dense", "name": "d", "units": 3},
            {"call": "d", "inputs": "b"},
            {"type": "Add", "inputs": ["d", "d[1][0]"]},
        ],
    },
    "subtract of three": {
        "inputs": [
            {"name": "a", "shape": [4]},
            {"name": "b", "shape": [4]},
            {"name": "c", "shape": [4]},
        ],
        "layers": [{"type": "Subtract", "inputs": ["a", "b", "c"]}],
    },
    "add of incompatible sizes": {
        "inputs": [{"name": "a", "shape": [4, 3]}, {"name": "b", "shape": [4, 5]}],
        "layers": [{"type": "Add", "inputs": ["a", "b"]}],
    },
}


@pytest.mark.parametrize("case", sorted(KERAS_REFUSES))
def test_a_graph_keras_refuses_is_refused_here_too(case: str) -> None:
    body = KERAS_REFUSES[case]
    assert build_graph(body).model.error is not None, "Keras builds it"
    refusal(body)


SMALL = {"name": "frames", "shape": [2, 6, 6, 3]}
# Graphs Keras builds but cannot run: its first call fails.
KERAS_FAILS_WHEN_RUN = {
    "states of the wrong shape": {
        "inputs": [SMALL],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "name": "enc",
                "filters": 4,
                "kernel_size": 3,
                "padding": "same",
                "return_state": True,
            },
            {
                "type": "ConvLSTM2D",
                "filters": 8,
                "kernel_size": 3,
                "padding": "same",
                "inputs": "frames",
                "initial_state": ["enc[0][1]", "enc[0][2]"],
            },
        ],
    },
    "one state for an LSTM-like cell": {
        "inputs": [SMALL],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "name": "enc",
                "filters": 4,
                "kernel_size": 3,
                "padding": "same",
                "return_state": True,
            },
            {
                "type": "ConvLSTM2D",
                "filters": 4,
                "kernel_size": 3,
                "padding": "same",
                "inputs": "frames",
                "initial_state": ["enc[0][1]"],
            },
        ],
    },
    "a shared ConvLSTM on other channels": {
        "inputs": [SMALL, {"name": "other", "shape": [2, 6, 6, 5]}],
        "layers": [
            {"type": "ConvLSTM2D", "name": "enc", "filters": 4, "kernel_size": 3},
            {"call": "enc", "inputs": "other"},
            {"type": "Add", "inputs": ["enc", "enc[1][0]"]},
        ],
    },
}


@pytest.mark.parametrize("case", sorted(KERAS_FAILS_WHEN_RUN))
def test_a_graph_keras_builds_but_cannot_run_is_refused_here(case: str) -> None:
    body = KERAS_FAILS_WHEN_RUN[case]
    built = build_graph(body)
    assert built.model.error is None
    keras.backend.clear_session()
    model = keras.models.model_from_json(built.json)
    samples = [np.zeros((1, *given["shape"]), dtype="float32") for given in body["inputs"]]
    with pytest.raises(Exception):  # noqa: B017 (whatever Keras raises on the first call)
        model.predict(samples if len(samples) > 1 else samples[0], verbose=0)
    refusal(body)


def test_a_shared_layer_call_that_leads_nowhere_is_refused_too() -> None:
    error = refusal(
        {
            "inputs": [FRAMES],
            "layers": [
                {"type": "ConvLSTM2D", "name": "enc", "filters": 4, "kernel_size": 3},
                {"type": "Flatten", "name": "flat"},
                {"call": "flat", "inputs": "enc"},
            ],
            "outputs": ["flat"],
        }
    )
    assert error.loc == ("layers", 2)
    assert "call 1 of layer 'flat' does not lead to any of the model's outputs" in error.msg


TENSORS = st.sampled_from(
    [
        "frames",
        "frames[0][0]",
        "frames[0][1]",
        "enc",
        "enc[0][1]",
        "enc[0][2]",
        "enc[1][0]",
        "enc[9999][0]",
        "nope",
        "dec",
        "a[0]",
        "[0][0]",
        "",
        "x" * 200,
        "é[0][0]",
        "enc][",
    ]
)
ENTRIES = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["ConvLSTM2D", "Concatenate", "Add", "Flatten", "Dense"])},
        optional={
            "name": st.sampled_from(["enc", "dec", "frames", "x"]),
            "filters": st.integers(1, 3),
            "units": st.integers(1, 3),
            "kernel_size": st.just(1),
            "return_state": st.booleans(),
            "inputs": TENSORS | st.lists(TENSORS, max_size=3),
            "initial_state": st.lists(TENSORS, max_size=3),
        },
    ),
    st.fixed_dictionaries(
        {"call": st.sampled_from(["enc", "dec", "frames", "x"])},
        optional={"inputs": TENSORS | st.lists(TENSORS, max_size=3)},
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    layers=st.lists(ENTRIES, min_size=1, max_size=4),
    outputs=st.none() | st.lists(TENSORS, min_size=1, max_size=2),
    route=st.sampled_from(
        ["/summary", "/export/text", "/export/csv", "/export/keras-code", "/export/pytorch-code"]
    ),
)
def test_a_malformed_graph_is_a_422_or_an_answer_never_a_500(http, layers, outputs, route) -> None:
    body: dict[str, Any] = {"inputs": [{"name": "frames", "shape": [2, 4, 4, 1]}], "layers": layers}
    if outputs is not None:
        body["outputs"] = outputs
    response = http.post(route, json=body)
    assert response.status_code in (200, 422), response.text[:500]
    if response.status_code == 422:
        assert all(d["loc"][0] == "body" for d in response.json()["detail"])

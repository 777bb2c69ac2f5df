"""One-layer parity check shared by the `test_core_<family>.py` files.

Builds `{"input_shape": ..., "layers": [layer]}` with our core and with real Keras
(`keras_reference.build`) and asserts the two agree on everything Keras reports.
"""

from __future__ import annotations

from typing import Any

from keras_reference import build

from app.core.model import summarize
from app.schema import SummaryRequest


def assert_layer_matches_keras(input_shape: list[int | None], layer: dict[str, Any]) -> None:
    request = {"input_shape": input_shape, "layers": [layer]}
    ours = summarize(SummaryRequest.model_validate(request)).layers[0]
    theirs = build(request)
    assert theirs.error is None, theirs.error
    (keras_layer,) = theirs.layers
    assert ours.name == keras_layer.name
    assert list(ours.output_shape) == keras_layer.output_shape
    assert ours.params == keras_layer.params
    assert ours.trainable_params == keras_layer.trainable_params
    assert ours.non_trainable_params == keras_layer.non_trainable_params
    assert [(w.name, list(w.shape), w.trainable) for w in ours.weights] == [
        (w.name, w.shape, w.trainable) for w in keras_layer.weights
    ]


def keras_refuses(input_shape: list[int | None], layer: dict[str, Any]) -> bool:
    return build({"input_shape": input_shape, "layers": [layer]}).error is not None

"""Graph models the page's editor can show (no wrappers), for the picture's page tests."""

from __future__ import annotations

from typing import Any

# A skip connection: the Concatenate's second input skips two rows.
SKIP: dict[str, Any] = {
    "name": "skip_net",
    "inputs": [{"name": "frames", "shape": [8, 16, 16, 1]}],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "name": "enc1",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
        },
        {
            "type": "ConvLSTM2D",
            "name": "enc2",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
        },
        {
            "type": "ConvLSTM2D",
            "name": "enc3",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
        },
        {"type": "Concatenate", "name": "skip", "inputs": ["enc3", "enc1"]},
        {"type": "ConvLSTM2D", "name": "dec", "filters": 4, "kernel_size": 3, "padding": "same"},
    ],
}

# Shi et al.'s encoder–forecaster: the encoder's final states start the forecaster.
HANDOFF: dict[str, Any] = {
    "name": "encoder_forecaster",
    "inputs": [{"name": "frames", "shape": [10, 16, 16, 4]}],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "name": "encoder",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_state": True,
        },
        {
            "type": "ConvLSTM2D",
            "name": "forecaster",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
            "inputs": "frames",
            "initial_state": ["encoder[0][1]", "encoder[0][2]"],
        },
        {"type": "Conv3D", "name": "head", "filters": 1, "kernel_size": 1},
    ],
}

# One ConvLSTM called on two inputs (shared weights), merged, two outputs.
SHARED: dict[str, Any] = {
    "inputs": [{"shape": [6, 12, 12, 3]}, {"shape": [6, 12, 12, 3]}],
    "layers": [
        {"type": "ConvLSTM2D", "name": "shared", "filters": 4, "kernel_size": 3, "padding": "same"},
        {"call": "shared", "inputs": "input_layer_1"},
        {"type": "Add", "inputs": ["shared[0][0]", "shared[1][0]"]},
        {"type": "Flatten"},
        {"type": "Dense", "units": 4, "name": "logits"},
        {"type": "Dense", "units": 1, "name": "score", "inputs": "flatten"},
    ],
    "outputs": ["logits", "score"],
}

"""Graph models people publish with ConvLSTM, as `/summary` requests (golden cases)."""

from __future__ import annotations

from typing import Any

# Shi et al. 2015's design: the encoder's final states start the forecaster.
ENCODER_FORECASTER: dict[str, Any] = {
    "name": "encoder_forecaster",
    "inputs": [{"name": "frames", "shape": [10, 16, 16, 16]}],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "name": "encoder",
            "filters": 64,
            "kernel_size": 5,
            "padding": "same",
            "return_state": True,
        },
        {
            "type": "ConvLSTM2D",
            "name": "forecaster",
            "filters": 64,
            "kernel_size": 5,
            "padding": "same",
            "return_sequences": True,
            "inputs": "frames",
            "initial_state": ["encoder[0][1]", "encoder[0][2]"],
        },
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 16, "kernel_size": 1}},
    ],
}

# A small ConvLSTM U-Net: pooling down, upsampling up, Concatenate skips.
CONVLSTM_UNET: dict[str, Any] = {
    "name": "ConvLSTM_UNet",
    "inputs": [{"name": "frames", "shape": [8, 64, 64, 1]}],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "name": "enc1",
            "filters": 16,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
        },
        {
            "type": "TimeDistributed",
            "name": "pool1",
            "layer": {"type": "MaxPooling2D", "pool_size": 2},
        },
        {
            "type": "ConvLSTM2D",
            "name": "enc2",
            "filters": 32,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
        },
        {"type": "TimeDistributed", "name": "up1", "layer": {"type": "UpSampling2D", "size": 2}},
        {"type": "Concatenate", "name": "skip1", "inputs": ["up1", "enc1"]},
        {
            "type": "ConvLSTM2D",
            "name": "dec1",
            "filters": 16,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": False,
        },
        {"type": "Conv2D", "name": "head", "filters": 1, "kernel_size": 1, "activation": "sigmoid"},
    ],
}

# Frames plus a static map, two outputs, and one layer applied to both inputs (shared).
TWO_INPUTS_SHARED: dict[str, Any] = {
    "inputs": [{"shape": [6, 20, 20, 3], "batch_size": 8}, {"shape": [6, 20, 20, 3]}],
    "layers": [
        {"type": "ConvLSTM2D", "name": "shared", "filters": 8, "kernel_size": 3, "padding": "same"},
        {"call": "shared", "inputs": "input_layer_1"},
        {"type": "Add", "inputs": ["shared[0][0]", "shared[1][0]"]},
        {"type": "Flatten"},
        {"type": "Dense", "units": 4, "name": "logits"},
        {"type": "Dense", "units": 1, "name": "score", "inputs": "flatten"},
    ],
    "outputs": ["logits", "score"],
}

# A plain functional chain: Keras prints it without a "Connected to" column.
FUNCTIONAL_CHAIN: dict[str, Any] = {
    "name": "chain",
    "inputs": [{"shape": [5, 12, 12, 2]}],
    "layers": [
        {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 3},
    ],
}

# A per-frame CNN as a nested Sequential inside TimeDistributed, then an LSTM head (a video
# classifier), and a nested Sequential called directly in a graph.
NESTED_SEQUENTIAL: dict[str, Any] = {
    "inputs": [{"name": "clip", "shape": [5, 16, 16, 3]}],
    "layers": [
        {
            "type": "TimeDistributed",
            "name": "frame_cnn",
            "layer": {
                "type": "Sequential",
                "layers": [
                    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
                    {"type": "MaxPooling2D"},
                    {"type": "GlobalAveragePooling2D"},
                ],
            },
        },
        {"type": "LSTM", "units": 6},
        {
            "type": "Sequential",
            "name": "head",
            "layers": [
                {"type": "Dense", "units": 8, "activation": "relu"},
                {"type": "Dense", "units": 3, "activation": "softmax"},
            ],
        },
    ],
}

# keras.io, "Next-frame video prediction with convolutional LSTMs": a functional chain whose time
# axis is unknown (`Input(shape=(None, 64, 64, 1))`).
KERAS_IO_NEXT_FRAME: dict[str, Any] = {
    "inputs": [{"shape": [None, 64, 64, 1]}],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [5, 5],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {"type": "BatchNormalization"},
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [3, 3],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {"type": "BatchNormalization"},
        {
            "type": "ConvLSTM2D",
            "filters": 64,
            "kernel_size": [1, 1],
            "padding": "same",
            "return_sequences": True,
            "activation": "relu",
        },
        {
            "type": "Conv3D",
            "filters": 1,
            "kernel_size": [3, 3, 3],
            "activation": "sigmoid",
            "padding": "same",
        },
    ],
}

GOLDEN = {
    "keras_io_next_frame": KERAS_IO_NEXT_FRAME,
    "nested_sequential": NESTED_SEQUENTIAL,
    "encoder_forecaster": ENCODER_FORECASTER,
    "convlstm_unet": CONVLSTM_UNET,
    "two_inputs_shared": TWO_INPUTS_SHARED,
    "functional_chain": FUNCTIONAL_CHAIN,
}

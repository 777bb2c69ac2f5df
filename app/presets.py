"""The gallery: published ConvLSTM architectures, the requests that build them, and the figures
their sources print, compared with ours (`GET /presets`, the page's gallery).

A published figure is kept exactly as printed (`printed`, its number `value` in the source's
unit `scale`); it is never adjusted. Agreement: `exact` when ours equals it, `rounding` when ours
printed with the source's decimals gives it, `differs` otherwise (each such figure carries the
reason in one sentence). Texts shown on the page are marked for translation with `N_`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.model import summarize
from app.core.records import ModelSummary
from app.schema import SEED_MODEL, SummaryRequest

Agreement = Literal["exact", "rounding", "differs"]


def N_(text: str) -> str:  # gettext's name for "translate later"
    """Marks a text for the catalog; the page translates it when it renders."""
    return text


class Citation(BaseModel):
    authors: str
    title: str
    venue: str
    year: int
    url: str


class PublishedFigure(BaseModel):
    """One number as the source prints it, and which of ours it is compared with."""

    model_config = ConfigDict(extra="forbid")

    quantity: Literal["params", "flops"] = Field(
        description="`params`: parameters; `flops`: the source's FLOPs (fvcore's, which are "
        "multiply-accumulates: compared with our `macs`)."
    )
    printed: str = Field(description="Exactly as printed: `13,524,496`, `15.0M`, `56.8G`.")
    value: float = Field(description="The printed number, in the source's unit.")
    unit: str = Field(description="The source's unit: `parameters`, `M parameters`, `G FLOPs`.")
    scale: int = Field(description="What one unit is worth: 1, 10⁶, 10⁹.")
    decimals: int = Field(description="Decimals printed: the rounding the source applied.")
    ours_field: Literal["total_params", "macs"] = Field(
        description="Which of our totals it is compared with."
    )
    expected: Agreement = Field(description="The agreement this gallery states and tests.")
    reason: str | None = Field(
        default=None, description="Why ours differs, in one sentence (when it does)."
    )


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(description="The model's name as its source names it.")
    citation: Citation
    location: str = Field(description="Where in the source the figures are: table, page, file.")
    description: str
    request: dict[str, Any] = Field(description="The body of `POST /summary` that builds it.")
    figures: list[PublishedFigure] = Field(
        description="The figures it reproduces; empty when the source prints none."
    )
    keras: bool = Field(description="Keras can build it (`convention: keras`).")


class FigureResult(PublishedFigure):
    ours: int = Field(description="Our number for the same quantity.")
    agreement: Agreement


class PresetOut(Preset):
    """A preset as `GET /presets` answers it: each figure with ours beside it."""

    # Narrows the field to the answer's figures; mypy refuses it only because `list` is
    # invariant, and pydantic validates the new type.
    figures: list[FigureResult]  # type: ignore[assignment]


SHI = Citation(
    authors="Xingjian Shi, Zhourong Chen, Hao Wang, Dit-Yan Yeung, Wai-kin Wong, Wang-chun Woo",
    title="Convolutional LSTM Network: A Machine Learning Approach for Precipitation Nowcasting",
    venue="NeurIPS (NIPS 2015)",
    year=2015,
    url="https://arxiv.org/abs/1506.04214",
)
OPENSTL = Citation(
    authors="Cheng Tan, Siyuan Li, Zhangyang Gao, Wenfei Guan, Zedong Wang, Zicheng Liu, "
    "Lirong Wu, Stan Z. Li",
    title="OpenSTL: A Comprehensive Benchmark of Spatio-Temporal Predictive Learning",
    venue="NeurIPS 2023 Datasets and Benchmarks",
    year=2023,
    url="https://github.com/chengtan9907/OpenSTL",
)


def _params(
    printed: str, expected: Agreement = "exact", reason: str | None = None
) -> PublishedFigure:
    """A parameter count printed in full (`13,524,496`) or in millions (`15.0M`)."""
    if printed.endswith("M"):
        number = printed[:-1]
        return PublishedFigure(
            quantity="params",
            printed=printed,
            value=float(number),
            unit="M parameters",
            scale=10**6,
            decimals=len(number.partition(".")[2]),
            ours_field="total_params",
            expected=expected,
            reason=reason,
        )
    return PublishedFigure(
        quantity="params",
        printed=printed,
        value=float(printed.replace(",", "")),
        unit="parameters",
        scale=1,
        decimals=0,
        ours_field="total_params",
        expected=expected,
        reason=reason,
    )


def _gflops(printed: str, expected: Agreement = "rounding") -> PublishedFigure:
    number = printed.removesuffix("G")
    return PublishedFigure(
        quantity="flops",
        printed=printed,
        value=float(number),
        unit="G FLOPs (fvcore: multiply-accumulates)",
        scale=10**9,
        decimals=len(number.partition(".")[2]),
        ours_field="macs",
        expected=expected,
    )


# Shi et al. 2015, Table 1 (Moving MNIST): an encoder of stacked ConvLSTMs reads 10 frames cut
# into 4×4 patches (16×16 grid, 16 channels); each forecaster layer starts from the state of
# the encoder layer below it in the stack; the first forecaster layer has no input; all
# forecaster states are concatenated and a 1×1 convolution predicts the 16 patch channels.
FRAMES = "frames"


def shi_encoder_forecaster(
    filters: list[int], kernel: int, state_kernel: int, grid: int = 16, channels: int = 16
) -> dict[str, Any]:
    """The encoder–forecaster of Shi et al. 2015, Fig. 3, under the `peephole` convention."""
    common = {"type": "ConvLSTM2D", "kernel_size": kernel, "padding": "same"}
    if state_kernel != kernel:
        common["recurrent_kernel_size"] = state_kernel
    layers: list[dict[str, Any]] = []
    for i, f in enumerate(filters):
        layers.append(
            {
                **common,
                "name": f"encoder_{i + 1}",
                "filters": f,
                "return_sequences": True,
                "return_state": True,
                "inputs": FRAMES if i == 0 else f"encoder_{i}[0][0]",
            }
        )
    for i, f in enumerate(filters):
        entry = {
            **common,
            "name": f"forecaster_{i + 1}",
            "filters": f,
            "return_sequences": True,
            "inputs": FRAMES if i == 0 else f"forecaster_{i}",
            "initial_state": [f"encoder_{i + 1}[0][1]", f"encoder_{i + 1}[0][2]"],
        }
        if i == 0:
            entry["input_to_state"] = False  # the forecaster has no input of its own
        layers.append(entry)
    states = "forecaster_1"
    if len(filters) > 1:
        layers.append(
            {
                "type": "Concatenate",
                "name": "all_states",
                "inputs": [f"forecaster_{i + 1}" for i in range(len(filters))],
            }
        )
        states = "all_states"
    # A 1×1 convolution on every frame: a 1×1×1 Conv3D has its weights and arithmetic (the
    # page's editor has no wrappers yet, so no TimeDistributed(Conv2D)).
    layers.append(
        {
            "type": "Conv3D",
            "name": "prediction",
            "inputs": states,
            "filters": channels,
            "kernel_size": [1, 1, 1],
            "activation": "sigmoid",
        }
    )
    return {
        "name": "encoder_forecaster",
        "inputs": [{"name": FRAMES, "shape": [10, grid, grid, channels]}],
        "layers": layers,
        "outputs": ["prediction"],
        "convention": "peephole",
    }


def fc_lstm(units: int = 2048, pixels: int = 4096) -> dict[str, Any]:
    """FC-LSTM-2048-2048 as a ConvLSTM over a 1×1 grid with 1×1 kernels (exactly an FC-LSTM):
    two encoder and two forecaster layers, a dense read-out of the top forecaster layer."""
    request = shi_encoder_forecaster([units, units], 1, 1, grid=1, channels=pixels)
    layers = [entry for entry in request["layers"] if entry.get("name") != "all_states"]
    layers[-1] = {**layers[-1], "inputs": "forecaster_2"}
    return {**request, "name": "fc_lstm", "layers": layers}


SHI_DESCRIPTION = N_(
    "Encoder–forecaster over 4×4 patches (16×16 grid, 16 channels), 10 frames in: stacked "
    "ConvLSTMs with peepholes (one weight per channel and gate: W_ci, W_cf, W_co) and biases; "
    "each forecaster layer starts from the state of its encoder layer, the first one has no "
    "input (no W_x); all forecaster states are concatenated and a 1×1 convolution with bias "
    "predicts the 16 patch channels. Name: ConvLSTM(input-to-state kernel)-state-to-state "
    "kernel-filters per layer."
)

SHI_ROWS = (
    # (title, filters, input-to-state kernel, state-to-state kernel, published)
    ("ConvLSTM(5×5)-5×5-256", [256], 5, 5, "13,524,496"),
    ("ConvLSTM(5×5)-5×5-128-5×5-128", [128, 128], 5, 5, "10,042,896"),
    ("ConvLSTM(5×5)-5×5-128-5×5-64-5×5-64", [128, 64, 64], 5, 5, "7,585,296"),
    ("ConvLSTM(9×9)-1×1-128-1×1-128", [128, 128], 9, 1, "11,550,224"),
    ("ConvLSTM(9×9)-1×1-128-1×1-64-1×1-64", [128, 64, 64], 9, 1, "8,830,480"),
)


def openstl_convlstm(
    filters: int, steps: int, size: int, channels: int, patch: int
) -> dict[str, Any]:
    """OpenSTL's ConvLSTM_Model: 4 cells (5×5, stride 1, no bias, no layer norm) over
    patch-reshaped frames, a 1×1 conv_last (no bias) each step; `steps` = pre + aft − 1."""
    grid, depth = size // patch, patch * patch * channels
    cell = {
        "type": "ConvLSTM2D",
        "filters": filters,
        "kernel_size": 5,
        "padding": "same",
        "use_bias": False,
        "return_sequences": True,
        "openstl_unused_convs": True,
    }
    return {
        "input_shape": [steps, size, size, channels],
        "layers": [
            {
                "type": "Reshape",
                "name": "reshape_patch",
                "target_shape": [steps, grid, grid, depth],
            },
            *({**cell, "name": f"cell_{i}"} for i in range(4)),
            # conv_last, 1×1 on every step: as a 1×1×1 Conv3D (same weights and arithmetic).
            {
                "type": "Conv3D",
                "name": "conv_last",
                "filters": depth,
                "kernel_size": [1, 1, 1],
                "use_bias": False,
            },
        ],
        "convention": "pytorch",
    }


OPENSTL_DESCRIPTION = N_(
    "OpenSTL's ConvLSTM_Model: frames cut into patches (reshape_patch; a Reshape here: same "
    "shapes, no weights), four ConvLSTM cells (5×5, no bias, no layer norm) and a 1×1 conv_last "
    "without bias, run for pre + aft − 1 steps as their FLOP count feeds it. Each cell also "
    "builds conv_o and conv_last it never calls: counted as parameters, costing nothing."
)

OPENSTL_S_MMNIST_REASON = N_(
    "The config builds 15,083,520 parameters (15.08M, which rounds to 15.1M); the table's "
    "15.0M is that number cut off rather than rounded, while its 56.8G FLOPs and ConvLSTM-L's "
    "33.8M and 127.0G match the same code as built."
)

# github.com/rezazad68/BCDU-Net, "Skin Lesion Segmentation/models.py", BCDU_net_D3, called with
# input_size=(256, 256, 3) in train_isic18.py.


def _conv(name: str, filters: int, inputs: str, kernel: int = 3, **more: Any) -> dict[str, Any]:
    return {
        "type": "Conv2D",
        "name": name,
        "filters": filters,
        "kernel_size": kernel,
        "activation": "relu",
        "padding": "same",
        "kernel_initializer": "he_normal",
        "inputs": inputs,
        **more,
    }


def bcdu_net_d3(size: int = 256, channels: int = 3) -> dict[str, Any]:
    """BCDU-Net (D3): a U-Net whose skip connections meet the decoder in a ConvLSTM over the two
    feature maps stacked as a 2-step sequence (go_backwards), and a densely connected bottom."""
    layers: list[dict[str, Any]] = [
        _conv("conv1", 64, "image"),
        _conv("conv1b", 64, "conv1"),
        {"type": "MaxPooling2D", "name": "pool1", "pool_size": 2, "inputs": "conv1b"},
        _conv("conv2", 128, "pool1"),
        _conv("conv2b", 128, "conv2"),
        {"type": "MaxPooling2D", "name": "pool2", "pool_size": 2, "inputs": "conv2b"},
        _conv("conv3", 256, "pool2"),
        _conv("conv3b", 256, "conv3"),
        {"type": "Dropout", "name": "drop3", "rate": 0.5, "inputs": "conv3b"},
        {"type": "MaxPooling2D", "name": "pool3", "pool_size": 2, "inputs": "conv3b"},
        _conv("conv4", 512, "pool3"),
        _conv("conv4_1", 512, "conv4"),
        {"type": "Dropout", "name": "drop4_1", "rate": 0.5, "inputs": "conv4_1"},
        _conv("conv4_2", 512, "drop4_1"),
        _conv("conv4_2b", 512, "conv4_2"),
        {"type": "Dropout", "name": "drop4_2", "rate": 0.5, "inputs": "conv4_2b"},
        {"type": "Concatenate", "name": "merge_dense", "axis": 3, "inputs": ["drop4_2", "drop4_1"]},
        _conv("conv4_3", 512, "merge_dense"),
        _conv("conv4_3b", 512, "conv4_3"),
        {"type": "Dropout", "name": "drop4_3", "rate": 0.5, "inputs": "conv4_3b"},
    ]
    below, scale = "drop4_3", 4
    for level, (filters, skip) in enumerate(
        ((256, "drop3"), (128, "conv2b"), (64, "conv1b")), start=6
    ):
        n = size // scale
        layers += [
            {
                "type": "Conv2DTranspose",
                "name": f"up{level}",
                "filters": filters,
                "kernel_size": 2,
                "strides": 2,
                "padding": "same",
                "kernel_initializer": "he_normal",
                "inputs": below,
            },
            {
                "type": "BatchNormalization",
                "name": f"up{level}_bn",
                "axis": 3,
                "inputs": f"up{level}",
            },
            {
                "type": "Activation",
                "name": f"up{level}_relu",
                "activation": "relu",
                "inputs": f"up{level}_bn",
            },
            {
                "type": "Reshape",
                "name": f"x1_{level}",
                "target_shape": [1, n, n, filters],
                "inputs": skip,
            },
            {
                "type": "Reshape",
                "name": f"x2_{level}",
                "target_shape": [1, n, n, filters],
                "inputs": f"up{level}_relu",
            },
            {
                "type": "Concatenate",
                "name": f"merge{level}",
                "axis": 1,
                "inputs": [f"x1_{level}", f"x2_{level}"],
            },
            {
                "type": "ConvLSTM2D",
                "name": f"bconvlstm{level}",
                "filters": filters // 2,
                "kernel_size": 3,
                "padding": "same",
                "go_backwards": True,
                "kernel_initializer": "he_normal",
                "inputs": f"merge{level}",
            },
            _conv(f"conv{level}", filters, f"bconvlstm{level}"),
            _conv(f"conv{level}b", filters, f"conv{level}"),
        ]
        below, scale = f"conv{level}b", scale // 2
    layers += [
        _conv("conv8c", 2, below),
        {
            "type": "Conv2D",
            "name": "conv9",
            "filters": 1,
            "kernel_size": 1,
            "activation": "sigmoid",
            "inputs": "conv8c",
        },
    ]
    return {
        "name": "bcdu_net_d3",
        "inputs": [{"name": "image", "shape": [size, size, channels]}],
        "layers": layers,
        "outputs": ["conv9"],
    }


def activity_classifier() -> dict[str, Any]:
    """The ConvLSTM video classifier of github.com/tejkiran7/Human-Activity-Recognition (the
    Bleed AI / LearnOpenCV UCF50 tutorial model): 20 frames of 64×64×3, 4 classes."""
    layers: list[dict[str, Any]] = []
    for i, filters in enumerate((4, 8, 14, 16)):
        layers.append(
            {
                "type": "ConvLSTM2D",
                "filters": filters,
                "kernel_size": 3,
                "activation": "tanh",
                "recurrent_dropout": 0.2,
                "return_sequences": True,
            }
        )
        layers.append({"type": "MaxPooling3D", "pool_size": [1, 2, 2], "padding": "same"})
        if i < 3:
            # TimeDistributed(Dropout(0.2)) in the source: a Dropout drops the same elements and
            # has no weights (the page's editor has no wrappers yet).
            layers.append({"type": "Dropout", "rate": 0.2})
    layers += [{"type": "Flatten"}, {"type": "Dense", "units": 4, "activation": "softmax"}]
    return {"input_shape": [20, 64, 64, 3], "layers": layers}


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


def _presets() -> tuple[Preset, ...]:
    shi_location = "Table 1 (§4.1, Moving-MNIST), column “Number of parameters”"
    openstl_mmnist = (
        "docs/en/model_zoos/video_benchmarks.md (Moving MNIST, 200 epoch); configs/mmnist/{name}.py"
    )
    return (
        Preset(
            id="seed",
            title="Seed model: four ConvLSTM2D layers",
            citation=Citation(
                authors="(the blog post this project starts from)",
                title="Four stacked ConvLSTM2D layers on 15×40×40×3 clips",
                venue="blog post",
                year=2024,
                url="/",
            ),
            location="its model summary: 35,760 + 144,200 + 237,840 + 327,880",
            description=N_(
                "The page's opening model: 15 frames of 40×40×3, ConvLSTM2D layers "
                "of 30, 50, 60 and 70 filters, 3×3, 'same'."
            ),
            request={k: v for k, v in SEED_MODEL.items() if k in ("input_shape", "layers")},
            figures=[_params("745,680")],
            keras=True,
        ),
        Preset(
            id="keras-io-next-frame",
            title="Next-frame video prediction with convolutional LSTMs",
            citation=Citation(
                authors="Amogh Joshi",
                title="Next-Frame Video Prediction with Convolutional LSTMs",
                venue="keras.io code examples",
                year=2021,
                url="https://keras.io/examples/vision/conv_lstm/",
            ),
            location="section “Model Construction” (no parameter count printed)",
            description=N_(
                "Three ConvLSTM2D layers of 64 filters (5×5, 3×3, 1×1, relu) with "
                "BatchNormalization and a 3×3×3 Conv3D, on frames of 64×64×1 with "
                "an open time axis. Checked against Keras; the example prints no "
                "parameter count."
            ),
            request=KERAS_IO_NEXT_FRAME,
            figures=[],
            keras=True,
        ),
        Preset(
            id="shi2015-fc-lstm-2048-2048",
            title="FC-LSTM-2048-2048",
            citation=SHI,
            location=shi_location,
            description=N_(
                "The baseline: the same encoder–forecaster with fully connected "
                "LSTMs (Srivastava et al. 2015) of 2048 units on the 64×64 frame "
                "(4096 inputs), peepholes per unit, the first forecaster layer without "
                "input, a dense read-out of the top forecaster layer (2048 → 4096, "
                "bias). Built as ConvLSTMs over a 1×1 grid with 1×1 kernels, which "
                "is an FC-LSTM."
            ),
            request=fc_lstm(),
            figures=[_params("142,667,776")],
            keras=False,
        ),
        *(
            Preset(
                id="shi2015-" + title.lower().replace("×", "x").replace("(", "").replace(")", ""),
                title=title,
                citation=SHI,
                location=shi_location,
                description=SHI_DESCRIPTION,
                request=shi_encoder_forecaster(filters, kernel, state_kernel),
                figures=[_params(published)],
                keras=False,
            )
            for title, filters, kernel, state_kernel, published in SHI_ROWS
        ),
        Preset(
            id="openstl-convlstm-s-mmnist",
            title="ConvLSTM-S (Moving MNIST)",
            citation=OPENSTL,
            location=openstl_mmnist.format(name="ConvLSTM"),
            description=OPENSTL_DESCRIPTION,
            request=openstl_convlstm(128, 19, 64, 1, 4),
            figures=[_params("15.0M", "differs", OPENSTL_S_MMNIST_REASON), _gflops("56.8G")],
            keras=False,
        ),
        Preset(
            id="openstl-convlstm-l-mmnist",
            title="ConvLSTM-L (Moving MNIST)",
            citation=OPENSTL,
            location=openstl_mmnist.format(name="ConvLSTM-L"),
            description=OPENSTL_DESCRIPTION,
            request=openstl_convlstm(192, 19, 64, 1, 4),
            figures=[_params("33.8M", "rounding"), _gflops("127.0G")],
            keras=False,
        ),
        Preset(
            id="openstl-convlstm-s-taxibj",
            title="ConvLSTM-S (TaxiBJ)",
            citation=OPENSTL,
            location="docs/en/model_zoos/traffic_benchmarks.md (TaxiBJ, 50 epoch); "
            "configs/taxibj/ConvLSTM.py",
            description=OPENSTL_DESCRIPTION,
            request=openstl_convlstm(128, 7, 32, 2, 2),
            figures=[_params("14.98M", "rounding"), _gflops("20.74G")],
            keras=False,
        ),
        Preset(
            id="bcdu-net-d3",
            title="BCDU-Net (BCDU_net_D3)",
            citation=Citation(
                authors="Reza Azad, Maryam Asadi-Aghbolaghi, Mahmood Fathy, Sergio Escalera",
                title="Bi-Directional ConvLSTM U-Net with Densely Connected Convolutions",
                venue="ICCV Workshops",
                year=2019,
                url="https://github.com/rezazad68/BCDU-Net",
            ),
            location="Skin Lesion Segmentation/models.py, BCDU_net_D3; input_size (256, 256, 3) "
            "in train_isic18.py (no parameter count published)",
            description=N_(
                "A U-Net for skin-lesion segmentation whose skip connection and "
                "upsampled features are stacked as a 2-step sequence and merged by a "
                "ConvLSTM2D (go_backwards) at each decoder level; three densely "
                "connected convolution blocks at the bottom. Checked against Keras; "
                "the repository publishes no parameter count."
            ),
            request=bcdu_net_d3(),
            figures=[],
            keras=True,
        ),
        Preset(
            id="convlstm-activity-classifier",
            title="ConvLSTM human activity classifier (UCF50)",
            citation=Citation(
                authors="tejkiran7 (after Taha Anwar, Bleed AI / LearnOpenCV)",
                title="Human Activity Recognition using ConvLSTM and LRCN",
                venue="GitHub repository",
                year=2024,
                url="https://github.com/tejkiran7/Human-Activity-Recognition",
            ),
            location="the saved model convlstm_model___Date_Time_2024_01_13__06_44_51___"
            "Loss_0.5621848702430725___Accuracy_0.8442623019218445.h5 (its weight tensors)",
            description=N_(
                "Four ConvLSTM2D layers (4, 8, 14, 16 filters, 3×3, 'valid', "
                "recurrent dropout) with MaxPooling3D (1, 2, 2) and dropout "
                "(TimeDistributed(Dropout) in the source; a Dropout here, weightless either "
                "way), then "
                "Flatten and a 4-class softmax, on 20 frames of 64×64×3. The "
                "published figure is the sum of the weights in the repository's "
                "saved Keras model."
            ),
            request=activity_classifier(),
            figures=[_params("44,524")],
            keras=True,
        ),
    )


PRESETS: tuple[Preset, ...] = _presets()
BY_ID = {preset.id: preset for preset in PRESETS}


def agreement(figure: PublishedFigure, ours: int) -> Agreement:
    """exact: ours is the printed number; rounding: ours printed as the source prints gives it."""
    if figure.scale == 1 and ours == figure.value:
        return "exact"
    if figure.scale > 1:
        # Decimal, half up: 14,950,000 is 15.0M as printed (a float would round 14.95 down).
        step = Decimal(1).scaleb(-figure.decimals)
        shown = (Decimal(ours) / figure.scale).quantize(step, rounding=ROUND_HALF_UP)
        if shown == Decimal(str(figure.value)):
            return "rounding"
    return "differs"


def ours(summary: ModelSummary, field: str) -> int:
    """Our number for a figure: total parameters, or MACs of one sample over the sequence."""
    if field == "total_params":
        return summary.total_params
    assert summary.costs is not None and summary.costs.macs is not None
    return summary.costs.macs


@cache
def presets_out() -> tuple[PresetOut, ...]:
    """Every preset with our numbers beside the published ones (computed once)."""
    out = []
    for preset in PRESETS:
        summary = summarize(SummaryRequest.model_validate(preset.request))
        figures = []
        for figure in preset.figures:
            number = ours(summary, figure.ours_field)
            figures.append(
                FigureResult(
                    **figure.model_dump(), ours=number, agreement=agreement(figure, number)
                )
            )
        out.append(PresetOut(**{**preset.model_dump(), "figures": figures}))
    return tuple(out)

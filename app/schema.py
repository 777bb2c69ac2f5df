"""The contract: the `POST /summary` request, built on the layer specs of every family.

Every layer spec mirrors one Keras 3 class: `type` is the class name, every other key is a
constructor argument with Keras's name, accepted forms and default. Arguments that change
nothing we compute (initializers, regularizers, dropout, ...) are accepted and kept as given.
Each spec class lives in its family's module (`app.core.families`). Sizes (`kernel_size`,
`strides`, ...) are normalised (`app.core.spec_base`) to tuples of the layer's rank, the way
`keras.src.utils.argument_validation.standardize_tuple` does; everything that depends on the
input shape is checked by the core.
"""

from __future__ import annotations

import difflib
import functools
import operator
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictFloat,
    StrictInt,
    Tag,
    model_validator,
)

from app.core.conventions import Convention
from app.core.families import FAMILIES, SPEC_OF
from app.core.nested import SequentialSpec
from app.core.spec_base import (
    MAX_DIM,
    MAX_LAYERS,
    MAX_NAME_LENGTH,
    MAX_RANK,
    SIZE_FIELDS,
    TENSOR_REF,
    WIRING_FIELDS,
    Dim,
    Inbound,
    LayerSpecBase,
    TensorRef,
)
from app.core.wrappers import BidirectionalSpec, TimeDistributedSpec

# Re-exported: the contract's importers read these from here (`from app.schema import ...`).
__all__ = [
    "MAX_DIM",
    "MAX_LAYERS",
    "MAX_NAME_LENGTH",
    "MAX_RANK",
    "SIZE_FIELDS",
    "TENSOR_REF",
    "WIRING_FIELDS",
    "Convention",
    "LayerSpecBase",
]

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}
Dtype = Literal["float32", "float16", "bfloat16", "int8", "float64"]

# Any layer: the union of every family's spec classes, told apart by `type`. Statically it is
# a `LayerSpecBase` (mypy cannot see a union built from a tuple).
if TYPE_CHECKING:
    LayerSpec = Annotated[LayerSpecBase, Field(discriminator="type")]
else:
    LayerSpec = Annotated[
        functools.reduce(operator.or_, (spec for family in FAMILIES for spec in family.specs)),
        Field(discriminator="type"),
    ]

# Layers that hold layers name `LayerSpec`, which exists only now that every family is known.
for _holder in (TimeDistributedSpec, BidirectionalSpec, SequentialSpec):
    _holder.model_rebuild(_types_namespace={"LayerSpec": LayerSpec})

# Keras class name → spec class, in the order of `FAMILIES`.
LAYER_SPECS: dict[str, type[LayerSpecBase]] = dict(SPEC_OF)
if {f for spec in LAYER_SPECS.values() for f in getattr(spec, "_tuple_fields", ())} - set(
    SIZE_FIELDS
):
    raise RuntimeError("a size field is missing from SIZE_FIELDS, so it would not be normalised")

GRAPH_EXAMPLE: dict[str, Any] = {
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
            "inputs": "frames",
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
        {"type": "Concatenate", "inputs": ["forecaster", "frames"]},
    ],
    "outputs": ["concatenate"],
}

SEED_MODEL: dict[str, Any] = {
    "input_shape": [15, 40, 40, 3],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "filters": f,
            "kernel_size": [3, 3],
            "padding": "same",
            "return_sequences": rs,
        }
        for f, rs in ((30, True), (50, True), (60, True), (70, False))
    ],
    "batch_size": 1,
    "dtype": "float32",
}


class LayerCallSpec(BaseModel):
    """Calls a layer defined by an earlier entry again, with the same weights (a shared layer:
    Keras's node 1, 2, ... of that layer). Its outputs are `call[node][tensor]`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    call: Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)] = Field(
        description="The name of the layer to call again."
    )
    inputs: Inbound | None = None
    initial_state: Annotated[list[TensorRef], Field(min_length=1, max_length=8)] | None = None


def _entry_kind(value: Any) -> str | None:
    """Which member of `LayerEntry` validates `value`: its `type`, or `LayerCall`."""
    if isinstance(value, dict):
        if "call" in value and "type" not in value:
            return "LayerCall"
        kind = value.get("type")
        return kind if isinstance(kind, str) else None
    if isinstance(value, LayerCallSpec):
        return "LayerCall"
    return getattr(value, "type", None)


# An entry of `layers`: a layer (built and called), or a further call of an earlier one.
if TYPE_CHECKING:
    # What the union below is, in a form type checkers read (they cannot run its generator).
    LayerEntry = LayerSpec | LayerCallSpec
else:
    LayerEntry = Annotated[
        Union[
            (
                *(Annotated[spec, Tag(name)] for name, spec in LAYER_SPECS.items()),
                Annotated[LayerCallSpec, Tag("LayerCall")],
            )
        ],
        Discriminator(_entry_kind),
    ]
ENTRY_TAGS = frozenset({*LAYER_SPECS, "LayerCall"})


class InputSpec(BaseModel):
    """`keras.Input(shape, batch_size, name)`: one input of a graph model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: (
        Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=r"^[^/\[\]]+$")]
        | None
    ) = None
    shape: list[Dim | None] = Field(
        min_length=1,
        max_length=MAX_RANK,
        description="Per-sample shape without the batch axis; `null` for an unknown size.",
    )
    batch_size: Dim | None = Field(
        default=None,
        description="A fixed batch size (`keras.Input(batch_shape=(8, ...))`): shown instead of "
        "`None` in every output shape.",
    )


Optimizer = Literal["sgd", "sgd_momentum", "adam", "adamw", "rmsprop"]
Device = Literal[
    "nvidia-a100-sxm4-80gb",
    "nvidia-h100-sxm5",
    "nvidia-t4",
    "google-tpu-v4",
    "intel-xeon-8380",
    "custom",
]


class SummaryRequest(BaseModel):
    """Body of `POST /summary`: a Sequential model (`input_shape` and a list of layers) or a
    functional graph (`inputs`, layers wired with `inputs`/`initial_state`, `outputs`), as Keras
    would build it."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={"examples": [SEED_MODEL, GRAPH_EXAMPLE]},
    )

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)] | None = Field(
        default=None, description="The model's name (`Model: \"...\"` in Keras's summary)."
    )
    input_shape: list[Dim | None] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_RANK,
        description="Per-sample shape without the batch axis, as in `keras.Input(shape=...)`; "
        "`null` for an unknown size. A graph model gives `inputs` instead (this then reads as "
        "the first input's shape).",
    )
    inputs: list[InputSpec] | None = Field(
        default=None,
        min_length=1,
        max_length=16,
        description="A functional model's inputs, in the order `keras.Model(inputs=...)` takes "
        "them.",
    )
    layers: list[LayerEntry] = Field(
        min_length=1,
        max_length=MAX_LAYERS,
        description="Layers in the order your code calls them. A layer is called on `inputs` "
        '(default: the entry before it); `{"call": "name", "inputs": ...}` calls an '
        "earlier layer again with the same weights.",
    )
    outputs: Annotated[list[TensorRef], Field(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="A functional model's outputs; default: every output of the last entry.",
    )
    batch_size: Dim = 1
    dtype: Dtype = "float32"
    time_steps: Dim | None = Field(
        default=None,
        description="Time steps to count costs with when the input's time axis is `null`; "
        "ignored when it is known. Without either, costs are given per step only.",
    )
    convention: Convention = Field(
        default="keras",
        description="`keras`: what Keras builds; `pytorch`: a second bias on the recurrent "
        "convolution (+4F params); `peephole`: Shi et al. 2015 peepholes on i, f, o (one "
        "weight per channel, +3F params). Under `pytorch` and `peephole` a ConvLSTM also "
        "takes the papers' options (`recurrent_kernel_size`, `input_to_state`, "
        "`gate_normalization`, `openstl_unused_convs`).",
    )
    optimizer: Optimizer = Field(
        default="adam", description="Decides the optimizer state in the memory estimate."
    )
    device: Device = Field(
        default="nvidia-a100-sxm4-80gb",
        description="Accelerator preset for the latency estimate, or `custom` with "
        "`peak_tflops` and `bandwidth_gb_s`.",
    )
    peak_tflops: Annotated[StrictFloat | StrictInt, Field(gt=0, le=1e6)] | None = None
    bandwidth_gb_s: Annotated[StrictFloat | StrictInt, Field(gt=0, le=1e6)] | None = None
    efficiency: Annotated[StrictFloat | StrictInt, Field(gt=0, le=1)] = Field(
        default=1,
        description="Fraction of the device's peak and bandwidth the latency estimate assumes "
        "is reached; 1 (the default) gives the roofline lower bound.",
    )
    step_overhead_us: Annotated[StrictFloat | StrictInt, Field(ge=0, le=1e6)] = Field(
        default=0,
        description="Fixed time in µs added to every layer's every time step (a kernel launch, "
        "framework overhead) in the latency estimate.",
    )

    @model_validator(mode="after")
    def _one_way_to_give_inputs(self) -> SummaryRequest:
        if (self.input_shape is None) == (self.inputs is None):
            raise ValueError(
                "give either input_shape (a Sequential model) or inputs (a graph model); "
                + ("received both" if self.inputs is not None else "received neither")
            )
        if self.inputs is not None:
            # Read-only convenience for what reads one input shape (sweeps, the page); set
            # without marking the field as given, so dumps of the request keep `inputs` only.
            object.__setattr__(self, "input_shape", list(self.inputs[0].shape))
        return self

    @property
    def is_graph(self) -> bool:
        """A functional model: Keras's summary has InputLayer rows and its connections."""
        return (
            self.inputs is not None
            or self.outputs is not None
            or any(
                isinstance(entry, LayerCallSpec)
                or entry.inputs is not None
                or entry.initial_state is not None
                for entry in self.layers
            )
        )


SweepArgument = Literal["filters", "kernel_size", "time_steps", "batch_size", "input_size"]
MAX_SWEEP_POINTS = 32
# Each point summarises the whole model: 32 values up to 256 layers, 8 at 1,024 (issue 14).
MAX_SWEEP_LAYER_POINTS = 8_192


class SweepRequest(BaseModel):
    """Body of `POST /sweep`: vary one argument of one layer (or of the input) of `model`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model: SummaryRequest
    argument: SweepArgument = "filters"
    layer: Annotated[StrictInt, Field(ge=0, lt=MAX_LAYERS)] = Field(
        default=0, description="Index of the layer whose `filters` or `kernel_size` varies."
    )
    values: list[Dim] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_SWEEP_POINTS,
        description="Values to try; by default ¼×, ½×, 1×, 2× and 4× the current value.",
    )
    budget_mb: Annotated[StrictFloat | StrictInt, Field(gt=0, le=1e9)] | None = Field(
        default=None,
        description="Training-memory budget in MB (1024² bytes): also answer the largest "
        "`fit` (filters of `layer`, or batch size) that stays within it.",
    )
    fit: Literal["filters", "batch_size"] = "filters"


def suggest_argument(layer_type: str, unknown: str) -> str | None:
    """The closest valid argument name of `layer_type` to `unknown` (`filter` → `filters`)."""
    spec = LAYER_SPECS.get(layer_type)
    if spec is None:
        return None
    matches = difflib.get_close_matches(unknown, list(spec.model_fields), n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggest_type(unknown: str) -> str | None:
    """The closest supported layer type to `unknown` (`ConvLstm2D` → `ConvLSTM2D`)."""
    by_lower = {name.lower(): name for name in LAYER_SPECS}
    if unknown.lower() in by_lower:
        return by_lower[unknown.lower()]
    matches = difflib.get_close_matches(unknown, list(LAYER_SPECS), n=1, cutoff=0.6)
    return matches[0] if matches else None

"""The contract: pydantic models for layer specs and the `POST /summary` request.

Every layer spec mirrors one Keras 3 class: `type` is the class name, every other key is a
constructor argument with Keras's name, accepted forms and default. Arguments that change
nothing we compute (initializers, regularizers, dropout, ...) are accepted and kept as given.
Sizes (`kernel_size`, `strides`, ...) are normalised here to tuples of the layer's rank, the way
`keras.src.utils.argument_validation.standardize_tuple` does; everything that depends on the
input shape is checked by the core.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

# Limits: generous for real models, small enough that no request can hang the server.
MAX_LAYERS = 1024
MAX_DIM = 1_048_576
MAX_RANK = 6
MAX_NAME_LENGTH = 128

Dim = Annotated[StrictInt, Field(ge=1, le=MAX_DIM)]
Rate = Annotated[StrictFloat | StrictInt, Field(ge=0, le=1)]
Sizes = Dim | tuple[Dim, ...]
# A size whose default is an int: validating the default makes it a tuple of the layer's rank.
# Only these defaults need validating; `validate_default` on every field doubled validation time.
DefaultSizes = Annotated[Sizes, Field(validate_default=True)]
Padding = Literal["valid", "same"]
DataFormat = Literal["channels_last", "channels_first"]
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}
Dtype = Literal["float32", "float16", "bfloat16", "int8", "float64"]


def _as_tuple(value: int | tuple[int, ...], rank: int, field: str) -> tuple[int, ...]:
    """Keras's `standardize_tuple`: an int repeats `rank` times; a sequence must have `rank`."""
    if isinstance(value, int):
        return (value,) * rank
    if len(value) != rank:
        raise ValueError(
            f"`{field}` must be an integer or a list of {rank} integers; "
            f"received {list(value)} ({len(value)} values)"
        )
    return tuple(value)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class LayerSpecBase(BaseModel):
    """Arguments every Keras layer takes (`keras.layers.Layer.__init__`)."""

    # NaN and Infinity are no argument Keras can run with (`momentum=nan`): refused everywhere.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)] | None = None
    trainable: StrictBool = True
    dtype: Any = None

    rank: ClassVar[int] = 0

    @field_validator("name")
    @classmethod
    def _no_slash(cls, value: str | None) -> str | None:
        # Keras uses "/" to build weight paths, so layer names may not contain it.
        if value is not None and "/" in value:
            raise ValueError(f"a layer name cannot contain '/'; received {value!r}")
        return value


def _sizes_validator(field: str) -> Any:
    """Normalises `field` to a tuple of the layer's rank where the layer lists it as a size."""

    def normalise(cls: Any, value: Any) -> Any:
        if field in cls._tuple_fields and value is not None:
            return _as_tuple(value, cls.rank, field)
        return value

    return field_validator(field, mode="after", check_fields=False)(classmethod(normalise))


# Every field any spec lists in `_tuple_fields` (checked below, once LAYER_SPECS exists).
SIZE_FIELDS = ("kernel_size", "strides", "dilation_rate", "output_padding", "pool_size", "size")


class _SpatialSpec(LayerSpecBase):
    """Shared normalisation of sizes, padding and data_format."""

    _tuple_fields: ClassVar[tuple[str, ...]] = ()

    # Named, not "*": a validator on every field of every layer made validation 2.5× slower.
    # One per field: a validator that needs no `info` (for the field's name) is cheaper to call.
    _kernel_size, _strides, _dilation_rate, _output_padding, _pool_size, _size = (
        _sizes_validator(field) for field in SIZE_FIELDS
    )

    @field_validator("padding", "data_format", mode="before", check_fields=False)
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return _lower(value)

    @property
    def channels_first(self) -> bool:
        return getattr(self, "data_format", None) == "channels_first"


class _ConvLSTMSpec(_SpatialSpec):
    """`keras.layers.ConvLSTM{1,2,3}D`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = 1
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = 1
    activation: Any = "tanh"
    recurrent_activation: Any = "sigmoid"
    use_bias: StrictBool = True
    kernel_initializer: Any = "glorot_uniform"
    recurrent_initializer: Any = "orthogonal"
    bias_initializer: Any = "zeros"
    unit_forget_bias: StrictBool = True
    kernel_regularizer: Any = None
    recurrent_regularizer: Any = None
    bias_regularizer: Any = None
    activity_regularizer: Any = None
    kernel_constraint: Any = None
    recurrent_constraint: Any = None
    bias_constraint: Any = None
    dropout: Rate = 0.0
    recurrent_dropout: Rate = 0.0
    seed: StrictInt | None = None
    return_sequences: StrictBool = False
    return_state: StrictBool = False
    go_backwards: StrictBool = False
    stateful: StrictBool = False
    unroll: StrictBool = False


class ConvLSTM1DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM1D"]
    rank: ClassVar[int] = 1


class ConvLSTM2DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM2D"]
    rank: ClassVar[int] = 2


class ConvLSTM3DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM3D"]
    rank: ClassVar[int] = 3


class _ConvBase(_SpatialSpec):
    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = 1
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = 1
    activation: Any = None
    use_bias: StrictBool = True
    kernel_initializer: Any = "glorot_uniform"
    bias_initializer: Any = "zeros"
    kernel_regularizer: Any = None
    bias_regularizer: Any = None
    activity_regularizer: Any = None
    kernel_constraint: Any = None
    bias_constraint: Any = None


class _ConvSpec(_ConvBase):
    """`keras.layers.Conv{1,2,3}D`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    groups: Dim = 1
    lora_rank: Dim | None = None
    lora_alpha: StrictFloat | StrictInt | None = None


class Conv1DSpec(_ConvSpec):
    type: Literal["Conv1D"]
    rank: ClassVar[int] = 1
    padding: Literal["valid", "same", "causal"] = "valid"


class Conv2DSpec(_ConvSpec):
    type: Literal["Conv2D"]
    rank: ClassVar[int] = 2


class Conv3DSpec(_ConvSpec):
    type: Literal["Conv3D"]
    rank: ClassVar[int] = 3


class _ConvTransposeSpec(_ConvBase):
    """`keras.layers.Conv{2,3}DTranspose`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate", "output_padding")

    output_padding: Annotated[StrictInt, Field(ge=0)] | tuple[
        Annotated[StrictInt, Field(ge=0)], ...
    ] | None = None


class Conv2DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv2DTranspose"]
    rank: ClassVar[int] = 2


class Conv3DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv3DTranspose"]
    rank: ClassVar[int] = 3


class _PoolingSpec(_SpatialSpec):
    """`keras.layers.{Max,Average}Pooling{1,2,3}D`; `strides=None` means `pool_size`."""

    _tuple_fields = ("pool_size", "strides")

    pool_size: DefaultSizes = 2
    strides: Sizes | None = None
    padding: Padding = "valid"
    data_format: DataFormat | None = None

    @field_validator("data_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        # Unlike the convolutions, Keras's pooling layers keep `padding` as given and the pooling
        # op then refuses "SAME"/"VALID"; only `data_format` is case-insensitive here.
        return _lower(value)


class MaxPooling1DSpec(_PoolingSpec):
    type: Literal["MaxPooling1D"]
    rank: ClassVar[int] = 1


class MaxPooling2DSpec(_PoolingSpec):
    type: Literal["MaxPooling2D"]
    rank: ClassVar[int] = 2


class MaxPooling3DSpec(_PoolingSpec):
    type: Literal["MaxPooling3D"]
    rank: ClassVar[int] = 3


class AveragePooling1DSpec(_PoolingSpec):
    type: Literal["AveragePooling1D"]
    rank: ClassVar[int] = 1
    pool_size: Sizes


class AveragePooling2DSpec(_PoolingSpec):
    type: Literal["AveragePooling2D"]
    rank: ClassVar[int] = 2
    pool_size: Sizes


class AveragePooling3DSpec(_PoolingSpec):
    type: Literal["AveragePooling3D"]
    rank: ClassVar[int] = 3
    pool_size: Sizes


class _GlobalPoolingSpec(_SpatialSpec):
    """`keras.layers.Global{Average,Max}Pooling{1,2,3}D`."""

    data_format: DataFormat | None = None
    keepdims: StrictBool = False


class GlobalAveragePooling1DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling1D"]
    rank: ClassVar[int] = 1


class GlobalAveragePooling2DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling2D"]
    rank: ClassVar[int] = 2


class GlobalAveragePooling3DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalAveragePooling3D"]
    rank: ClassVar[int] = 3


class GlobalMaxPooling1DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling1D"]
    rank: ClassVar[int] = 1


class GlobalMaxPooling2DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling2D"]
    rank: ClassVar[int] = 2


class GlobalMaxPooling3DSpec(_GlobalPoolingSpec):
    type: Literal["GlobalMaxPooling3D"]
    rank: ClassVar[int] = 3


class UpSampling1DSpec(_SpatialSpec):
    """`keras.layers.UpSampling1D`: repeats each step `size` times (channels last only)."""

    type: Literal["UpSampling1D"]
    rank: ClassVar[int] = 1
    size: Dim = 2


class UpSampling2DSpec(_SpatialSpec):
    type: Literal["UpSampling2D"]
    rank: ClassVar[int] = 2
    _tuple_fields = ("size",)
    size: DefaultSizes = 2
    data_format: DataFormat | None = None
    interpolation: Literal[
        "nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"
    ] = "nearest"


class UpSampling3DSpec(_SpatialSpec):
    type: Literal["UpSampling3D"]
    rank: ClassVar[int] = 3
    _tuple_fields = ("size",)
    size: DefaultSizes = 2
    data_format: DataFormat | None = None


class DropoutSpec(LayerSpecBase):
    type: Literal["Dropout"]
    rate: Rate
    noise_shape: Any = None
    seed: StrictInt | None = None


class SpatialDropout1DSpec(LayerSpecBase):
    type: Literal["SpatialDropout1D"]
    rank: ClassVar[int] = 1
    rate: Rate
    seed: StrictInt | None = None


class SpatialDropout2DSpec(_SpatialSpec):
    type: Literal["SpatialDropout2D"]
    rank: ClassVar[int] = 2
    rate: Rate
    data_format: DataFormat | None = None
    seed: StrictInt | None = None


class SpatialDropout3DSpec(_SpatialSpec):
    type: Literal["SpatialDropout3D"]
    rank: ClassVar[int] = 3
    rate: Rate
    data_format: DataFormat | None = None
    seed: StrictInt | None = None


class BatchNormalizationSpec(LayerSpecBase):
    """`keras.layers.BatchNormalization`: gamma, beta trainable; moving stats are not."""

    type: Literal["BatchNormalization"]
    axis: StrictInt = -1
    momentum: StrictFloat | StrictInt = 0.99
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Any = "zeros"
    gamma_initializer: Any = "ones"
    moving_mean_initializer: Any = "zeros"
    moving_variance_initializer: Any = "ones"
    beta_regularizer: Any = None
    gamma_regularizer: Any = None
    beta_constraint: Any = None
    gamma_constraint: Any = None
    renorm: StrictBool = False
    renorm_clipping: Any = None
    renorm_momentum: StrictFloat | StrictInt = 0.99
    synchronized: StrictBool = False


class LayerNormalizationSpec(LayerSpecBase):
    type: Literal["LayerNormalization"]
    axis: StrictInt | list[StrictInt] = -1
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Any = "zeros"
    gamma_initializer: Any = "ones"
    beta_regularizer: Any = None
    gamma_regularizer: Any = None
    beta_constraint: Any = None
    gamma_constraint: Any = None


class FlattenSpec(LayerSpecBase):
    type: Literal["Flatten"]
    data_format: DataFormat | None = None

    @field_validator("data_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return _lower(value)


class ReshapeSpec(LayerSpecBase):
    """`keras.layers.Reshape`: one entry of `target_shape` may be -1 (inferred)."""

    type: Literal["Reshape"]
    target_shape: list[Annotated[StrictInt, Field(ge=-1, le=MAX_DIM)]] = Field(
        min_length=1, max_length=MAX_RANK
    )


class DenseSpec(LayerSpecBase):
    type: Literal["Dense"]
    units: Dim
    activation: Any = None
    use_bias: StrictBool = True
    kernel_initializer: Any = "glorot_uniform"
    bias_initializer: Any = "zeros"
    kernel_regularizer: Any = None
    bias_regularizer: Any = None
    activity_regularizer: Any = None
    kernel_constraint: Any = None
    bias_constraint: Any = None
    lora_rank: Dim | None = None
    lora_alpha: StrictFloat | StrictInt | None = None
    quantization_config: None = None


class ActivationSpec(LayerSpecBase):
    type: Literal["Activation"]
    activation: Any


class TimeDistributedSpec(LayerSpecBase):
    """`keras.layers.TimeDistributed`: applies `layer` to every time step."""

    type: Literal["TimeDistributed"]
    layer: LayerSpec


class BidirectionalSpec(LayerSpecBase):
    """`keras.layers.Bidirectional`: a forward and a backward copy of a recurrent `layer`."""

    type: Literal["Bidirectional"]
    layer: LayerSpec
    merge_mode: Literal["sum", "mul", "ave", "concat"] | None = "concat"
    weights: None = None
    backward_layer: LayerSpec | None = None


ConvLSTMSpec = ConvLSTM1DSpec | ConvLSTM2DSpec | ConvLSTM3DSpec

LayerSpec = Annotated[
    ConvLSTM1DSpec
    | ConvLSTM2DSpec
    | ConvLSTM3DSpec
    | BatchNormalizationSpec
    | LayerNormalizationSpec
    | Conv1DSpec
    | Conv2DSpec
    | Conv3DSpec
    | Conv2DTransposeSpec
    | Conv3DTransposeSpec
    | MaxPooling1DSpec
    | MaxPooling2DSpec
    | MaxPooling3DSpec
    | AveragePooling1DSpec
    | AveragePooling2DSpec
    | AveragePooling3DSpec
    | GlobalAveragePooling1DSpec
    | GlobalAveragePooling2DSpec
    | GlobalAveragePooling3DSpec
    | GlobalMaxPooling1DSpec
    | GlobalMaxPooling2DSpec
    | GlobalMaxPooling3DSpec
    | UpSampling1DSpec
    | UpSampling2DSpec
    | UpSampling3DSpec
    | DropoutSpec
    | SpatialDropout1DSpec
    | SpatialDropout2DSpec
    | SpatialDropout3DSpec
    | FlattenSpec
    | ReshapeSpec
    | DenseSpec
    | ActivationSpec
    | TimeDistributedSpec
    | BidirectionalSpec,
    Field(discriminator="type"),
]

TimeDistributedSpec.model_rebuild()
BidirectionalSpec.model_rebuild()

LAYER_SPECS: dict[str, type[LayerSpecBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in LayerSpec.__origin__.__args__  # type: ignore[attr-defined]
}
if {f for spec in LAYER_SPECS.values() for f in getattr(spec, "_tuple_fields", ())} - set(
    SIZE_FIELDS
):
    raise RuntimeError("a size field is missing from SIZE_FIELDS, so it would not be normalised")

SEED_MODEL: dict[str, Any] = {
    "input_shape": [15, 40, 40, 3],
    "layers": [
        {"type": "ConvLSTM2D", "filters": f, "kernel_size": [3, 3], "padding": "same",
         "return_sequences": rs}
        for f, rs in ((30, True), (50, True), (60, True), (70, False))
    ],
    "batch_size": 1,
    "dtype": "float32",
}


Convention = Literal["keras", "pytorch", "peephole"]
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
    """Body of `POST /summary`: a Sequential model as Keras would build it."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, json_schema_extra={"examples": [SEED_MODEL]}
    )

    input_shape: list[Dim | None] = Field(
        min_length=1,
        max_length=MAX_RANK,
        description="Per-sample shape without the batch axis, as in `keras.Input(shape=...)`; "
        "`null` for an unknown size.",
    )
    layers: list[LayerSpec] = Field(min_length=1, max_length=MAX_LAYERS)
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
        "convolution (+4F params); `peephole`: Shi et al. 2015 Hadamard peepholes on i, f, o.",
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


SweepArgument = Literal["filters", "kernel_size", "time_steps", "batch_size", "input_size"]
MAX_SWEEP_POINTS = 32


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

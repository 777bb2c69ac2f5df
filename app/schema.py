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
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    Tag,
    field_validator,
    model_validator,
)

from app.core.keras_objects import Activation, Constraint, Initializer, Regularizer

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


# A tensor, named as Keras's summary names it in "Connected to": `layer[node][tensor]`, or just
# `layer` for its first call's first output (an input's name is its only tensor).
TENSOR_REF = r"^(?P<layer>[^/\[\]]+?)(\[(?P<node>\d{1,4})\]\[(?P<tensor>\d{1,4})\])?$"
TensorRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH + 12,
        pattern=TENSOR_REF,
        description="A tensor: `name` (a layer's first output, or an input) or "
        "`name[node][tensor]` as Keras's summary writes it (`encoder[0][1]`: the first state "
        "that the first call of `encoder` returns).",
    ),
]
# What a layer is called on: one tensor, or a list (merge layers).
Inbound = TensorRef | Annotated[list[TensorRef], Field(min_length=1, max_length=64)]
# Graph wiring, not constructor arguments: exports and the editor leave them out.
WIRING_FIELDS = ("inputs", "initial_state")


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class LayerSpecBase(BaseModel):
    """Arguments every Keras layer takes (`keras.layers.Layer.__init__`)."""

    # NaN and Infinity are no argument Keras can run with (`momentum=nan`): refused everywhere.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)] | None = None
    trainable: StrictBool = True
    dtype: Any = None
    # Graph models only: what `layer(inputs, initial_state=...)` is called on. Omitted, a
    # layer is called on the output of the entry before it (the model's input for the first).
    inputs: Inbound | None = None
    initial_state: Annotated[list[TensorRef], Field(min_length=1, max_length=8)] | None = None

    rank: ClassVar[int] = 0
    if TYPE_CHECKING:
        # Each spec declares its Keras class name as a `Literal` field; typed code that holds
        # any spec reads it too.
        type: str

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
SIZE_FIELDS = (
    "kernel_size",
    "strides",
    "dilation_rate",
    "output_padding",
    "pool_size",
    "size",
    "recurrent_kernel_size",
)


class _SpatialSpec(LayerSpecBase):
    """Shared normalisation of sizes, padding and data_format."""

    _tuple_fields: ClassVar[tuple[str, ...]] = ()

    # Named, not "*": a validator on every field of every layer made validation 2.5× slower.
    # One per field: a validator that needs no `info` (for the field's name) is cheaper to call.
    (
        _kernel_size,
        _strides,
        _dilation_rate,
        _output_padding,
        _pool_size,
        _size,
        _recurrent_kernel_size,
    ) = (_sizes_validator(field) for field in SIZE_FIELDS)

    @field_validator("padding", "data_format", mode="before", check_fields=False)
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return _lower(value)

    @property
    def channels_first(self) -> bool:
        return getattr(self, "data_format", None) == "channels_first"


GateNormalization = Literal["layer"]


class _ConvLSTMSpec(_SpatialSpec):
    """`keras.layers.ConvLSTM{1,2,3}D`, plus the papers' options (`PAPER_OPTIONS`) that Keras
    cannot build: allowed under a non-`keras` convention only."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate", "recurrent_kernel_size")

    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = 1
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = 1
    activation: Activation = "tanh"
    recurrent_activation: Activation = "sigmoid"
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    recurrent_initializer: Initializer = "orthogonal"
    bias_initializer: Initializer = "zeros"
    unit_forget_bias: StrictBool = True
    kernel_regularizer: Regularizer = None
    recurrent_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    recurrent_constraint: Constraint = None
    bias_constraint: Constraint = None
    dropout: Rate = 0.0
    recurrent_dropout: Rate = 0.0
    seed: StrictInt | None = None
    return_sequences: StrictBool = False
    return_state: StrictBool = False
    go_backwards: StrictBool = False
    stateful: StrictBool = False
    unroll: StrictBool = False
    # Not Keras's (see PAPER_OPTIONS): Shi et al. 2015 and OpenSTL.
    recurrent_kernel_size: Sizes | None = Field(
        default=None,
        description="Not Keras: the state-to-state kernel (W_h), when it differs from the "
        "input-to-state `kernel_size` (Shi et al. 2015). Needs a non-keras convention.",
    )
    input_to_state: StrictBool = Field(
        default=True,
        description="Not Keras: false drops W_x (a forecaster layer with no input of its own, "
        "Shi et al. 2015); the input gives the number of steps only. Non-keras convention.",
    )
    gate_normalization: GateNormalization | None = Field(
        default=None,
        description="Not Keras: `layer` puts OpenSTL's LayerNorm([4F, *grid]) (affine) after "
        "the input and the recurrent convolution. Non-keras convention.",
    )
    openstl_unused_convs: StrictBool = Field(
        default=False,
        description="Not Keras: the weights OpenSTL's ConvLSTMCell builds and never calls "
        "(conv_o k·2F·F, conv_last 1×1 2F·F): parameters, no arithmetic. Non-keras convention.",
    )


# The ConvLSTM options Keras cannot build, with their Keras-equivalent values.
PAPER_OPTIONS: dict[str, object] = {
    "recurrent_kernel_size": None,
    "input_to_state": True,
    "gate_normalization": None,
    "openstl_unused_convs": False,
}


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
    activation: Activation = None
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    kernel_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    bias_constraint: Constraint = None


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
    """`keras.layers.Conv{1,2,3}DTranspose`."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate", "output_padding")

    output_padding: (
        Annotated[StrictInt, Field(ge=0)] | tuple[Annotated[StrictInt, Field(ge=0)], ...] | None
    ) = None


class Conv1DTransposeSpec(_ConvTransposeSpec):
    type: Literal["Conv1DTranspose"]
    rank: ClassVar[int] = 1


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
    interpolation: Literal["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"] = (
        "nearest"
    )


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
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    moving_mean_initializer: Initializer = "zeros"
    moving_variance_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None
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
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None


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
    activation: Activation = None
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    kernel_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    bias_constraint: Constraint = None
    lora_rank: Dim | None = None
    lora_alpha: StrictFloat | StrictInt | None = None
    quantization_config: None = None


class ActivationSpec(LayerSpecBase):
    type: Literal["Activation"]
    activation: Activation


class TimeDistributedSpec(LayerSpecBase):
    """`keras.layers.TimeDistributed`: applies `layer` to every time step."""

    type: Literal["TimeDistributed"]
    layer: LayerSpec


class SequentialSpec(LayerSpecBase):
    """A `keras.Sequential` used as a layer (a nested model): its layers run in turn on what it
    is called on; Keras's summary shows it as one row with all their parameters."""

    type: Literal["Sequential"]
    layers: list[LayerSpec] = Field(min_length=1, max_length=MAX_LAYERS)


class BidirectionalSpec(LayerSpecBase):
    """`keras.layers.Bidirectional`: a forward and a backward copy of a recurrent `layer`."""

    type: Literal["Bidirectional"]
    layer: LayerSpec
    merge_mode: Literal["sum", "mul", "ave", "concat"] | None = "concat"
    weights: None = None
    backward_layer: LayerSpec | None = None


class ConcatenateSpec(LayerSpecBase):
    """`keras.layers.Concatenate`: joins its inputs along `axis`."""

    type: Literal["Concatenate"]
    axis: StrictInt = -1


class AddSpec(LayerSpecBase):
    """`keras.layers.Add` (and the other element-wise merges below): inputs broadcast."""

    type: Literal["Add"]


class SubtractSpec(LayerSpecBase):
    type: Literal["Subtract"]


class MultiplySpec(LayerSpecBase):
    type: Literal["Multiply"]


class AverageSpec(LayerSpecBase):
    type: Literal["Average"]


class MaximumSpec(LayerSpecBase):
    type: Literal["Maximum"]


class MinimumSpec(LayerSpecBase):
    type: Literal["Minimum"]


# ---- Depthwise and separable convolutions, zero padding, cropping, group normalisation ----


class _DepthwiseBase(_SpatialSpec):
    """`keras.layers.DepthwiseConv{1,2}D` (`base_depthwise_conv.py`): no 'causal' padding, no
    `groups`; `depth_multiplier` filters per input channel. Fields in Keras's order."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    kernel_size: Sizes
    strides: DefaultSizes = 1
    padding: Padding = "valid"
    depth_multiplier: Dim = 1
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = 1
    activation: Activation = None
    use_bias: StrictBool = True
    depthwise_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    depthwise_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    depthwise_constraint: Constraint = None
    bias_constraint: Constraint = None


class DepthwiseConv1DSpec(_DepthwiseBase):
    type: Literal["DepthwiseConv1D"]
    rank: ClassVar[int] = 1


class DepthwiseConv2DSpec(_DepthwiseBase):
    type: Literal["DepthwiseConv2D"]
    rank: ClassVar[int] = 2


class _SeparableBase(_SpatialSpec):
    """`keras.layers.SeparableConv{1,2}D` (`base_separable_conv.py`): a depthwise convolution,
    then a 1×1 one to `filters`. Fields in Keras's order."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate")

    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = 1
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = 1
    depth_multiplier: Dim = 1
    activation: Activation = None
    use_bias: StrictBool = True
    depthwise_initializer: Initializer = "glorot_uniform"
    pointwise_initializer: Initializer = "glorot_uniform"
    bias_initializer: Initializer = "zeros"
    depthwise_regularizer: Regularizer = None
    pointwise_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    depthwise_constraint: Constraint = None
    pointwise_constraint: Constraint = None
    bias_constraint: Constraint = None


class SeparableConv1DSpec(_SeparableBase):
    type: Literal["SeparableConv1D"]
    rank: ClassVar[int] = 1


class SeparableConv2DSpec(_SeparableBase):
    type: Literal["SeparableConv2D"]
    rank: ClassVar[int] = 2


# A number of rows/columns/steps to pad or crop on one side.
Margin = Annotated[StrictInt, Field(ge=0, le=MAX_DIM)]
Pair = tuple[int, int]
# What `ZeroPadding{2,3}D` / `Cropping{2,3}D` accept: an int, one int per axis (both sides), or
# per axis a (before, after) pair; per-axis entries may mix the two forms, as in Keras.
Margins = Margin | tuple[Margin | tuple[Margin, Margin], ...]


def _margin_pairs(value: Any, rank: int) -> tuple[Pair, ...]:
    """Keras's normalisation of a checked `padding`/`cropping`: one (before, after) pair per
    axis."""
    if isinstance(value, int):
        return ((value, value),) * rank
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)  # type: ignore[misc]


def _is_margin(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DIM


def _check_margins(value: Any, rank: int, field: str) -> None:
    """Refuses, in one sentence, what Keras's constructor refuses (or cannot run: a negative
    int padding builds a shrunken shape in Keras 3.15, then fails in `ops.pad`)."""
    pair = isinstance(value, list | tuple) and len(value) == 2 and all(map(_is_margin, value))
    if rank == 1:
        ok = _is_margin(value) or pair
        forms = "a number ≥ 0, or [start, end]"
    else:
        ok = _is_margin(value) or (
            isinstance(value, list | tuple)
            and len(value) == rank
            and all(
                _is_margin(v)
                or (isinstance(v, list | tuple) and len(v) == 2 and all(map(_is_margin, v)))
                for v in value
            )
        )
        forms = (
            f"a number ≥ 0, a list of {rank} numbers (one per axis) or a list of {rank} "
            "[before, after] pairs"
        )
    if not ok:
        raise ValueError(f"`{field}` must be {forms}, each at most {MAX_DIM:,}; received {value!r}")


class _MarginSpec(_SpatialSpec):
    """`keras.layers.ZeroPadding{1,2,3}D` and `Cropping{1,2,3}D`: no weights, no arithmetic.

    The margin is normalised as Keras stores it: (left, right) for one axis (an int or a pair,
    `standardize_tuple(value, 2)`), one (before, after) pair per axis for two or three.
    """

    margin_field: ClassVar[str] = "padding"

    @field_validator("padding", "cropping", mode="before", check_fields=False)
    @classmethod
    def _forms(cls, value: Any, info: Any) -> Any:
        # One plain message for any malformed margin, instead of one per member of the union.
        _check_margins(value, cls.rank, info.field_name)
        return value

    @field_validator("padding", "cropping", mode="after", check_fields=False)
    @classmethod
    def _pairs(cls, value: Any, info: Any) -> Any:
        if cls.rank == 1:
            return (value, value) if isinstance(value, int) else tuple(value)
        return _margin_pairs(value, cls.rank)

    @property
    def margins(self) -> tuple[Pair, ...]:
        """One (before, after) pair per spatial axis, whatever the rank."""
        value = getattr(self, self.margin_field)
        return (value,) if self.rank == 1 else value


class ZeroPadding1DSpec(_MarginSpec):
    type: Literal["ZeroPadding1D"]
    rank: ClassVar[int] = 1
    padding: Margin | tuple[Margin, Margin] = (1, 1)
    data_format: DataFormat | None = None


class ZeroPadding2DSpec(_MarginSpec):
    type: Literal["ZeroPadding2D"]
    rank: ClassVar[int] = 2
    padding: Margins = ((1, 1), (1, 1))
    data_format: DataFormat | None = None


class ZeroPadding3DSpec(_MarginSpec):
    type: Literal["ZeroPadding3D"]
    rank: ClassVar[int] = 3
    padding: Margins = ((1, 1), (1, 1), (1, 1))
    data_format: DataFormat | None = None


class Cropping1DSpec(_MarginSpec):
    """Keras's Cropping1D has no `data_format`: it always crops axis 1."""

    type: Literal["Cropping1D"]
    rank: ClassVar[int] = 1
    margin_field: ClassVar[str] = "cropping"
    cropping: Margin | tuple[Margin, Margin] = (1, 1)


class Cropping2DSpec(_MarginSpec):
    type: Literal["Cropping2D"]
    rank: ClassVar[int] = 2
    margin_field: ClassVar[str] = "cropping"
    cropping: Margins = ((0, 0), (0, 0))
    data_format: DataFormat | None = None


class Cropping3DSpec(_MarginSpec):
    type: Literal["Cropping3D"]
    rank: ClassVar[int] = 3
    margin_field: ClassVar[str] = "cropping"
    cropping: Margins = ((1, 1), (1, 1), (1, 1))
    data_format: DataFormat | None = None


class GroupNormalizationSpec(LayerSpecBase):
    """`keras.layers.GroupNormalization`: γ and β per channel of `axis`; `groups=-1` means one
    group per channel (instance normalisation)."""

    type: Literal["GroupNormalization"]
    groups: Annotated[StrictInt, Field(ge=-1, le=MAX_DIM)] = 32
    axis: StrictInt = -1
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None

    @field_validator("groups")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("groups must be a positive integer, or -1 for one group per channel")
        return value


# --- Recurrent layers (`keras.layers.{LSTM,GRU,SimpleRNN}`) ----------------------------------


class _RNNSpec(LayerSpecBase):
    """Arguments LSTM, GRU and SimpleRNN share (`keras/src/layers/rnn/`)."""

    units: Dim
    activation: Activation = "tanh"
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    recurrent_initializer: Initializer = "orthogonal"
    bias_initializer: Initializer = "zeros"
    kernel_regularizer: Regularizer = None
    recurrent_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    recurrent_constraint: Constraint = None
    bias_constraint: Constraint = None
    dropout: Rate = 0.0
    recurrent_dropout: Rate = 0.0
    seed: StrictInt | None = None
    return_sequences: StrictBool = False
    return_state: StrictBool = False
    go_backwards: StrictBool = False
    stateful: StrictBool = False
    unroll: StrictBool = False


class SimpleRNNSpec(_RNNSpec):
    """`keras.layers.SimpleRNN`: h_t = activation(x_t·W + h_{t−1}·U + b)."""

    type: Literal["SimpleRNN"]


class LSTMSpec(_RNNSpec):
    """`keras.layers.LSTM`: four gates (i, f, c, o) side by side in every weight."""

    type: Literal["LSTM"]
    recurrent_activation: Activation = "sigmoid"
    unit_forget_bias: StrictBool = True
    use_cudnn: Literal["auto"] | StrictBool = "auto"


class GRUSpec(_RNNSpec):
    """`keras.layers.GRU`: three gates (z, r, h); `reset_after` (default) gives the recurrent
    kernel its own bias, so `bias` is (2, 3·units)."""

    type: Literal["GRU"]
    recurrent_activation: Activation = "sigmoid"
    reset_after: StrictBool = True
    use_cudnn: Literal["auto"] | StrictBool = "auto"


# --- Axis reordering (`keras.layers.{Permute,RepeatVector}`) ----------------------------------


class PermuteSpec(LayerSpecBase):
    """`keras.layers.Permute`: `dims` reorders the axes after the batch axis (1-based)."""

    type: Literal["Permute"]
    dims: tuple[StrictInt, ...] = Field(max_length=MAX_RANK)


class RepeatVectorSpec(LayerSpecBase):
    """`keras.layers.RepeatVector`: (batch, features) → (batch, n, features)."""

    type: Literal["RepeatVector"]
    n: Dim


# --- Activation layers (`keras/src/layers/activations/`) -------------------------------------

NonNegative = Annotated[StrictFloat | StrictInt, Field(ge=0)]


class ReLUSpec(LayerSpecBase):
    type: Literal["ReLU"]
    max_value: NonNegative | None = None
    negative_slope: NonNegative = 0.0
    threshold: NonNegative = 0.0


class LeakyReLUSpec(LayerSpecBase):
    """`keras.layers.LeakyReLU`; Keras 3 still takes the deprecated `alpha` for
    `negative_slope` (and keeps only `negative_slope` in its config), so do we."""

    type: Literal["LeakyReLU"]
    negative_slope: NonNegative = 0.3

    @model_validator(mode="before")
    @classmethod
    def _legacy_alpha(cls, data: Any) -> Any:
        if isinstance(data, dict) and "alpha" in data:
            # As Keras: `alpha` wins over `negative_slope`, None included (then refused).
            data = {**data}
            data["negative_slope"] = data.pop("alpha")
        return data


class ELUSpec(LayerSpecBase):
    type: Literal["ELU"]
    alpha: StrictFloat | StrictInt = 1.0


class SoftmaxSpec(LayerSpecBase):
    type: Literal["Softmax"]
    axis: StrictInt | list[StrictInt] = -1


class PReLUSpec(LayerSpecBase):
    """`keras.layers.PReLU`: one trainable slope per input element, except along
    `shared_axes` (1-based, as Keras indexes them)."""

    type: Literal["PReLU"]
    alpha_initializer: Initializer = "Zeros"
    alpha_regularizer: Regularizer = None
    alpha_constraint: Constraint = None
    shared_axes: StrictInt | list[StrictInt] | None = None


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
    | ConcatenateSpec
    | AddSpec
    | SubtractSpec
    | MultiplySpec
    | AverageSpec
    | MaximumSpec
    | MinimumSpec
    | TimeDistributedSpec
    | BidirectionalSpec
    | SequentialSpec
    | Conv1DTransposeSpec
    | DepthwiseConv1DSpec
    | DepthwiseConv2DSpec
    | SeparableConv1DSpec
    | SeparableConv2DSpec
    | ZeroPadding1DSpec
    | ZeroPadding2DSpec
    | ZeroPadding3DSpec
    | Cropping1DSpec
    | Cropping2DSpec
    | Cropping3DSpec
    | GroupNormalizationSpec
    | SimpleRNNSpec
    | LSTMSpec
    | GRUSpec
    | PermuteSpec
    | RepeatVectorSpec
    | ReLUSpec
    | LeakyReLUSpec
    | ELUSpec
    | SoftmaxSpec
    | PReLUSpec,
    Field(discriminator="type"),
]

TimeDistributedSpec.model_rebuild()
BidirectionalSpec.model_rebuild()
SequentialSpec.model_rebuild()

LAYER_SPECS: dict[str, type[LayerSpecBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in LayerSpec.__origin__.__args__  # type: ignore[attr-defined]
}
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

"""What every layer spec shares: Keras's `Layer` arguments, the size and padding types, the
normalisation of sizes to the layer's rank, and the limits that keep requests bounded.

Each family module (`app/core/<family>.py`) defines its spec classes on these; `app.schema`
builds the request contract from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, cast

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
if TYPE_CHECKING:
    # What the core reads: `_sizes_validator` makes every size a tuple of the layer's rank.
    Sizes = tuple[int, ...]
    DefaultSizes = tuple[int, ...]
    PaddingSizes = tuple[int, ...]
else:
    # What a request may write: `3` or `[3, 3]`.
    Sizes = Dim | tuple[Dim, ...]
    # A size whose default is an int: validating the default makes it a tuple of the layer's
    # rank. Only these defaults need validating; `validate_default` on every field doubled
    # validation time.
    DefaultSizes = Annotated[Sizes, Field(validate_default=True)]
    # Sizes that may be 0 (`output_padding`).
    PaddingSizes = Annotated[StrictInt, Field(ge=0)] | tuple[Annotated[StrictInt, Field(ge=0)], ...]
Padding = Literal["valid", "same"]
DataFormat = Literal["channels_last", "channels_first"]


def size_default(value: int) -> tuple[int, ...]:
    """The int default of a `DefaultSizes` field (`strides: DefaultSizes = size_default(1)`).

    It stays the int Keras writes (and the OpenAPI schema shows); validating the default turns
    it into the tuple of the layer's rank, which is the type the core reads.
    """
    return cast(tuple[int, ...], value)


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

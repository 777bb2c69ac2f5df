"""Hypothesis strategies for random `/summary` requests: stacks of the supported Keras layers.

`valid_requests()` mostly builds models Keras accepts: it tracks the rank of the tensor flowing
through the stack and picks layers that take that rank, with sizes small enough to fit and large
enough to survive a few valid convolutions. `invalid_requests()` takes such a stack and breaks
it in one way Keras refuses (a window larger than its input, strides with dilation, an unknown
spatial size for a ConvLSTM, several outputs in the middle, a duplicate name, ...).
Either kind may come out the other way; the parity test compares both sides whatever happens.

Every request is a plain dict, exactly what a client would POST.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from app.schema import LAYER_SPECS

Layer = dict[str, Any]
# A layer maker: (draw, rank of the input without batch axis, data_format) → (layer, out rank).
Maker = Callable[[Any, int, str], tuple[Layer, int]]

# Sizes stay small: Keras really allocates and initialises every weight while building.
FILTERS = st.integers(1, 6)
SIDE = st.integers(1, 12)


def sizes(rank: int, values: st.SearchStrategy[int]) -> st.SearchStrategy[int | list[int]]:
    """An int or a list of `rank` ints: the two forms Keras's `standardize_tuple` accepts."""
    return values | st.lists(values, min_size=rank, max_size=rank)


def paddings(*allowed: str) -> st.SearchStrategy[str]:
    return st.sampled_from(allowed).flatmap(lambda p: st.sampled_from([p, p.upper()]))


def _common(draw: Any, layer: Layer) -> Layer:
    if draw(st.integers(0, 9)) == 0:
        layer["trainable"] = False
    return layer


def _data_format(draw: Any, layer: Layer, data_format: str) -> None:
    """Always given when channels_first; given explicitly as the default now and then."""
    if data_format == "channels_first" or draw(st.integers(0, 5)) == 0:
        layer["data_format"] = data_format


def _strides_and_dilation(draw: Any, rank: int, layer: Layer) -> None:
    choice = draw(st.sampled_from(["plain", "plain", "strides", "dilation"]))
    if choice == "strides":
        layer["strides"] = draw(sizes(rank, st.integers(1, 3)))
    elif choice == "dilation":
        layer["dilation_rate"] = draw(sizes(rank, st.integers(1, 2)))


def conv_lstm(type_: str, rank: int, last: bool = False) -> Maker:
    """ConvLSTM{rank}D: input (time, *spatial, C); drops the time axis unless return_sequences.

    Every argument that changes a shape or a count is varied; a few that change neither
    (activation, dropout, initializers) are sometimes given too, to prove they change nothing.
    """

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {
            "type": type_,
            "filters": draw(FILTERS),
            "kernel_size": draw(sizes(rank, st.integers(1, 3))),
        }
        if draw(st.booleans()):
            layer["padding"] = draw(paddings("valid", "same"))
        _data_format(draw, layer, data_format)
        _strides_and_dilation(draw, rank, layer)
        if draw(st.integers(0, 3)) == 0:
            layer["use_bias"] = False
        sequences = draw(st.booleans())
        if sequences or draw(st.booleans()):
            layer["return_sequences"] = sequences
        if last and draw(st.integers(0, 3)) == 0:
            layer["return_state"] = True
        for flag in ("go_backwards", "unroll", "unit_forget_bias"):
            if draw(st.integers(0, 7)) == 0:
                layer[flag] = draw(st.booleans())
        if draw(st.integers(0, 7)) == 0:
            layer.update(draw(st.sampled_from(NEUTRAL_CONV_LSTM_ARGUMENTS)))
        return _common(draw, layer), in_rank if sequences else in_rank - 1

    return make


NEUTRAL_CONV_LSTM_ARGUMENTS = [
    {"activation": "relu", "recurrent_activation": "hard_sigmoid"},
    {"dropout": 0.2, "recurrent_dropout": 0.1, "seed": 3},
    {
        "kernel_initializer": "he_normal",
        "recurrent_initializer": "glorot_uniform",
        "bias_initializer": "ones",
    },
]


def conv(type_: str, rank: int, transpose: bool = False) -> Maker:
    """Conv{rank}D / Conv{rank}DTranspose: input (*spatial, C), same rank out."""

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {
            "type": type_,
            "filters": draw(FILTERS),
            "kernel_size": draw(sizes(rank, st.integers(1, 3))),
        }
        if draw(st.booleans()):
            causal = rank == 1 and not transpose
            allowed = ("valid", "same", "causal") if causal else ("valid", "same")
            layer["padding"] = draw(paddings(*allowed))
        _data_format(draw, layer, data_format)
        _strides_and_dilation(draw, rank, layer)
        if not transpose and draw(st.integers(0, 3)) == 0:
            layer["groups"] = draw(st.integers(1, 3))
        if transpose and draw(st.integers(0, 2)) == 0:
            layer["output_padding"] = draw(sizes(rank, st.integers(0, 2)))
        if draw(st.integers(0, 3)) == 0:
            layer["use_bias"] = False
        return _common(draw, layer), in_rank

    return make


def depthwise(type_: str, rank: int, separable: bool = False) -> Maker:
    """DepthwiseConv{rank}D / SeparableConv{rank}D: input (*spatial, C), same rank out."""

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        if separable:
            layer["filters"] = draw(FILTERS)
        layer["kernel_size"] = draw(sizes(rank, st.integers(1, 3)))
        if draw(st.booleans()):
            layer["padding"] = draw(paddings("valid", "same"))
        _data_format(draw, layer, data_format)
        # Keras does not refuse strides > 1 with dilation > 1 here: both may come together.
        for key, top in (("strides", 3), ("dilation_rate", 2)):
            if draw(st.integers(0, 2)) == 0:
                layer[key] = draw(sizes(rank, st.integers(1, top)))
        if draw(st.integers(0, 2)) == 0:
            layer["depth_multiplier"] = draw(st.integers(1, 3))
        if draw(st.integers(0, 3)) == 0:
            layer["use_bias"] = False
        return _common(draw, layer), in_rank

    return make


def margins(type_: str, rank: int) -> Maker:
    """ZeroPadding{rank}D / Cropping{rank}D, with every form Keras accepts for the margin."""
    zero_padding = type_.startswith("ZeroPadding")
    field = "padding" if zero_padding else "cropping"

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        side = st.integers(0, 2)
        pair = st.lists(side, min_size=2, max_size=2)
        forms = (
            [side, pair]
            if rank == 1
            else [
                side,
                st.lists(side, min_size=rank, max_size=rank),
                st.lists(pair, min_size=rank, max_size=rank),
                st.lists(side | pair, min_size=rank, max_size=rank),
            ]
        )
        if draw(st.integers(0, 4)):
            layer[field] = draw(st.one_of(forms))
        if zero_padding or rank > 1:  # Cropping1D has no data_format
            _data_format(draw, layer, data_format)
        return _common(draw, layer), in_rank

    return make


def _group_normalization(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    # Groups that divide most channel counts, so most draws build; the rest are refused by both.
    layer: Layer = {"type": "GroupNormalization", "groups": draw(st.sampled_from([1, -1, 1, 2]))}
    if in_rank >= 2 and data_format == "channels_first":
        layer["axis"] = 1
    elif draw(st.integers(0, 3)) == 0:
        layer["axis"] = draw(st.integers(-in_rank, in_rank).filter(lambda a: a != 0))
    for flag in ("center", "scale"):
        if draw(st.integers(0, 3)) == 0:
            layer[flag] = False
    return _common(draw, layer), in_rank


def pooling(type_: str, rank: int) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        if type_.startswith("Average") or draw(st.booleans()):
            layer["pool_size"] = draw(sizes(rank, st.integers(1, 3)))
        if draw(st.booleans()):
            layer["strides"] = draw(sizes(rank, st.integers(1, 3)))
        if draw(st.booleans()):
            layer["padding"] = draw(paddings("valid", "same"))
        _data_format(draw, layer, data_format)
        return _common(draw, layer), in_rank

    return make


def global_pooling(type_: str) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        keepdims = draw(st.booleans())
        if keepdims or draw(st.booleans()):
            layer["keepdims"] = keepdims
        _data_format(draw, layer, data_format)
        return _common(draw, layer), in_rank if keepdims else 1

    return make


def upsampling(type_: str, rank: int) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        if draw(st.booleans()):
            layer["size"] = draw(st.integers(1, 3) if rank == 1 else sizes(rank, st.integers(1, 3)))
        if rank > 1:
            _data_format(draw, layer, data_format)
        return _common(draw, layer), in_rank

    return make


def spatial_dropout(type_: str, rank: int) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_, "rate": draw(st.sampled_from([0, 0.5]))}
        if rank > 1 and data_format == "channels_first":
            layer["data_format"] = data_format
        return _common(draw, layer), in_rank

    return make


def normalization(type_: str) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        if draw(st.integers(0, 2)) == 0:
            # Any axis of the input, counted from either end (the batch axis is 0).
            axis = draw(st.integers(-in_rank, in_rank).filter(lambda a: a != 0))
            if type_ == "LayerNormalization" and draw(st.booleans()):
                layer["axis"] = sorted({axis, draw(st.integers(1, in_rank))})
            else:
                layer["axis"] = axis
        elif data_format == "channels_first" and type_ == "BatchNormalization":
            layer["axis"] = 1
        for flag in ("center", "scale"):
            if draw(st.integers(0, 3)) == 0:
                layer[flag] = False
        return _common(draw, layer), in_rank

    return make


def _dense(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    layer: Layer = {"type": "Dense", "units": draw(st.integers(1, 8))}
    if draw(st.integers(0, 3)) == 0:
        layer["use_bias"] = False
    return _common(draw, layer), in_rank


def _simple(type_: str, **extra: Any) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        return _common(draw, {"type": type_, **extra}), in_rank

    return make


def _flatten(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    layer: Layer = {"type": "Flatten"}
    if draw(st.booleans()):
        layer["data_format"] = data_format
    return layer, 1


def _reshape(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    target = draw(st.sampled_from([[-1], [1, -1], [-1, 1], [2, -1], [-1, 2, 1]]))
    return {"type": "Reshape", "target_shape": target}, len(target)


RNN_TYPES = ("LSTM", "GRU", "SimpleRNN")
NEUTRAL_RNN_ARGUMENTS = [
    {"activation": "relu"},
    {"dropout": 0.2, "recurrent_dropout": 0.1, "seed": 3},
    {
        "kernel_initializer": "he_normal",
        "recurrent_initializer": "glorot_uniform",
        "bias_initializer": "ones",
    },
]


def rnn(type_: str, last: bool = False) -> Maker:
    """LSTM / GRU / SimpleRNN: input (time, features); drops the time axis unless
    return_sequences. Flags that change a count or a shape are varied, the rest now and then."""

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_, "units": draw(FILTERS)}
        if draw(st.integers(0, 3)) == 0:
            layer["use_bias"] = False
        if type_ == "GRU" and draw(st.integers(0, 2)) == 0:
            layer["reset_after"] = draw(st.booleans())
        sequences = draw(st.booleans())
        if sequences or draw(st.booleans()):
            layer["return_sequences"] = sequences
        if last and draw(st.integers(0, 3)) == 0:
            layer["return_state"] = True
        flags = ("go_backwards", "unroll") + (("unit_forget_bias",) if type_ == "LSTM" else ())
        for flag in flags:
            if draw(st.integers(0, 7)) == 0:
                layer[flag] = draw(st.booleans())
        if draw(st.integers(0, 7)) == 0:
            layer.update(draw(st.sampled_from(NEUTRAL_RNN_ARGUMENTS)))
        if type_ != "SimpleRNN" and draw(st.integers(0, 9)) == 0:
            layer["recurrent_activation"] = "hard_sigmoid"
        return _common(draw, layer), in_rank if sequences else in_rank - 1

    return make


def _bidirectional_rnn(last: bool) -> Maker:
    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        type_ = draw(st.sampled_from(RNN_TYPES))
        inner, out_rank = rnn(type_, last)(draw, in_rank, data_format)
        layer: Layer = {"type": "Bidirectional", "layer": inner}
        if draw(st.booleans()):
            modes = ["concat", "sum", "mul", "ave"] + ([None] if last else [])
            layer["merge_mode"] = draw(st.sampled_from(modes))
        if draw(st.integers(0, 4)) == 0:
            # Same flags, its own units and bias (Keras takes the output shape from the forward
            # layer alone).
            backward = {**inner, "go_backwards": not inner.get("go_backwards", False)}
            backward["units"] = draw(FILTERS)
            backward["use_bias"] = draw(st.booleans())
            backward.pop("name", None)
            layer["backward_layer"] = backward
        return _common(draw, layer), out_rank

    return make


def _permute(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    dims = draw(st.permutations(range(1, in_rank + 1)))
    return _common(draw, {"type": "Permute", "dims": list(dims)}), in_rank


def _repeat_vector(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    return _common(draw, {"type": "RepeatVector", "n": draw(st.integers(1, 4))}), 2


def _activation_layer(type_: str) -> Maker:
    """ReLU, LeakyReLU, ELU, Softmax, PReLU: the input's shape out; arguments now and then."""

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        layer: Layer = {"type": type_}
        if draw(st.booleans()):
            if type_ == "ReLU":
                layer[draw(st.sampled_from(["max_value", "negative_slope", "threshold"]))] = draw(
                    st.sampled_from([0, 0.5, 6.0])
                )
            elif type_ == "LeakyReLU":
                # Keras 3 still takes the deprecated `alpha` for `negative_slope`.
                layer[draw(st.sampled_from(["negative_slope", "alpha"]))] = 0.1
            elif type_ == "ELU":
                layer["alpha"] = draw(st.sampled_from([0.5, 2]))
            elif type_ == "Softmax":
                axes = st.integers(-in_rank - 1, in_rank)
                layer["axis"] = draw(axes | st.lists(axes, min_size=1, max_size=2, unique=True))
            else:
                axes = st.integers(1, in_rank)
                layer["shared_axes"] = draw(axes | st.lists(axes, min_size=1, unique=True))
        return _common(draw, layer), in_rank

    return make


ACTIVATION_LAYER_TYPES = ("ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU")


MAX_INPUT_RANK = 5  # (time, 3 spatial axes, channels): what ConvLSTM3D takes


def makers_for(rank: int, last: bool) -> list[tuple[str, Maker]]:
    """(type, maker) pairs whose layer takes a `rank`-D input; `type` names the outer layer."""
    return [(name, g.maker(last)) for name, g in MAKERS.items() if g.takes(rank)]


def _nested_sequential(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    """A nested Sequential of one or two layers that fit one after the other."""
    layers, rank = [], in_rank
    for _ in range(draw(st.integers(1, 2))):
        makers = [m for t, m in makers_for(rank, last=False) if t != "Sequential"]
        layer, rank = draw(st.sampled_from(makers))(draw, rank, data_format)
        layers.append(layer)
    return _common(draw, {"type": "Sequential", "layers": layers}), rank


def _time_distributed(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
    inner_makers = [
        m
        for t, m in makers_for(in_rank - 1, last=False)
        if t not in ("TimeDistributed", "Sequential")
    ]
    inner, inner_rank = draw(st.sampled_from(inner_makers))(draw, in_rank - 1, data_format)
    return _common(draw, {"type": "TimeDistributed", "layer": inner}), inner_rank + 1


def _bidirectional(last: bool) -> Maker:
    """A Bidirectional LSTM/GRU/SimpleRNN on (time, features), a Bidirectional ConvLSTM on
    (time, *spatial, C)."""

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        if in_rank == 2:
            return _bidirectional_rnn(last)(draw, in_rank, data_format)
        inner, out_rank = _CONV_LSTMS[in_rank - 2](last)(draw, in_rank, data_format)
        layer: Layer = {"type": "Bidirectional", "layer": inner}
        if draw(st.booleans()):
            modes = ["concat", "sum", "mul", "ave"] + ([None] if last else [])
            layer["merge_mode"] = draw(st.sampled_from(modes))
        if draw(st.integers(0, 4)) == 0:
            # An explicit backward layer that can run beside the forward one: same window and
            # flags, its own filters and bias. (Keras does not check that it fits at all.)
            backward = {**inner, "go_backwards": not inner.get("go_backwards", False)}
            backward["filters"] = draw(FILTERS)
            backward["use_bias"] = draw(st.booleans())
            backward.pop("name", None)
            layer["backward_layer"] = backward
        return _common(draw, layer), out_rank

    return make


def _activation_layers_as_one(choices: list[tuple[str, Maker]]) -> list[tuple[str, Maker]]:
    """The five activation layers drawn as one family, so they do not crowd out the others."""
    grouped = [(t, m) for t, m in choices if t in ACTIVATION_LAYER_TYPES]
    if len(grouped) < 2:
        return choices

    def make(draw: Any, in_rank: int, data_format: str) -> tuple[Layer, int]:
        return draw(st.sampled_from(grouped))[1](draw, in_rank, data_format)

    rest = [(t, m) for t, m in choices if t not in ACTIVATION_LAYER_TYPES]
    return [*rest, ("activation layer", make)]


@dataclass(frozen=True)
class Generator:
    """A layer type's maker: which input ranks (batch axis excluded) it takes, and the maker
    for a layer in the middle (`last=False`) or at the end of a stack (may return states)."""

    takes: Callable[[int], bool]
    maker: Callable[[bool], Maker]


def _any_rank(rank: int) -> bool:
    return True


def _spatial(axes: int) -> Callable[[int], bool]:
    """Conv-style input (*spatial, C) with `axes` spatial axes."""
    return lambda rank: rank == axes + 1


def _sequence_of(axes: int) -> Callable[[int], bool]:
    """ConvLSTM-style input (time, *spatial, C) with `axes` spatial axes."""
    return lambda rank: rank == axes + 2


def _fixed(maker: Maker) -> Callable[[bool], Maker]:
    """A maker that is the same in the middle and at the end of a stack."""
    return lambda last: maker


_CONV_LSTMS: dict[int, Callable[[bool], Maker]] = {
    1: lambda last: conv_lstm("ConvLSTM1D", 1, last),
    2: lambda last: conv_lstm("ConvLSTM2D", 2, last),
    3: lambda last: conv_lstm("ConvLSTM3D", 3, last),
}

# One maker per layer type, keyed by its Keras class name; `tests/test_family_completeness.py`
# checks that every spec type has one (merges: `tests/graph_strategies.py`, graphs only).
MAKERS: dict[str, Generator] = {
    "BatchNormalization": Generator(_any_rank, _fixed(normalization("BatchNormalization"))),
    "LayerNormalization": Generator(_any_rank, _fixed(normalization("LayerNormalization"))),
    "GroupNormalization": Generator(_any_rank, _fixed(_group_normalization)),
    "Dense": Generator(_any_rank, _fixed(_dense)),
    "Dropout": Generator(_any_rank, _fixed(_simple("Dropout", rate=0.25))),
    "Activation": Generator(_any_rank, _fixed(_simple("Activation", activation="relu"))),
    "Permute": Generator(_any_rank, _fixed(_permute)),
    "ReLU": Generator(_any_rank, _fixed(_activation_layer("ReLU"))),
    "LeakyReLU": Generator(_any_rank, _fixed(_activation_layer("LeakyReLU"))),
    "ELU": Generator(_any_rank, _fixed(_activation_layer("ELU"))),
    "Softmax": Generator(_any_rank, _fixed(_activation_layer("Softmax"))),
    "PReLU": Generator(_any_rank, _fixed(_activation_layer("PReLU"))),
    "Flatten": Generator(lambda rank: rank >= 2, _fixed(_flatten)),
    "Reshape": Generator(lambda rank: rank >= 2, _fixed(_reshape)),
    "RepeatVector": Generator(lambda rank: rank == 1, _fixed(_repeat_vector)),
    "LSTM": Generator(lambda rank: rank == 2, lambda last: rnn("LSTM", last)),
    "GRU": Generator(lambda rank: rank == 2, lambda last: rnn("GRU", last)),
    "SimpleRNN": Generator(lambda rank: rank == 2, lambda last: rnn("SimpleRNN", last)),
    "Conv1D": Generator(_spatial(1), _fixed(conv("Conv1D", 1))),
    "Conv2D": Generator(_spatial(2), _fixed(conv("Conv2D", 2))),
    "Conv3D": Generator(_spatial(3), _fixed(conv("Conv3D", 3))),
    "MaxPooling1D": Generator(_spatial(1), _fixed(pooling("MaxPooling1D", 1))),
    "MaxPooling2D": Generator(_spatial(2), _fixed(pooling("MaxPooling2D", 2))),
    "MaxPooling3D": Generator(_spatial(3), _fixed(pooling("MaxPooling3D", 3))),
    "AveragePooling1D": Generator(_spatial(1), _fixed(pooling("AveragePooling1D", 1))),
    "AveragePooling2D": Generator(_spatial(2), _fixed(pooling("AveragePooling2D", 2))),
    "AveragePooling3D": Generator(_spatial(3), _fixed(pooling("AveragePooling3D", 3))),
    "GlobalAveragePooling1D": Generator(
        _spatial(1), _fixed(global_pooling("GlobalAveragePooling1D"))
    ),
    "GlobalAveragePooling2D": Generator(
        _spatial(2), _fixed(global_pooling("GlobalAveragePooling2D"))
    ),
    "GlobalAveragePooling3D": Generator(
        _spatial(3), _fixed(global_pooling("GlobalAveragePooling3D"))
    ),
    "GlobalMaxPooling1D": Generator(_spatial(1), _fixed(global_pooling("GlobalMaxPooling1D"))),
    "GlobalMaxPooling2D": Generator(_spatial(2), _fixed(global_pooling("GlobalMaxPooling2D"))),
    "GlobalMaxPooling3D": Generator(_spatial(3), _fixed(global_pooling("GlobalMaxPooling3D"))),
    "UpSampling1D": Generator(_spatial(1), _fixed(upsampling("UpSampling1D", 1))),
    "UpSampling2D": Generator(_spatial(2), _fixed(upsampling("UpSampling2D", 2))),
    "UpSampling3D": Generator(_spatial(3), _fixed(upsampling("UpSampling3D", 3))),
    "SpatialDropout1D": Generator(_spatial(1), _fixed(spatial_dropout("SpatialDropout1D", 1))),
    "SpatialDropout2D": Generator(_spatial(2), _fixed(spatial_dropout("SpatialDropout2D", 2))),
    "SpatialDropout3D": Generator(_spatial(3), _fixed(spatial_dropout("SpatialDropout3D", 3))),
    "Conv1DTranspose": Generator(_spatial(1), _fixed(conv("Conv1DTranspose", 1, transpose=True))),
    "Conv2DTranspose": Generator(_spatial(2), _fixed(conv("Conv2DTranspose", 2, transpose=True))),
    "Conv3DTranspose": Generator(_spatial(3), _fixed(conv("Conv3DTranspose", 3, transpose=True))),
    "ZeroPadding1D": Generator(_spatial(1), _fixed(margins("ZeroPadding1D", 1))),
    "ZeroPadding2D": Generator(_spatial(2), _fixed(margins("ZeroPadding2D", 2))),
    "ZeroPadding3D": Generator(_spatial(3), _fixed(margins("ZeroPadding3D", 3))),
    "Cropping1D": Generator(_spatial(1), _fixed(margins("Cropping1D", 1))),
    "Cropping2D": Generator(_spatial(2), _fixed(margins("Cropping2D", 2))),
    "Cropping3D": Generator(_spatial(3), _fixed(margins("Cropping3D", 3))),
    "DepthwiseConv1D": Generator(_spatial(1), _fixed(depthwise("DepthwiseConv1D", 1))),
    "DepthwiseConv2D": Generator(_spatial(2), _fixed(depthwise("DepthwiseConv2D", 2))),
    "SeparableConv1D": Generator(
        _spatial(1), _fixed(depthwise("SeparableConv1D", 1, separable=True))
    ),
    "SeparableConv2D": Generator(
        _spatial(2), _fixed(depthwise("SeparableConv2D", 2, separable=True))
    ),
    "ConvLSTM1D": Generator(_sequence_of(1), _CONV_LSTMS[1]),
    "ConvLSTM2D": Generator(_sequence_of(2), _CONV_LSTMS[2]),
    "ConvLSTM3D": Generator(_sequence_of(3), _CONV_LSTMS[3]),
    "Bidirectional": Generator(lambda rank: 2 <= rank <= 5, _bidirectional),
    "TimeDistributed": Generator(lambda rank: rank >= 3, _fixed(_time_distributed)),
    "Sequential": Generator(_any_rank, _fixed(_nested_sequential)),
}


RECURRENT_TYPES = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Bidirectional", *RNN_TYPES)


@st.composite
def valid_requests(
    draw: Any,
    supported: Collection[str] = tuple(LAYER_SPECS),
    max_layers: int = 4,
    first: str | None = None,
) -> dict[str, Any]:
    """A stack of 1..max_layers layers whose types are all in `supported`.

    Starts from a ConvLSTM-shaped input (time, *spatial, C) most of the time, since that is
    what the product is for; spatial sizes start at 4..12 so a few valid 3×3 windows fit.
    `first` forces the type of the first layer (and an input rank it takes).
    """
    data_format = draw(st.sampled_from(["channels_last", "channels_last", "channels_first"]))
    recurrent = draw(st.integers(1, 3))
    if first is None:
        rank = draw(st.sampled_from([recurrent + 2] * 4 + [1, 2, 3, 4]))
    else:
        ranks = [r for r in range(1, MAX_INPUT_RANK + 1) if first in dict(makers_for(r, True))]
        rank = draw(st.sampled_from(ranks))
    side = st.integers(4, 12 if rank <= 4 else 6)
    dims: list[int | None] = [draw(side) for _ in range(rank)]
    if rank >= 2 and draw(st.integers(0, 5)) == 0:
        dims[0] = None  # unknown number of time steps, as in keras.Input((None, ...))

    layers: list[Layer] = []
    count = draw(st.integers(1, max_layers))
    for position in range(count):
        last = position == count - 1
        choices = [(t, m) for t, m in makers_for(rank, last) if t in supported]
        if position == 0 and first is not None:
            choices = [(t, m) for t, m in choices if t == first]
        else:
            choices = _activation_layers_as_one(choices)
        recurrent_choices = [(t, m) for t, m in choices if t in RECURRENT_TYPES]
        # The product is about ConvLSTM stacks: start with a recurrent layer 3 times in 4 when
        # one fits, then 1 in 3 so the other families get their share.
        if recurrent_choices and draw(st.integers(0, 3 if position == 0 else 2)) >= (
            1 if position == 0 else 2
        ):
            choices = recurrent_choices
        if not choices:
            break
        _, maker = draw(st.sampled_from(choices))
        layer, rank = maker(draw, rank, data_format)
        if _types(layer) - set(supported):
            break
        layers.append(layer)
    if not layers:
        layers.append(_CONV_LSTMS[recurrent](False)(draw, recurrent + 2, data_format)[0])
        dims = [draw(side) for _ in range(recurrent + 2)]
    if draw(st.integers(0, 9)) == 0:
        layers[0]["name"] = "first"
    return {"input_shape": dims, "layers": layers}


def _types(layer: Layer) -> set[str]:
    found = {layer["type"]}
    for nested in ("layer", "backward_layer"):
        if isinstance(layer.get(nested), dict):
            found |= _types(layer[nested])
    for inner in layer.get("layers") or ():  # a nested Sequential
        found |= _types(inner)
    return found


def _first(request: dict[str, Any]) -> Layer:
    return request["layers"][0]


def _breakers(request: dict[str, Any]) -> list[Callable[[Any], dict[str, Any]]]:
    """Ways to break `request`, each returning a new request (the original is not touched)."""
    import copy

    def edited(edit: Callable[[dict[str, Any], Any], None]) -> Callable[[Any], dict[str, Any]]:
        def apply(draw: Any) -> dict[str, Any]:
            broken = copy.deepcopy(request)
            edit(broken, draw)
            return broken

        return apply

    def huge_window(r: dict[str, Any], draw: Any) -> None:
        layer = _innermost(_first(r))
        for key in ("kernel_size", "pool_size"):
            if key in layer or layer["type"].startswith(("Conv", "AveragePooling")):
                layer[key] = 40
                layer["padding"] = "valid"

    def strides_with_dilation(r: dict[str, Any], draw: Any) -> None:
        layer = _innermost(_first(r))
        layer["strides"], layer["dilation_rate"] = 2, 2

    def unknown_size(r: dict[str, Any], draw: Any) -> None:
        r["input_shape"][draw(st.integers(0, len(r["input_shape"]) - 1))] = None

    def wrong_rank(r: dict[str, Any], draw: Any) -> None:
        if len(r["input_shape"]) > 1 and draw(st.booleans()):
            r["input_shape"].pop()
        else:
            r["input_shape"].append(3)

    def wrong_length_sizes(r: dict[str, Any], draw: Any) -> None:
        layer = _innermost(_first(r))
        for key in ("kernel_size", "pool_size", "strides", "size"):
            if key in layer:
                layer[key] = [2] * 5
                return
        layer["kernel_size"] = [1] * 5

    def several_outputs_inside(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(
            0, {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 1, "return_state": True}
        )
        r["input_shape"] = [3, 5, 5, 2]

    def duplicate_name(r: dict[str, Any], draw: Any) -> None:
        r["layers"].append({"type": "Dropout", "rate": 0.1})
        r["layers"][0]["name"] = "dropout" if draw(st.booleans()) else "dup"
        r["layers"][-1]["name"] = "dup" if r["layers"][0]["name"] == "dup" else None
        if r["layers"][-1]["name"] is None:
            del r["layers"][-1]["name"]

    def bad_groups(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(
            0,
            {
                "type": "Conv2D",
                "filters": draw(st.integers(1, 6)),
                "kernel_size": 1,
                "groups": draw(st.integers(2, 4)),
            },
        )
        r["input_shape"] = [5, 5, draw(st.integers(1, 6))]

    def bad_output_padding(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(
            0,
            {
                "type": "Conv2DTranspose",
                "filters": 2,
                "kernel_size": 3,
                "strides": draw(st.integers(1, 2)),
                "output_padding": draw(st.integers(1, 3)),
            },
        )
        r["input_shape"] = [5, 5, 2]

    def bidirectional_non_recurrent(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": "Bidirectional", "layer": {"type": "Dense", "units": 2}})

    def time_distributed_flat(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2}})
        r["input_shape"] = [4]

    def bad_axis(r: dict[str, Any], draw: Any) -> None:
        kind = draw(st.sampled_from(["BatchNormalization", "LayerNormalization"]))
        r["layers"].insert(0, {"type": kind, "axis": len(r["input_shape"]) + 1})

    def crop_everything(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(
            0,
            {
                "type": "Cropping2D",
                "cropping": [[draw(st.integers(2, 5)), 3], draw(st.integers(0, 3))],
            },
        )
        r["input_shape"] = [5, 6, 2]

    def bad_group_count(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": "GroupNormalization", "groups": draw(st.integers(2, 8))})
        r["input_shape"] = [5, draw(st.integers(1, 7))]

    def bad_reshape(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": "Reshape", "target_shape": [7, 11, 13]})

    def stateful_rnn(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(
            0,
            {
                "type": draw(st.sampled_from(RNN_TYPES)),
                "units": 2,
                "stateful": True,
                "return_sequences": True,
            },
        )
        r["input_shape"] = [4, 3]

    def rnn_without_a_time_axis(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": draw(st.sampled_from(RNN_TYPES)), "units": 2})
        r["input_shape"] = [draw(st.integers(2, 6))]

    def not_a_permutation(r: dict[str, Any], draw: Any) -> None:
        dims = list(range(1, len(r["input_shape"]) + 1))
        dims[draw(st.integers(0, len(dims) - 1))] = draw(st.sampled_from([0, len(dims) + 1]))
        r["layers"].insert(0, {"type": "Permute", "dims": dims})

    def repeat_a_sequence(r: dict[str, Any], draw: Any) -> None:
        r["layers"].insert(0, {"type": "RepeatVector", "n": 2})
        if len(r["input_shape"]) == 1:
            r["input_shape"].append(3)

    def prelu_outside_the_sample(r: dict[str, Any], draw: Any) -> None:
        rank = len(r["input_shape"])
        r["layers"].insert(
            0, {"type": "PReLU", "shared_axes": draw(st.sampled_from([rank + 1, -rank]))}
        )

    return [
        edited(f)
        for f in (
            huge_window,
            strides_with_dilation,
            unknown_size,
            wrong_rank,
            wrong_length_sizes,
            several_outputs_inside,
            duplicate_name,
            bad_groups,
            bad_output_padding,
            bidirectional_non_recurrent,
            time_distributed_flat,
            bad_axis,
            bad_reshape,
            crop_everything,
            bad_group_count,
            stateful_rnn,
            rnn_without_a_time_axis,
            not_a_permutation,
            repeat_a_sequence,
            prelu_outside_the_sample,
        )
    ]


def _innermost(layer: Layer) -> Layer:
    while isinstance(layer.get("layer"), dict):
        layer = layer["layer"]
    return layer


@st.composite
def invalid_requests(draw: Any, supported: Collection[str] = tuple(LAYER_SPECS)) -> dict:
    """A valid stack broken in one way; only breakages using `supported` types are drawn."""
    request = draw(valid_requests(supported))
    breakers = _breakers(request)
    for _ in range(5):
        broken = draw(st.sampled_from(breakers))(draw)
        if not {t for layer in broken["layers"] for t in _types(layer)} - set(supported):
            return broken
    return broken

"""ConvLSTM1D/2D/3D (Shi et al. 2015, as built by `keras.layers.ConvLSTM{1,2,3}D`).

Per time step t, with X_t of C channels and H_{t−1}, C_{t−1} of F channels:

    i = σ(W_xi ∗ X_t + W_hi ∗ H_{t−1} + b_i)
    f = σ(W_xf ∗ X_t + W_hf ∗ H_{t−1} + b_f)
    c̃ = tanh(W_xc ∗ X_t + W_hc ∗ H_{t−1} + b_c)
    o = σ(W_xo ∗ X_t + W_ho ∗ H_{t−1} + b_o)
    C_t = f ⊙ C_{t−1} + i ⊙ c̃          H_t = o ⊙ tanh(C_t)

Keras stores the four gates side by side (order i, f, c, o): `kernel` is k + (C, 4F),
`recurrent_kernel` is k + (F, 4F) and `bias` is (4F,). The input convolution uses the layer's
strides, padding and dilation; the recurrent one runs at stride 1 with 'same' padding on the
output grid, so it sees F channels, never C. Parameters: 4 × (K·C·F + K·F·F + F), K = ∏k.

The `pytorch` and `peephole` conventions (`app/core/conventions.py`) change the weights, the
gates and the arithmetic; `keras` is what Keras builds and the only one Keras can check.

Costs per time step (one sample; P = cells of the output grid, P_in of the input grid):
    MACs = P·4F·K·C + P·4F·K·F (input and recurrent convolution, the latter also at t = 0)
    element-wise = 4PF bias adds (8PF for pytorch) + 4PF gate sums + 5PF activations
                   (σ i, σ f, tanh c̃, σ o, tanh C_t) + 3PF cell update + PF output
                   (+ 6PF for peephole: three Hadamard products and their adds)
    saved for BPTT = C·P_in (X_t) + 7PF (H_{t−1}, C_{t−1}, i, f, c̃, o, tanh C_t)
"""

from __future__ import annotations

from functools import cache, partial

from app.core.conventions import Convention, current_convention
from app.core.costs import CostContext, CostFacts, counts, elements
from app.core.errors import SpecError
from app.core.formula import dot
from app.core.records import Deferred, GateRecord, LayerRecord, Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import (
    check_strides_vs_dilation,
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    prod,
    show,
)
from app.schema import ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec, ConvLSTMSpec

GATES = ("input", "forget", "cell", "output")
_AXES = {1: "steps", 2: "rows, cols", 3: "conv_dim1, conv_dim2, conv_dim3"}


def layout(spec: ConvLSTMSpec) -> str:
    """`(batch, time, rows, cols, channels)` for ConvLSTM2D, channels last."""
    if spec.channels_first:
        return f"(batch, time, channels, {_AXES[spec.rank]})"
    return f"(batch, time, {_AXES[spec.rank]}, channels)"


def state_shape(spec: ConvLSTMSpec, input_shape: Shape) -> tuple[Shape, int]:
    """(shape of H_t and C_t with batch axis, input channels C), validating the input."""
    if len(input_shape) != spec.rank + 3:  # the layout text only when it is needed
        expect_ndim(input_shape, spec.rank + 3, spec.type, layout(spec))
    if spec.stateful and input_shape[0] is None:
        raise SpecError(
            ("stateful",),
            "stateful=true needs a fixed batch size, which keras.Input(shape=...) does not give "
            "(Keras refuses it); set stateful to false: it changes neither parameters nor shapes",
        )
    if input_shape[1] == 0:
        raise SpecError(("input",), f"{spec.type} needs at least one time step")
    channels_first = spec.channels_first
    spatial = input_shape[3:] if channels_first else input_shape[2:-1]
    if None in spatial:
        # Keras builds the initial state from the spatial sizes (ConvLSTMCell.build refuses).
        raise SpecError(
            ("input",),
            f"{spec.type} needs known spatial sizes (only the time axis may be None); "
            f"received {show(input_shape)}",
        )
    c = known_channels(input_shape[2] if channels_first else input_shape[-1], spec.type,
                       input_shape)
    check_strides_vs_dilation(spec.strides, spec.dilation_rate)
    out = conv_output_spatial(
        spatial, spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
    )
    return join_channels(input_shape[0], out, spec.filters, channels_first), c


PEEPHOLE_GATES = ("input", "forget", "output")


def _linear(activation: object) -> bool:
    return activation in (None, "linear")


def gates(
    spec: ConvLSTMSpec, channels: int, convention: Convention = "keras", cells: int = 0
) -> tuple[GateRecord, ...]:
    """Each gate owns K·C·F input-kernel, K·F·F recurrent-kernel and F bias weights.

    pytorch: 2F bias (b_ih + b_hh); peephole: + P·F Hadamard weights on i, f and o.
    """
    k, f = prod(spec.kernel_size), spec.filters
    bias = (2 * f if convention == "pytorch" else f) if spec.use_bias else 0
    input_kernel, recurrent_kernel = k * channels * f, k * f * f
    shared = input_kernel + recurrent_kernel + bias
    peephole = cells * f if convention == "peephole" else 0
    with_peephole = shared + peephole
    return (
        GateRecord(gate="input", input_kernel=input_kernel, recurrent_kernel=recurrent_kernel,
                   bias=bias, peephole=peephole, total=with_peephole),
        GateRecord(gate="forget", input_kernel=input_kernel, recurrent_kernel=recurrent_kernel,
                   bias=bias, peephole=peephole, total=with_peephole),
        GateRecord(gate="cell", input_kernel=input_kernel, recurrent_kernel=recurrent_kernel,
                   bias=bias, total=shared),
        GateRecord(gate="output", input_kernel=input_kernel, recurrent_kernel=recurrent_kernel,
                   bias=bias, peephole=peephole, total=with_peephole),
    )


def formula(spec: ConvLSTMSpec, channels: int, convention: Convention, cell: Shape) -> str:
    """`4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760` (Keras's blog-post arithmetic)."""
    k, f = spec.kernel_size, spec.filters
    taps = dot(k)
    terms = f"{taps}·{channels}·{f} + {taps}·{f}·{f}"
    bias = 0
    if spec.use_bias:
        bias = 2 * f if convention == "pytorch" else f
        terms += f" + {f} + {f}" if convention == "pytorch" else f" + {f}"
    shared = prod(k) * (channels + f) * f + bias  # what every gate has, peepholes aside
    text = f"4 × ({terms}) = 4 × {shared:,}"
    if convention == "peephole":
        peephole = 3 * prod(cell)  # type: ignore[arg-type]
        return (
            f"{text} + 3 × {dot(cell)} (peepholes) = {4 * shared:,} + {peephole:,}"
            f" = {4 * shared + peephole:,}"
        )
    return f"{text} = {4 * shared:,}"


@analyses(ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec)
def conv_lstm(spec: ConvLSTMSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    state, c = state_shape(spec, input_shape)
    convention = current_convention()
    f, k = spec.filters, spec.kernel_size
    cell = state[1:]  # the cell state's shape: output grid and F channels
    taps = prod(k)
    weights = [
        WeightRecord(name="kernel", shape=(*k, c, 4 * f), count=taps * c * 4 * f, trainable=True),
        WeightRecord(name="recurrent_kernel", shape=(*k, f, 4 * f), count=taps * f * 4 * f,
                     trainable=True),
    ]
    if spec.use_bias:
        weights.append(WeightRecord(name="bias", shape=(4 * f,), count=4 * f, trainable=True))
        if convention == "pytorch":
            weights.append(
                WeightRecord(name="recurrent_bias", shape=(4 * f,), count=4 * f, trainable=True)
            )
    if convention == "peephole":
        weights += [weight(f"{g}_peephole", cell) for g in PEEPHOLE_GATES]  # type: ignore[arg-type]
    output = (state[0], input_shape[1], *cell) if spec.return_sequences else state
    return LayerFacts(
        output_shape=[output, state, state] if spec.return_state else output,
        weights=tuple(weights),
        gates=Deferred(gates, spec, c, convention, prod(cell) // f),  # type: ignore[arg-type]
        formula=Deferred(formula, spec, c, convention, cell),
    )


@cache
def elementwise_per_cell(
    convention: Convention, use_bias: bool, recurrent_activation: object, activation: object
) -> tuple[int, int, str]:
    """(element-wise FLOPs per output element (one cell, one filter) and step, of which bias
    adds, and the sum by kind: `4 bias adds + 4 gate sums + ...`). A table over a handful of
    flags, hence cached."""
    per_cell = {
        "bias adds": (8 if convention == "pytorch" else 4) if use_bias else 0,
        "gate sums": 4,
        "activations": (0 if _linear(recurrent_activation) else 3)
        + (0 if _linear(activation) else 2),
        "cell update": 3,  # f ⊙ C_{t−1}, i ⊙ c̃ and their sum
        "output": 1,  # o ⊙ tanh(C_t)
        "peepholes": 6 if convention == "peephole" else 0,
    }
    by_kind = " + ".join(f"{n} {kind}" for kind, n in per_cell.items() if n)
    return sum(per_cell.values()), per_cell["bias adds"], by_kind


def _state_of(spec: ConvLSTMSpec, output_shape: Shape | list[Shape]) -> Shape:
    """H_t's shape (batch axis first) from the analysed output: `[output, H, C]`, the sequence
    of H_t, or H_t itself."""
    if isinstance(output_shape, list):
        return output_shape[1]
    if spec.return_sequences:
        return (output_shape[0], *output_shape[2:])
    return output_shape


@counts(ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec)
def conv_lstm_costs(spec: ConvLSTMSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """MACs, element-wise FLOPs and saved elements of one time step (see the module docstring)."""
    # The record's shapes were checked by `state_shape` in the analyser: read H_t's shape and C
    # back from them instead of validating them again.
    f, k = spec.filters, prod(spec.kernel_size)
    # One sample's H_t holds P·F elements; one step of the input P_in·C.
    p = prod(_state_of(spec, record.output_shape)[1:]) // f  # type: ignore[arg-type]
    step = record.input_shape[2:]
    c = step[0] if spec.channels_first else step[-1]
    p_in = prod(step) // c  # type: ignore[arg-type,operator]
    per_element, bias_per_cell, by_kind = elementwise_per_cell(
        context.convention, spec.use_bias, spec.recurrent_activation, spec.activation
    )
    peephole = context.convention == "peephole"
    return CostFacts(
        steps=record.input_shape[1],  # type: ignore[arg-type]
        recurrent=True,
        macs=p * 4 * f * k * (c + f),  # input and recurrent convolutions
        bias_adds=bias_per_cell * p * f,
        elementwise=per_element * p * f,
        saved=c * p_in + 7 * p * f,
        saved_once=p * f if peephole else 0,
        moved=c * p_in + 4 * p * f,  # read X_t, H_{t−1}, C_{t−1}; write H_t, C_t
        # Inference working set: input and output sequences, H and C, four gate maps.
        working=elements(record.input_shape) + elements(record.output_shape) + 6 * p * f,
        texts=partial(cost_texts, p, f, k, c, p_in, per_element, by_kind, peephole),
    )


def cost_texts(
    p: int, f: int, k: int, c: int, p_in: int, per_element: int, by_kind: str, peephole: bool
) -> tuple[str, str, str]:
    """The MAC, FLOP and saved-element derivations of one step, with this layer's numbers.

    A function of the counts rather than a closure: a closure would keep a dozen cell objects
    per layer alive for the collector to scan."""
    macs_in, macs_rec = p * 4 * f * k * c, p * 4 * f * k * f
    macs = macs_in + macs_rec
    return (
        f"per step P·4F·K·C + P·4F·K·F = {p}·{4 * f}·{k}·{c} + {p}·{4 * f}·{k}·{f}"
        f" = {macs_in:,} + {macs_rec:,} = {macs:,}",
        f"per step 2 × {macs:,} MACs + {per_element}·P·F element-wise ({by_kind}) = "
        f"{2 * macs:,} + {per_element}·{p}·{f} = {2 * macs + per_element * p * f:,}",
        f"per step C·P_in + 7·P·F (X_t; H_{{t−1}}, {'C_t' if peephole else 'C_{t−1}'}, "
        f"i, f, c̃, o, tanh C_t) = {c}·{p_in} + 7·{p}·{f} = {c * p_in + 7 * p * f:,}"
        + (f"; once: C_0 = {p * f:,}" if peephole else ""),
    )

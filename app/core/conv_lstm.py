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
"""

from __future__ import annotations

from app.core.errors import SpecError
from app.core.formula import dot, num, plus
from app.core.records import GateRecord, Shape
from app.core.registry import LayerFacts, Namer, analyses, weight
from app.core.shapes import (
    check_strides_vs_dilation,
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known_channels,
    prod,
    show,
    split_channels,
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
    expect_ndim(input_shape, spec.rank + 3, spec.type, layout(spec))
    if input_shape[1] == 0:
        raise SpecError(("input",), f"{spec.type} needs at least one time step")
    step = (input_shape[0], *input_shape[2:])
    spatial, channels = split_channels(step, spec.channels_first)
    if None in spatial:
        # Keras builds the initial state from the spatial sizes (ConvLSTMCell.build refuses).
        raise SpecError(
            ("input",),
            f"{spec.type} needs known spatial sizes (only the time axis may be None); "
            f"received {show(input_shape)}",
        )
    c = known_channels(channels, spec.type, input_shape)
    check_strides_vs_dilation(spec.strides, spec.dilation_rate)
    out = conv_output_spatial(
        spatial, spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
    )
    return join_channels(input_shape[0], out, spec.filters, spec.channels_first), c


def gates(spec: ConvLSTMSpec, channels: int) -> tuple[GateRecord, ...]:
    """Each gate owns K·C·F input-kernel, K·F·F recurrent-kernel and F bias weights."""
    k, f = prod(spec.kernel_size), spec.filters
    bias = f if spec.use_bias else 0
    return tuple(
        GateRecord(
            gate=g,
            input_kernel=k * channels * f,
            recurrent_kernel=k * f * f,
            bias=bias,
            total=k * channels * f + k * f * f + bias,
        )
        for g in GATES
    )


def formula(spec: ConvLSTMSpec, channels: int, per_gate: int) -> str:
    k, f = spec.kernel_size, spec.filters
    terms = plus([dot([*k, channels, f]), dot([*k, f, f]), str(f) if spec.use_bias else ""])
    return f"4 × ({terms}) = 4 × {num(per_gate)} = {num(4 * per_gate)}"


@analyses(ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec)
def conv_lstm(spec: ConvLSTMSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    state, c = state_shape(spec, input_shape)
    f, k = spec.filters, spec.kernel_size
    weights = [weight("kernel", (*k, c, 4 * f)), weight("recurrent_kernel", (*k, f, 4 * f))]
    if spec.use_bias:
        weights.append(weight("bias", (4 * f,)))
    per_gate = gates(spec, c)
    output = (state[0], input_shape[1], *state[1:]) if spec.return_sequences else state
    return LayerFacts(
        output_shape=[output, state, state] if spec.return_state else output,
        weights=tuple(weights),
        gates=per_gate,
        formula=formula(spec, c, per_gate[0].total),
        owns_weights=False,
    )

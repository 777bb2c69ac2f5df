"""The helpers that exported PyTorch code (`app/interop/pytorch_code.py`) copies into its file.

This module is never imported by the app (torch is not an app dependency): `pytorch_code` reads
its text and copies each top-level definition an export uses, so the written file stands alone.
It is real Python, so ruff checks it and the tests run it. Everything is channels first, as
torch's own layers are: a Keras (batch, time, rows, cols, channels) sequence is
(batch, time, channels, rows, cols) here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def same_pad(x, kernel_size, stride, dilation, value=0.0):
    """Pads the axes after (batch, channels) as Keras's (TensorFlow's) 'same': out = ⌈n / s⌉,
    total pad = (out − 1)·s + d·(k − 1) + 1 − n, the odd one after. torch's `padding="same"`
    does this only at stride 1."""
    pads = []
    for size, k, s, d in reversed(
        list(zip(x.shape[2:], kernel_size, stride, dilation, strict=True))
    ):
        out = -(-size // s)
        total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)


def linear(x):
    """Keras's `linear` activation (`None`): the identity."""
    return x


class ConvLSTM(nn.Module):
    """A ConvLSTM layer (Shi et al. 2015 without peepholes), gates in Keras's order i, f, c̃, o:

        z = W_x ∗ X_t + b_ih + W_h ∗ H_{t−1} + b_hh        (4F channels: i, f, c̃, o)
        C_t = σ(f) ⊙ C_{t−1} + σ(i) ⊙ tanh(c̃)       H_t = σ(o) ⊙ tanh(C_t)

    Two convolutions, as `torch.nn.LSTM` has `weight_ih`/`weight_hh`, each with its bias: the
    input one with the layer's strides, padding and dilation, the recurrent one at stride 1,
    'same'. (One convolution over concat([X_t, H_{t−1}]) cannot do a strided or 'valid' input
    convolution, and has one bias: Keras's count, not this one's.)
    Input (batch, time, channels, *spatial); H_t and C_t are (batch, filters, *grid).

    The papers' options: `recurrent_kernel_size` (Shi et al.'s state-to-state kernel),
    `input_to_state=False` (Shi's forecaster: no W_x, X only sets the number of steps; b_ih
    stays), `gate_norm` (OpenSTL: LayerNorm([4F, *grid]) after each convolution) and
    `unused_convs` (OpenSTL's conv_o and conv_last: built, never called). `grid` is the state's
    spatial size, needed by the last three.
    """

    def __init__(
        self,
        rank,
        in_channels,
        filters,
        kernel_size,
        stride=1,
        padding="valid",
        dilation=1,
        bias=True,
        activation=torch.tanh,
        recurrent_activation=torch.sigmoid,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        recurrent_kernel_size=None,
        input_to_state=True,
        gate_norm=False,
        unused_convs=False,
        grid=None,
    ):
        super().__init__()
        conv = (nn.Conv1d, nn.Conv2d, nn.Conv3d)[rank - 1]
        gates = 4 * filters
        self.input_conv = self.input_bias = self.input_norm = self.recurrent_norm = None
        if input_to_state:
            self.input_conv = conv(
                in_channels, gates, kernel_size, stride=stride, dilation=dilation, bias=bias
            )
        elif bias:
            self.input_bias = nn.Parameter(torch.zeros(gates, *[1] * rank))
        self.recurrent_conv = conv(
            filters, gates, recurrent_kernel_size or kernel_size, padding="same", bias=bias
        )
        if gate_norm:
            self.input_norm = nn.LayerNorm((gates, *grid)) if input_to_state else None
            self.recurrent_norm = nn.LayerNorm((gates, *grid))
        if unused_convs:
            conv_o = conv(2 * filters, filters, kernel_size, padding="same", bias=False)
            self.conv_o = (
                nn.Sequential(conv_o, nn.LayerNorm((filters, *grid))) if gate_norm else conv_o
            )
            self.conv_last = conv(2 * filters, filters, 1, bias=False)
        self.filters, self.padding, self.grid = filters, padding, grid
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards

    def forward(self, x, state=None):
        steps = range(x.shape[1])
        outputs = []
        for t in reversed(steps) if self.go_backwards else steps:
            z = None
            if self.input_conv is not None:
                x_t = x[:, t]
                if self.padding == "same":
                    conv = self.input_conv  # its sizes as tuples, one per axis
                    x_t = same_pad(x_t, conv.kernel_size, conv.stride, conv.dilation)
                z = self.input_conv(x_t)
                if self.input_norm is not None:
                    z = self.input_norm(z)
            if state is None:
                grid = z.shape[2:] if z is not None else self.grid
                h = x.new_zeros(x.shape[0], self.filters, *grid)
                state = (h, torch.zeros_like(h))
            h, c = state
            recurrent = self.recurrent_conv(h)
            if self.recurrent_norm is not None:
                recurrent = self.recurrent_norm(recurrent)
            z = recurrent if z is None else z + recurrent
            if self.input_bias is not None:
                z = z + self.input_bias
            i, f, g, o = z.chunk(4, dim=1)
            gate = self.recurrent_activation
            c = gate(f) * c + gate(i) * self.activation(g)
            h = gate(o) * self.activation(c)
            state = (h, c)
            outputs.append(h)
        output = torch.stack(outputs, dim=1) if self.return_sequences else state[0]
        return (output, *state) if self.return_state else output


class Recurrent(nn.Module):
    """Keras's LSTM (gates i, f, c̃, o), GRU (z, r, h̃) or SimpleRNN, one step at a time.

    `input` holds Keras's `kernel` and `bias`, `recurrent` its `recurrent_kernel`: Keras's LSTM
    and SimpleRNN have ONE bias (torch.nn.LSTM/RNN have two), its GRU with `reset_after` two
    (as torch.nn.GRU), without it one. Input (batch, time, features), batch first.
    """

    GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}  # noqa: RUF012 (read only)

    def __init__(
        self,
        cell,
        in_features,
        units,
        bias=True,
        activation=torch.tanh,
        recurrent_activation=torch.sigmoid,
        reset_after=True,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
    ):
        super().__init__()
        gates = self.GATES[cell]
        self.input = nn.Linear(in_features, gates * units, bias=bias)
        recurrent_bias = bias and cell == "GRU" and reset_after
        self.recurrent = nn.Linear(units, gates * units, bias=recurrent_bias)
        self.cell, self.units, self.reset_after = cell, units, reset_after
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards

    def step(self, x_t, state):
        act, gate, u = self.activation, self.recurrent_activation, self.units
        z = self.input(x_t)
        if self.cell == "LSTM":
            h, c = state
            i, f, g, o = (z + self.recurrent(h)).chunk(4, dim=-1)
            c = gate(f) * c + gate(i) * act(g)
            return gate(o) * act(c), c
        (h,) = state
        if self.cell == "SimpleRNN":
            return (act(z + self.recurrent(h)),)
        x_z, x_r, x_h = z.chunk(3, dim=-1)
        if self.reset_after:  # torch.nn.GRU's rule: r multiplies W_hh·h + b_hh
            h_z, h_r, h_h = self.recurrent(h).chunk(3, dim=-1)
            r = gate(x_r + h_r)
            candidate = act(x_h + r * h_h)
        else:  # r multiplies h before its product with the candidate's recurrent weights
            weight = self.recurrent.weight
            h_z, h_r = F.linear(h, weight[: 2 * u]).chunk(2, dim=-1)
            r = gate(x_r + h_r)
            candidate = act(x_h + F.linear(r * h, weight[2 * u :]))
        z = gate(x_z + h_z)
        return (z * h + (1 - z) * candidate,)

    def forward(self, x, state=None):
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.units)
            state = (zeros, zeros) if self.cell == "LSTM" else (zeros,)
        steps = range(x.shape[1])
        outputs = []
        for t in reversed(steps) if self.go_backwards else steps:
            state = self.step(x[:, t], state)
            outputs.append(state[0])
        output = torch.stack(outputs, dim=1) if self.return_sequences else state[0]
        return (output, *state) if self.return_state else output


class Affine(nn.Module):
    """Keras's `scale` (γ) and `center` (β) of a normalisation, when only one of them is on
    (torch's `affine` switches both). `shape` broadcasts against the input."""

    def __init__(self, shape, scale, center):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(shape)) if scale else None
        self.beta = nn.Parameter(torch.zeros(shape)) if center else None

    def forward(self, x):
        if self.gamma is not None:
            x = x * self.gamma
        return x + self.beta if self.beta is not None else x


class PReLU(nn.Module):
    """Keras's PReLU: one slope per input element, shared along `shared_axes` (size 1 there);
    torch.nn.PReLU has one per channel at most."""

    def __init__(self, shape):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(shape))

    def forward(self, x):
        return torch.where(x >= 0, x, self.alpha * x)


class LoRA(nn.Module):
    """Keras's `lora_rank`: the kernel frozen, kernel + A·B used at every call (A: kernel's shape
    but the last axis, by r; B: r by the last axis). Wraps a Linear or a Conv."""

    def __init__(self, layer, rank):
        super().__init__()
        self.layer = layer
        layer.weight.requires_grad_(False)
        out = layer.weight.shape[0]
        self.a = nn.Parameter(torch.zeros(layer.weight[0].numel(), rank))
        self.b = nn.Parameter(torch.zeros(rank, out))

    def forward(self, x):
        delta = (self.a @ self.b).t().reshape(self.layer.weight.shape)
        weight = self.layer.weight + delta
        if isinstance(self.layer, nn.Linear):
            return F.linear(x, weight, self.layer.bias)
        return self.layer._conv_forward(x, weight, self.layer.bias)

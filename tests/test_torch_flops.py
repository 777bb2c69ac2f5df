"""Our ConvLSTM counts against PyTorch's own counters on an equivalent PyTorch cell.

- FLOPs: `torch.utils.flop_counter.FlopCounterMode` counts 2 FLOPs per multiply-accumulate of
  convolutions only, so its total must equal 2 × our MACs over the whole sequence.
- Memory: the tensors autograd saves for backward (`torch.autograd.graph.saved_tensors_hooks`),
  parameters excluded and each tensor once, must be our saved elements per sample.

The cell mirrors `keras.src.layers.rnn.conv_lstm.ConvLSTMCell.call`: the input convolution with
the layer's strides, dilation and Keras's padding (TF 'same': the extra pad goes after), the
recurrent one at stride 1, 'same', without bias. torch is not an app dependency: `.ci/run`
installs `torch==2.13.0`; without it this module is skipped, visibly.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.model import summarize
from app.schema import SummaryRequest

torch = pytest.importorskip(
    "torch", reason="torch not installed: `.venv/bin/pip install torch==2.13.0` (as .ci/run does)"
)
functional = torch.nn.functional
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

CONV = {1: functional.conv1d, 2: functional.conv2d, 3: functional.conv3d}


def same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TF/Keras 'same' padding of one axis: (before, after), the odd one after."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def padded(x, spatial, kernel, stride, dilation, padding):
    """x padded as Keras pads it; torch saves this padded copy for backward."""
    if padding == "valid":
        return x
    pads: list[int] = []
    for n, k, s, d in reversed(list(zip(spatial, kernel, stride, dilation, strict=True))):
        pads += same_pads(n, k, s, d)
    return functional.pad(x, pads)


class TorchConvLSTM:
    """A channels-first PyTorch ConvLSTM cell run over a sequence, one sample."""

    def __init__(self, layer: dict, channels: int, convention: str, cell_shape=None):
        rank = len(layer["kernel_size"])
        f, k = layer["filters"], tuple(layer["kernel_size"])
        self.layer, self.rank, self.convention = layer, rank, convention
        self.kernel = torch.randn(4 * f, channels, *k, requires_grad=True)
        self.recurrent = torch.randn(4 * f, f, *k, requires_grad=True)
        self.params = [self.kernel, self.recurrent]
        self.bias = self.recurrent_bias = None
        if layer["use_bias"]:
            self.bias = torch.randn(4 * f, requires_grad=True)
            self.params.append(self.bias)
            if convention == "pytorch":
                self.recurrent_bias = torch.randn(4 * f, requires_grad=True)
                self.params.append(self.recurrent_bias)
        self.peepholes = None
        if convention == "peephole":
            # One weight per channel, broadcast over the grid (Shi et al. 2015's counts).
            ones = (1,) * len(cell_shape)
            self.peepholes = [torch.randn(1, f, *ones, requires_grad=True) for _ in "ifo"]
            self.params += self.peepholes

    def run(self, x, symmetric: bool = False):
        """x: (1, T, C, *spatial); returns the last H.

        `symmetric`: let the convolution pad (odd kernels at stride 1 only), so autograd saves
        the unpadded tensors, as a framework with padding inside its kernels does.
        """
        layer, rank = self.layer, self.rank
        k, d = layer["kernel_size"], layer["dilation_rate"]
        conv = CONV[rank]
        pad_in, pad_rec = [0] * rank, [0] * rank
        if symmetric:
            pad_rec = [(n - 1) // 2 for n in k]
            if layer["padding"] == "same":
                pad_in = [di * (n - 1) // 2 for n, di in zip(k, d, strict=True)]

        def pad(tensor, stride, dilation, padding):
            if symmetric:
                return tensor
            return padded(tensor, tensor.shape[2:], k, stride, dilation, padding)

        h = c = None
        for t in range(x.shape[1]):
            x_t = x[:, t]
            xs = conv(
                pad(x_t, layer["strides"], d, layer["padding"]),
                self.kernel,
                self.bias,
                stride=layer["strides"],
                dilation=d,
                padding=pad_in,
            )
            if h is None:
                h = torch.zeros(1, layer["filters"], *xs.shape[2:])
                c = torch.zeros_like(h)
            hs = conv(
                pad(h, [1] * rank, [1] * rank, "same"),
                self.recurrent,
                self.recurrent_bias,
                padding=pad_rec,
            )
            z_i, z_f, z_c, z_o = (xs + hs).chunk(4, dim=1)
            if self.peepholes is not None:
                z_i = z_i + self.peepholes[0] * c
                z_f = z_f + self.peepholes[1] * c
            i, f, g = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_c)
            c = f * c + i * g
            if self.peepholes is not None:
                z_o = z_o + self.peepholes[2] * c
            h = torch.sigmoid(z_o) * torch.tanh(c)
        return h


@st.composite
def conv_lstm_cases(draw, odd_kernels_stride_one: bool = False):
    """(request, layer spec, convention): small ConvLSTM1D/2D/3D layers that Keras accepts."""
    rank = draw(st.integers(1, 3))
    if odd_kernels_stride_one:
        kernel = draw(st.lists(st.sampled_from([1, 3]), min_size=rank, max_size=rank))
        strides, dilation = [1] * rank, [1] * rank
    else:
        kernel = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
        strides = draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank))
        dilation = [1] * rank
        if max(strides) == 1:
            dilation = draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank))
    padding = draw(st.sampled_from(["valid", "same"]))
    spatial = [
        draw(st.integers(d * (k - 1) + 1, d * (k - 1) + 1 + (6 if rank < 3 else 2)))
        for k, d in zip(kernel, dilation, strict=True)
    ]
    layer = {
        "type": f"ConvLSTM{rank}D",
        "filters": draw(st.integers(1, 4)),
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": padding,
        "use_bias": draw(st.booleans()),
    }
    request = {
        "input_shape": [draw(st.integers(1, 3)), *spatial, draw(st.integers(1, 3))],
        "layers": [layer],
        "convention": draw(st.sampled_from(["keras", "pytorch", "peephole"])),
    }
    return request


SEED_LAYER = {
    "input_shape": [15, 40, 40, 3],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "filters": 30,
            "kernel_size": [3, 3],
            "strides": [1, 1],
            "dilation_rate": [1, 1],
            "padding": "same",
            "use_bias": True,
        }
    ],
    "convention": "keras",
}


def ours(request: dict):
    summary = summarize(SummaryRequest.model_validate(request))
    return summary.layers[0]


def sequence(request: dict):
    steps, *spatial, channels = request["input_shape"]
    return torch.randn(1, steps, channels, *spatial)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_lstm_cases())
@example(SEED_LAYER)
def test_flop_counter_total_is_twice_our_macs(request):
    record = ours(request)
    cell = TorchConvLSTM(
        request["layers"][0],
        request["input_shape"][-1],
        request["convention"],
        record.output_shape[1:-1],
    )
    with FlopCounterMode(display=False) as counter:
        h = cell.run(sequence(request))
    assert tuple(h.shape[2:]) == tuple(record.output_shape[1:-1])
    assert counter.get_total_flops() == 2 * record.costs.macs


@settings(max_examples=40, deadline=None)
@given(conv_lstm_cases(odd_kernels_stride_one=True))
@example(SEED_LAYER)
def test_autograd_saves_what_our_memory_model_says(request):
    record = ours(request)
    cell = TorchConvLSTM(
        request["layers"][0],
        request["input_shape"][-1],
        request["convention"],
        record.output_shape[1:-1],
    )
    params = {p.data_ptr() for p in cell.params}
    saved: dict[tuple, int] = {}

    def pack(tensor):
        if tensor.data_ptr() not in params:
            key = (tensor.data_ptr(), tuple(tensor.shape), tensor.stride())
            saved[key] = tensor.numel()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        cell.run(sequence(request), symmetric=True)
    assert sum(saved.values()) == record.costs.saved_elements


def test_parameter_count_of_the_torch_cell_matches_each_convention():
    for convention in ("keras", "pytorch", "peephole"):
        request = {**SEED_LAYER, "convention": convention}
        record = ours(request)
        cell = TorchConvLSTM(request["layers"][0], 3, convention, record.output_shape[1:-1])
        assert sum(p.numel() for p in cell.params) == record.params


# --- Depthwise, separable and transposed convolutions, GroupNormalization ---------------------
# PyTorch has no depthwise or separable module: a depthwise convolution is `nn.Conv` with
# groups = C and C·M output channels, a separable one that followed by a 1×1 convolution.


@st.composite
def depthwise_cases(draw, separable: bool):
    """Small Depthwise/SeparableConv1D/2D layers Keras accepts (strides with dilation too)."""
    rank = draw(st.integers(1, 2))
    kernel = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    strides = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    dilation = draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank))
    spatial = [
        draw(st.integers(d * (k - 1) + 1, d * (k - 1) + 7))
        for k, d in zip(kernel, dilation, strict=True)
    ]
    layer = {
        "type": f"{'Separable' if separable else 'Depthwise'}Conv{rank}D",
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": draw(st.sampled_from(["valid", "same"])),
        "depth_multiplier": draw(st.integers(1, 3)),
        "use_bias": draw(st.booleans()),
    }
    if separable:
        layer["filters"] = draw(st.integers(1, 4))
    return {"input_shape": [*spatial, draw(st.integers(1, 3))], "layers": [layer]}


def run_depthwise(request: dict, requires_grad: bool = False):
    """The layer in PyTorch, channels first; returns its output."""
    layer = request["layers"][0]
    *spatial, c = request["input_shape"]
    rank, m = len(spatial), layer["depth_multiplier"]
    k, s, d = layer["kernel_size"], layer["strides"], layer["dilation_rate"]
    x = padded(torch.randn(1, c, *spatial), spatial, k, s, d, layer["padding"])

    def param(*shape):
        return torch.randn(*shape, requires_grad=requires_grad)

    bias = layer["use_bias"] and "filters" not in layer
    y = CONV[rank](
        x, param(c * m, 1, *k), param(c * m) if bias else None, stride=s, dilation=d, groups=c
    )
    if "filters" in layer:
        f = layer["filters"]
        y = CONV[rank](y, param(f, c * m, *[1] * rank), param(f) if layer["use_bias"] else None)
    return y


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans().flatmap(lambda separable: depthwise_cases(separable)))
def test_depthwise_and_separable_flop_counter_total_is_twice_our_macs(request):
    record = ours(request)
    with FlopCounterMode(display=False) as counter:
        y = run_depthwise(request)
    assert tuple(y.shape[1:]) == (record.output_shape[-1], *record.output_shape[1:-1])
    assert counter.get_total_flops() == 2 * record.costs.macs


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 9),
    c=st.integers(1, 4),
    f=st.integers(1, 4),
    k=st.integers(1, 4),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
)
def test_conv1d_transpose_flop_counter_total_is_twice_our_macs(n, c, f, k, stride, dilation):
    if stride > 1:
        dilation = 1  # Keras refuses strides > 1 with dilation > 1 for transposed convolutions
    request = {
        "input_shape": [n, c],
        "layers": [
            {
                "type": "Conv1DTranspose",
                "filters": f,
                "kernel_size": k,
                "strides": stride,
                "dilation_rate": dilation,
            }
        ],
    }
    record = ours(request)
    # Keras's 'valid' length (n − 1)·s + K + max(K, s) − K is torch's with that output_padding.
    effective = dilation * (k - 1) + 1
    extra = max(effective, stride) - effective
    with FlopCounterMode(display=False) as counter:
        y = functional.conv_transpose1d(
            torch.randn(1, c, n),
            torch.randn(c, f, k),
            torch.randn(f),
            stride=stride,
            dilation=dilation,
            output_padding=extra,
        )
    assert (y.shape[2], y.shape[1]) == record.output_shape[1:]
    assert counter.get_total_flops() == 2 * record.costs.macs


class Counted(float):
    """A number that counts the additions, subtractions, multiplications and divisions done
    with it (the elementwise FLOPs of a formula written out in plain Python)."""

    ops = 0

    def _count(self, value):
        Counted.ops += 1
        return Counted(value)

    def __add__(self, other):
        return self._count(float(self) + float(other))

    def __radd__(self, other):
        return self._count(float(other) + float(self))

    def __sub__(self, other):
        return self._count(float(self) - float(other))

    def __mul__(self, other):
        return self._count(float(self) * float(other))

    def __truediv__(self, other):
        return self._count(float(self) / float(other))

    def __rsub__(self, other):
        return self._count(float(other) - float(self))

    def __rmul__(self, other):
        return self._count(float(other) * float(self))


@pytest.mark.parametrize(
    ("groups", "center", "scale"), [(3, True, True), (-1, False, True), (1, False, False)]
)
def test_group_normalization_counts_follow_the_textbook_derivation(groups, center, scale):
    """Torch's counter sees no convolution or matrix product in `nn.GroupNorm`: 0 FLOPs, which
    is 2 × our 0 MACs. The element-wise FLOPs are derived by hand, counted on the textbook
    formula y = (x − μ_g) ÷ σ_g × γ_c + β_c written out for a 4×5×6 input (N = 120):
    μ_g = Σx ÷ n: one add per element; σ²_g = Σx² ÷ n − μ_g²: one multiply and one add per
    element (mean and variance: 3); then x − μ, ÷ σ (2), × γ (scale) and + β (center).
    Per-group work (÷ n, μ², √) is done on plain floats: it is not per element and, as for
    LayerNormalization, not counted."""
    shape, channels = (4, 5, 6), 6
    request = {
        "input_shape": list(shape),
        "layers": [
            {"type": "GroupNormalization", "groups": groups, "center": center, "scale": scale}
        ],
    }
    record = ours(request)
    g = channels if groups == -1 else groups
    with FlopCounterMode(display=False) as counter:
        torch.nn.GroupNorm(g, channels, affine=center)(torch.randn(1, channels, 4, 5))
    assert counter.get_total_flops() == 2 * record.costs.macs == 0

    values = [[Counted(1.0 + i + 0.1 * c) for c in range(channels)] for i in range(20)]
    Counted.ops = 0
    size = channels // g
    for group in range(g):
        members = [row[c] for row in values for c in range(group * size, (group + 1) * size)]
        n = len(members)
        mean = float(sum(members)) / n
        variance = float(sum(x * x for x in members)) / n - mean * mean
        sigma = math.sqrt(variance + 1e-3)
        for x in members:
            y = (x - mean) / sigma
            y = y * 1.5 if scale else y
            y = y + 0.5 if center else y
    assert Counted.ops == record.costs.elementwise_flops


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depthwise_cases(separable=True))
def test_autograd_saves_what_our_memory_model_says_for_a_separable_convolution(request):
    """'valid' padding, so torch saves the input itself (not a padded copy) and the depthwise
    result, which the pointwise convolution needs for its weight gradient."""
    request["layers"][0]["padding"] = "valid"
    record = ours(request)
    saved: dict[tuple, int] = {}

    def pack(tensor):
        if not tensor.requires_grad or tensor.grad_fn is not None:  # weights are leaves
            saved[(tensor.data_ptr(), tuple(tensor.shape), tensor.stride())] = tensor.numel()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run_depthwise(request, requires_grad=True)
    assert sum(saved.values()) == record.costs.saved_elements


# --- LSTM, GRU and SimpleRNN against torch.nn.LSTM / GRU / RNN ----------------------------------

TORCH_RNN = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN}


@st.composite
def rnn_cases(draw):
    """(request, torch module): one small recurrent layer, alone or in Bidirectional."""
    layer_type = draw(st.sampled_from(sorted(TORCH_RNN)))
    units, features = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    use_bias = draw(st.booleans())
    layer = {
        "type": layer_type,
        "units": units,
        "use_bias": use_bias,
        "return_sequences": draw(st.booleans()),
    }
    bidirectional = draw(st.booleans())
    request = {
        "input_shape": [draw(st.integers(1, 5)), features],
        "layers": [{"type": "Bidirectional", "layer": layer} if bidirectional else layer],
    }
    module = TORCH_RNN[layer_type](
        features, units, batch_first=True, bias=use_bias, bidirectional=bidirectional
    )
    return request, module


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnn_cases())
def test_flop_counter_total_of_torch_rnns_is_twice_our_macs(case):
    """torch counts the input and recurrent matrix products of every step (the recurrent one at
    t = 0 too), as we do; its two biases are adds it does not count."""
    request, module = case
    record = ours(request)
    steps, features = request["input_shape"]
    # oneDNN's fused CPU LSTM kernel hides its products from the counter; the reference
    # implementation runs them as matrix products it sees.
    with torch.backends.mkldnn.flags(enabled=False), FlopCounterMode(display=False) as counter:
        module(torch.randn(1, steps, features))
    assert counter.get_total_flops() == 2 * record.costs.macs


@pytest.mark.parametrize("layer_type", sorted(TORCH_RNN))
def test_torch_rnn_matrices_hold_as_many_weights_as_keras_kernels(layer_type):
    record = ours({"input_shape": [5, 6], "layers": [{"type": layer_type, "units": 4}]})
    module = TORCH_RNN[layer_type](6, 4)
    weights = {w.name: w.count for w in record.weights}
    assert weights["kernel"] == module.weight_ih_l0.numel()
    assert weights["recurrent_kernel"] == module.weight_hh_l0.numel()
    torch_biases = module.bias_ih_l0.numel() + module.bias_hh_l0.numel()
    # torch keeps two biases; so does Keras's GRU with reset_after (its default), not the others.
    assert weights["bias"] == (torch_biases if layer_type == "GRU" else torch_biases // 2)

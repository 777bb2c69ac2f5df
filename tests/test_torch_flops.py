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
            self.peepholes = [torch.randn(1, f, *cell_shape, requires_grad=True) for _ in "ifo"]
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
            xs = conv(pad(x_t, layer["strides"], d, layer["padding"]), self.kernel, self.bias,
                      stride=layer["strides"], dilation=d, padding=pad_in)
            if h is None:
                h = torch.zeros(1, layer["filters"], *xs.shape[2:])
                c = torch.zeros_like(h)
            hs = conv(pad(h, [1] * rank, [1] * rank, "same"), self.recurrent,
                      self.recurrent_bias, padding=pad_rec)
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
    "layers": [{"type": "ConvLSTM2D", "filters": 30, "kernel_size": [3, 3], "strides": [1, 1],
                "dilation_rate": [1, 1], "padding": "same", "use_bias": True}],
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
    cell = TorchConvLSTM(request["layers"][0], request["input_shape"][-1], request["convention"],
                         record.output_shape[1:-1])
    with FlopCounterMode(display=False) as counter:
        h = cell.run(sequence(request))
    assert tuple(h.shape[2:]) == tuple(record.output_shape[1:-1])
    assert counter.get_total_flops() == 2 * record.costs.macs


@settings(max_examples=40, deadline=None)
@given(conv_lstm_cases(odd_kernels_stride_one=True))
@example(SEED_LAYER)
def test_autograd_saves_what_our_memory_model_says(request):
    record = ours(request)
    cell = TorchConvLSTM(request["layers"][0], request["input_shape"][-1], request["convention"],
                         record.output_shape[1:-1])
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


# --- LSTM, GRU and SimpleRNN against torch.nn.LSTM / GRU / RNN ----------------------------------

TORCH_RNN = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN}


@st.composite
def rnn_cases(draw):
    """(request, torch module): one small recurrent layer, alone or in Bidirectional."""
    layer_type = draw(st.sampled_from(sorted(TORCH_RNN)))
    units, features = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    use_bias = draw(st.booleans())
    layer = {"type": layer_type, "units": units, "use_bias": use_bias,
             "return_sequences": draw(st.booleans())}
    bidirectional = draw(st.booleans())
    request = {
        "input_shape": [draw(st.integers(1, 5)), features],
        "layers": [{"type": "Bidirectional", "layer": layer} if bidirectional else layer],
    }
    module = TORCH_RNN[layer_type](features, units, batch_first=True, bias=use_bias,
                                   bidirectional=bidirectional)
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

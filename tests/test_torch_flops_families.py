"""Every layer family with compute, counted independently of our rules.

`test_torch_flops.py` checks the ConvLSTM cell, depthwise/separable convolutions,
Conv1DTranspose, GroupNormalization and the matrix products of LSTM/GRU/SimpleRNN; this module
covers the rest (convolutions of every rank with groups and dilation, transposed convolutions,
Dense with LoRA, normalisation, pooling, upsampling, dropout, activation layers, merges,
TimeDistributed, Bidirectional, nested Sequential, and the recurrent cells' element-wise work
and saved tensors), with the same two oracles:

- `torch.utils.flop_counter.FlopCounterMode` on the equivalent PyTorch module counts 2 FLOPs
  per multiply-accumulate of convolutions and matrix products, and nothing else: its total must
  be 2 × our MACs.
- `torch.autograd.graph.saved_tensors_hooks` sees every tensor autograd keeps for backward:
  without the parameters, it must be our saved elements where torch keeps the same tensors.

torch counts no element-wise work (bias adds, activations, pooling, normalisation, merges):
there it reports 0 = 2 × our 0 MACs, and each test then counts the operations of the layer's
formula written out in plain Python on a small case, checking the written-out formula against
torch's result so that what is counted is what the layer computes.
"""

from __future__ import annotations

import functools
import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.model import summarize
from app.schema import SummaryRequest

torch = pytest.importorskip(
    "torch", reason="torch not installed: `.venv/bin/pip install torch==2.13.0` (as .ci/run does)"
)
functional = torch.nn.functional
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from tests.test_torch_flops import CONV, Counted, TorchConvLSTM, padded  # noqa: E402

TRANSPOSED = {
    1: functional.conv_transpose1d,
    2: functional.conv_transpose2d,
    3: functional.conv_transpose3d,
}
# Disabling oneDNN (so that the counter sees the products of torch's reference kernels) warns.
pytestmark = pytest.mark.filterwarnings("ignore:TF32 acceleration:UserWarning")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def summary(request: dict):
    return summarize(SummaryRequest.model_validate(request))


def ours(request: dict):
    return summary(request).layers[0]


def torch_flops(run) -> int:
    """FLOPs the counter sees while `run()` runs."""
    with torch.backends.mkldnn.flags(enabled=False), FlopCounterMode(display=False) as counter:
        run()
    return counter.get_total_flops()


def saved_by_autograd(run, params=()) -> list:
    """The tensors autograd keeps while `run()` runs, each once, without `params` (and views
    of them: a weight's transpose shares its storage)."""
    saved: dict[tuple, object] = {}

    def pack(tensor):
        saved[(tensor.data_ptr(), tuple(tensor.shape), tensor.stride())] = tensor
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run()
    kept = {p.untyped_storage().data_ptr() for p in params}
    return [t for t in saved.values() if t.untyped_storage().data_ptr() not in kept]


def channels_first(x, rank: int):
    """A channels-last (1, *spatial, C) tensor as torch's (1, C, *spatial)."""
    return x.permute(0, rank + 1, *range(1, rank + 1))


# --- Conv1D/2D/3D: groups, strides, dilation, padding, data_format -----------------------------


@st.composite
def conv_cases(draw):
    """Small Conv1D/2D/3D layers Keras accepts, with groups, dilation and every padding."""
    rank = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    kernel = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    strides = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    dilation = [1] * rank
    if max(strides) == 1:
        dilation = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    spatial = [
        draw(st.integers(d * (k - 1) + 1, d * (k - 1) + (6 if rank < 3 else 3)))
        for k, d in zip(kernel, dilation, strict=True)
    ]
    first = draw(st.booleans())  # the layout changes which axis holds the channels
    channels = groups * draw(st.integers(1, 2))
    layer = {
        "type": f"Conv{rank}D",
        "filters": groups * draw(st.integers(1, 3)),
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": draw(st.sampled_from(paddings)),
        "groups": groups,
        "use_bias": draw(st.booleans()),
        "data_format": "channels_first" if first else "channels_last",
    }
    shape = [channels, *spatial] if first else [*spatial, channels]
    return {"input_shape": shape, "layers": [layer]}


def run_conv(request: dict, requires_grad: bool = False):
    """(output channels first, parameters) of the request's Conv layer in PyTorch."""
    layer = request["layers"][0]
    first = layer["data_format"] == "channels_first"
    shape = request["input_shape"]
    spatial, c = (shape[1:], shape[0]) if first else (shape[:-1], shape[-1])
    rank, g, f = len(spatial), layer["groups"], layer["filters"]
    k, s, d = layer["kernel_size"], layer["strides"], layer["dilation_rate"]
    x = torch.randn(1, c, *spatial)
    if layer["padding"] == "causal":  # Keras pads d·(k − 1) before the sequence
        x = functional.pad(x, [d[0] * (k[0] - 1), 0])
    else:
        x = padded(x, spatial, k, s, d, layer["padding"])
    kernel = torch.randn(f, c // g, *k, requires_grad=requires_grad)
    bias = torch.randn(f, requires_grad=requires_grad) if layer["use_bias"] else None
    y = CONV[rank](x, kernel, bias, stride=s, dilation=d, groups=g)
    if layer.get("activation") == "relu":
        y = torch.relu(y)
    return y, [kernel] + ([bias] if bias is not None else [])


@SETTINGS
@given(conv_cases())
def test_conv_flop_counter_total_is_twice_our_macs(request):
    """N_out·(C/groups)·K MACs, as torch's `conv_flop_count` (out · C_in/g · K per filter)."""
    record = ours(request)
    outputs = []
    flops = torch_flops(lambda: outputs.append(run_conv(request)[0]))
    first = request["layers"][0]["data_format"] == "channels_first"
    shape = record.output_shape[1:]
    assert tuple(outputs[0].shape[1:]) == (tuple(shape) if first else (shape[-1], *shape[:-1]))
    assert flops == 2 * record.costs.macs


def test_conv_groups_divide_the_macs():
    """One hand-checked case: Conv2D 3×3, 8 → 8 channels on 10×10, 'same': N_out = 10·10·8.
    groups=1: each output sums 8·9 products (57,600 MACs); groups=4: 2·9 (14,400)."""
    request = {
        "input_shape": [10, 10, 8],
        "layers": [{"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same"}],
    }
    assert ours(request).costs.macs == 800 * 8 * 9 == 57_600
    request["layers"][0]["groups"] = 4
    assert ours(request).costs.macs == 800 * 2 * 9 == 14_400


@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_autograd_saves_a_convolutions_input_and_its_activations_output(rank, activation):
    """'valid' padding (torch saves a padded copy otherwise): the input, and ReLU's output."""
    request = {
        "input_shape": [*[5] * rank, 4],
        "layers": [
            {
                "type": f"Conv{rank}D",
                "filters": 6,
                "kernel_size": [3] * rank,
                "strides": [1] * rank,
                "dilation_rate": [1] * rank,
                "padding": "valid",
                "groups": 2,
                "use_bias": True,
                "data_format": "channels_last",
                "activation": activation,
            }
        ],
    }
    record = ours(request)
    params: list = []
    saved = saved_by_autograd(
        lambda: params.extend(run_conv(request, requires_grad=True)[1]), params
    )  # filled by the run, read after it
    assert sum(t.numel() for t in saved) == record.costs.saved_elements


def test_conv_elementwise_flops_are_one_bias_add_and_one_activation_per_output():
    """torch counts neither. By hand: Conv1D, 5 steps of 2 channels, kernel 3, 4 filters,
    'valid' → 3 steps × 4 filters = 12 outputs: 12 bias adds + 12 ReLUs = 24 element-wise
    FLOPs; FLOPs = 2 · (12 outputs · 2 channels · 3 taps = 72 MACs) + 24 = 168."""
    request = {
        "input_shape": [5, 2],
        "layers": [{"type": "Conv1D", "filters": 4, "kernel_size": 3, "activation": "relu"}],
    }
    costs = ours(request).costs
    assert (costs.macs, costs.elementwise_flops, costs.flops) == (72, 24, 168)
    request["layers"][0].update(use_bias=False, activation="linear")
    assert ours(request).costs.elementwise_flops == 0


# --- Conv1D/2D/3DTranspose ---------------------------------------------------------------------


@st.composite
def conv_transpose_cases(draw):
    rank = draw(st.integers(1, 3))
    kernel = draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    strides = draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    dilation = [1] * rank
    if max(strides) == 1:  # Keras refuses strides > 1 with dilation > 1 here
        dilation = draw(st.lists(st.integers(1, 2), min_size=rank, max_size=rank))
    spatial = draw(st.lists(st.integers(1, 5 if rank < 3 else 3), min_size=rank, max_size=rank))
    layer = {
        "type": f"Conv{rank}DTranspose",
        "filters": draw(st.integers(1, 4)),
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": draw(st.sampled_from(["valid", "same"])),
        "use_bias": draw(st.booleans()),
    }
    return {"input_shape": [*spatial, draw(st.integers(1, 4))], "layers": [layer]}


@SETTINGS
@given(conv_transpose_cases())
def test_conv_transpose_flop_counter_total_is_twice_our_macs(request):
    """Every input element meets every tap of every filter: N_in·K·F MACs, whatever the output
    size (torch's `conv_flop_count(transposed=True)` reads the input's size, not the output's).
    torch's full ('valid', no crop) output is at least Keras's: 'same' crops it."""
    record = ours(request)
    layer = request["layers"][0]
    *spatial, c = request["input_shape"]
    rank = len(spatial)
    k, s, d = layer["kernel_size"], layer["strides"], layer["dilation_rate"]
    extra = [
        max(di * (ki - 1) + 1, si) - (di * (ki - 1) + 1) for ki, si, di in zip(k, s, d, strict=True)
    ]
    outputs = []

    def run():
        x = torch.randn(1, c, *spatial)
        outputs.append(
            TRANSPOSED[rank](
                x,
                torch.randn(c, layer["filters"], *k),
                None,
                stride=s,
                dilation=d,
                output_padding=extra,
            )
        )

    flops = torch_flops(run)
    full = tuple(outputs[0].shape[2:])
    if layer["padding"] == "valid":
        assert full == tuple(record.output_shape[1:-1])
    else:
        assert all(a >= b for a, b in zip(full, record.output_shape[1:-1], strict=True))
    assert flops == 2 * record.costs.macs


def test_conv_transpose_macs_grow_with_the_input_not_the_output():
    """Conv2DTranspose 3×3, stride 2, 'same', 4 → 5 channels on 6×6: output 12×12.
    MACs = N_in·K·F = (6·6·4)·9·5 = 6,480; from the output size it would be 12·12·4·9·5."""
    request = {
        "input_shape": [6, 6, 4],
        "layers": [
            {
                "type": "Conv2DTranspose",
                "filters": 5,
                "kernel_size": 3,
                "strides": 2,
                "padding": "same",
            }
        ],
    }
    record = ours(request)
    assert record.output_shape == (None, 12, 12, 5)
    assert record.costs.macs == 6 * 6 * 4 * 9 * 5 == 6_480


def test_autograd_saves_a_transposed_convolutions_input():
    """Conv2DTranspose 3×3, stride 2, 'valid', 3 → 4 channels on 4×5, with ReLU: torch keeps
    the input (4·5·3 = 60) for the kernel's gradient and ReLU's output (9·11·4 = 396)."""
    record = ours(
        {
            "input_shape": [4, 5, 3],
            "layers": [
                {
                    "type": "Conv2DTranspose",
                    "filters": 4,
                    "kernel_size": 3,
                    "strides": 2,
                    "activation": "relu",
                }
            ],
        }
    )
    kernel = torch.randn(3, 4, 3, 3, requires_grad=True)
    bias = torch.randn(4, requires_grad=True)
    saved = saved_by_autograd(
        lambda: torch.relu(
            functional.conv_transpose2d(torch.randn(1, 3, 4, 5), kernel, bias, stride=2)
        ),
        [kernel, bias],
    )
    assert record.output_shape == (None, 9, 11, 4)
    assert sum(t.numel() for t in saved) == record.costs.saved_elements == 60 + 396


# --- Dense (with LoRA) -------------------------------------------------------------------------


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    units=st.integers(1, 6),
    use_bias=st.booleans(),
    lora=st.sampled_from([None, 1, 2]),
)
def test_dense_flop_counter_total_is_twice_our_macs(shape, units, use_bias, lora):
    """N_in·units MACs over every leading axis; with LoRA, Keras's merge `kernel + a @ b` at
    every call adds the a @ b product (D·r·units), which torch counts as a matrix product."""
    layer = {"type": "Dense", "units": units, "use_bias": use_bias}
    if lora:
        layer["lora_rank"] = lora
    record = ours({"input_shape": shape, "layers": [layer]})
    d = shape[-1]

    def run():
        kernel = torch.randn(d, units)
        if lora:
            kernel = kernel + torch.randn(d, lora) @ torch.randn(lora, units)
        y = torch.randn(1, *shape) @ kernel
        return y + torch.randn(units) if use_bias else y

    assert torch_flops(run) == 2 * record.costs.macs


@pytest.mark.parametrize("shape", [[7], [3, 7], [2, 3, 7]])
def test_autograd_saves_a_dense_layers_input_and_its_activations_output(shape):
    record = ours(
        {"input_shape": shape, "layers": [{"type": "Dense", "units": 5, "activation": "sigmoid"}]}
    )
    kernel = torch.randn(5, 7, requires_grad=True)
    bias = torch.randn(5, requires_grad=True)
    saved = saved_by_autograd(
        lambda: torch.sigmoid(functional.linear(torch.randn(1, *shape), kernel, bias)),
        [kernel, bias],
    )
    assert sum(t.numel() for t in saved) == record.costs.saved_elements


# --- BatchNormalization and LayerNormalization (inference) -------------------------------------


@pytest.mark.parametrize(
    ("center", "scale"), [(True, True), (False, True), (True, False), (False, False)]
)
def test_batch_normalization_at_inference_counts_follow_the_written_out_formula(center, scale):
    """torch's counter sees no matrix product in `batch_norm`: 0 = 2 × our 0 MACs.
    Inference uses the moving statistics: y = (x − μ_c) ÷ σ_c × γ_c + β_c with
    σ_c = √(moving variance + ε) computed once per channel (not per element, not counted).
    Per element: x − μ, ÷ σ, then × γ (scale) and + β (center): 2 + scale + center FLOPs.
    Written out below for a 3×4 input with 4 channels (12 elements) and compared with torch."""
    request = {
        "input_shape": [3, 4],
        "layers": [{"type": "BatchNormalization", "center": center, "scale": scale}],
    }
    record = ours(request)
    x = torch.randn(1, 3, 4)
    mean, var = torch.randn(4), torch.rand(4) + 0.5
    gamma, beta = torch.randn(4), torch.randn(4)
    results = []
    flops = torch_flops(
        lambda: results.append(
            functional.batch_norm(
                x.transpose(1, 2),
                mean,
                var,
                gamma if scale else None,
                beta if center else None,
                training=False,
                eps=1e-3,
            ).transpose(1, 2)
        )
    )
    assert flops == 2 * record.costs.macs == 0
    expected = results[0]

    Counted.ops = 0
    sigma = [math.sqrt(float(v) + 1e-3) for v in var]
    for i in range(3):
        for c in range(4):
            y = (Counted(float(x[0, i, c])) - float(mean[c])) / sigma[c]
            y = y * float(gamma[c]) if scale else y
            y = y + float(beta[c]) if center else y
            assert float(y) == pytest.approx(float(expected[0, i, c]), rel=1e-4, abs=1e-5)
    assert Counted.ops == record.costs.elementwise_flops == (2 + scale + center) * 12


@pytest.mark.parametrize(("center", "scale"), [(True, True), (False, False)])
def test_layer_normalization_counts_follow_the_written_out_formula(center, scale):
    """torch's counter sees no matrix product in `layer_norm`: 0 = 2 × our 0 MACs.
    Each position's statistics over its 5 features: μ = Σx ÷ n (one add per element),
    σ² = Σx² ÷ n − μ² (one multiply and one add per element): 3 per element; then x − μ, ÷ σ
    (2), × γ (scale) and + β (center). Per-position work (÷ n, μ², √) is not per element and
    not counted. Written out below for a 4×5 input and compared with torch."""
    request = {
        "input_shape": [4, 5],
        "layers": [{"type": "LayerNormalization", "center": center, "scale": scale}],
    }
    record = ours(request)
    x = torch.randn(1, 4, 5)
    gamma, beta = torch.randn(5), torch.randn(5)
    results = []
    flops = torch_flops(
        lambda: results.append(
            functional.layer_norm(
                x, (5,), gamma if scale else None, beta if center else None, eps=1e-3
            )
        )
    )
    assert flops == 2 * record.costs.macs == 0
    expected = results[0]

    Counted.ops = 0
    for i in range(4):
        row = [Counted(float(v)) for v in x[0, i]]
        mean = float(sum(row)) / 5
        variance = float(sum(v * v for v in row)) / 5 - mean * mean
        sigma = math.sqrt(variance + 1e-3)
        for j, v in enumerate(row):
            y = (v - mean) / sigma
            y = y * float(gamma[j]) if scale else y
            y = y + float(beta[j]) if center else y
            assert float(y) == pytest.approx(float(expected[0, i, j]), rel=1e-3, abs=1e-4)
    assert Counted.ops == record.costs.elementwise_flops == (5 + scale + center) * 20


def test_autograd_saves_a_normalizations_input_plus_its_statistics():
    """Training mode: torch keeps the input (ours) and also the batch's mean and 1/σ per
    channel (BatchNormalization, 2·C) or per position (LayerNormalization, 2 per row); our rule
    counts the input only, since the statistics are a fraction of it."""
    for layer, statistics in (("BatchNormalization", 2 * 4), ("LayerNormalization", 2 * 3)):
        record = ours({"input_shape": [3, 4], "layers": [{"type": layer}]})
        gamma = torch.randn(4, requires_grad=True)
        beta = torch.randn(4, requires_grad=True)
        x = torch.randn(1, 3, 4)
        if layer == "BatchNormalization":

            def run(x=x, gamma=gamma, beta=beta):
                functional.batch_norm(x.transpose(1, 2), None, None, gamma, beta, training=True)
        else:

            def run(x=x, gamma=gamma, beta=beta):
                functional.layer_norm(x, (4,), gamma, beta)

        saved = saved_by_autograd(run, [gamma, beta])
        assert sum(t.numel() for t in saved) == record.costs.saved_elements + statistics


# --- Pooling -----------------------------------------------------------------------------------


class Compared(Counted):
    """A Counted number that also counts comparisons (`max` compares n − 1 times)."""

    def __gt__(self, other):
        Counted.ops += 1
        return float(self) > float(other)

    def __lt__(self, other):
        Counted.ops += 1
        return float(self) < float(other)


def windows(x, pool: list[int]):
    """Non-overlapping 'valid' windows of a channels-last (1, *spatial, C) tensor: yields
    (output index, channel, the window's values as Compared numbers)."""
    *spatial, channels = x.shape[1:]
    outputs = [n // k for n, k in zip(spatial, pool, strict=True)]
    for index in itertools.product(*map(range, outputs)):
        for c in range(channels):
            ranges = [range(i * k, (i + 1) * k) for i, k in zip(index, pool, strict=True)]
            cells = itertools.product(*ranges)
            yield index, c, [Compared(float(x[(0, *cell, c)])) for cell in cells]


POOL = {
    1: (functional.max_pool1d, functional.avg_pool1d),
    2: (functional.max_pool2d, functional.avg_pool2d),
    3: (functional.max_pool3d, functional.avg_pool3d),
}


@pytest.mark.parametrize("kind", ["Max", "Average"])
@pytest.mark.parametrize(
    ("shape", "pool"),
    [([7, 3], [2]), ([6, 4, 2], [2, 2]), ([6, 6, 3], [3, 2]), ([4, 3, 5, 2], [2, 3, 2])],
)
def test_pooling_counts_follow_the_written_out_window(kind, shape, pool):
    """torch's counter counts pooling as 0 FLOPs = 2 × our 0 MACs. By hand, per output element:
    max = the window's maximum, window − 1 comparisons; average = window − 1 adds and one
    division, window FLOPs. Written out below ('valid', stride = pool) and checked against
    torch's pooling of the same values."""
    rank = len(pool)
    record = ours(
        {"input_shape": shape, "layers": [{"type": f"{kind}Pooling{rank}D", "pool_size": pool}]}
    )
    x = torch.randn(1, *shape)
    results = []
    pooled = POOL[rank][kind == "Average"]
    flops = torch_flops(lambda: results.append(pooled(channels_first(x, rank), pool)))
    assert flops == 2 * record.costs.macs == 0

    Counted.ops = 0
    for index, c, window in windows(x, pool):
        if kind == "Max":
            y = max(window)
        else:
            y = functools.reduce(lambda a, b: a + b, window) / len(window)
        assert float(y) == pytest.approx(float(results[0][(0, c, *index)]), rel=1e-5, abs=1e-6)
    assert Counted.ops == record.costs.elementwise_flops


@pytest.mark.parametrize("kind", ["Max", "Average"])
def test_global_pooling_counts_every_cell_of_a_channel(kind):
    """Global pooling of a 4×5×3 input: one window of 20 cells per channel, so max = 19
    comparisons and average = 19 adds + 1 division per channel: 57 and 60 FLOPs."""
    record = ours({"input_shape": [4, 5, 3], "layers": [{"type": f"Global{kind}Pooling2D"}]})
    x = torch.randn(1, 3, 4, 5)
    assert torch_flops(lambda: x.amax((2, 3)) if kind == "Max" else x.mean((2, 3))) == 0
    assert record.costs.macs == 0
    assert record.costs.elementwise_flops == (57 if kind == "Max" else 60)


def test_autograd_saves_a_max_poolings_input_and_torch_also_its_argmax():
    """Ours: the input (where the maxima were). torch keeps the input and, instead of the
    output, the argmax indices (int64, one per output element), which we do not count."""
    record = ours({"input_shape": [6, 6, 3], "layers": [{"type": "MaxPooling2D"}]})
    x = torch.randn(1, 3, 6, 6, requires_grad=True)
    saved = saved_by_autograd(lambda: functional.max_pool2d(x, 2))
    floats = sum(t.numel() for t in saved if t.is_floating_point())
    indices = sum(t.numel() for t in saved if not t.is_floating_point())
    assert floats == record.costs.saved_elements == 6 * 6 * 3
    assert indices == 3 * 3 * 3


# --- UpSampling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        ({"type": "UpSampling1D", "size": 3}, [4, 2]),
        ({"type": "UpSampling2D", "size": 2}, [3, 4, 2]),
        ({"type": "UpSampling3D", "size": 2}, [2, 3, 2, 2]),
    ],
)
def test_nearest_upsampling_copies_without_arithmetic(layer, shape):
    """torch's `interpolate(mode='nearest')` is a gather: 0 FLOPs, as ours (0 MACs, 0
    element-wise)."""
    record = ours({"input_shape": shape, "layers": [layer]})
    rank = len(shape) - 1
    x = channels_first(torch.randn(1, *shape), rank)
    assert torch_flops(lambda: functional.interpolate(x, scale_factor=layer["size"])) == 0
    assert (record.costs.macs, record.costs.elementwise_flops) == (0, 0)


def test_bilinear_upsampling_is_four_products_and_three_adds_per_output():
    """Each output of a bilinear resize is Σ w_i · x_i over 4 taps: 4 multiplies + 3 adds =
    2·4 − 1 = 7 FLOPs per output element. The weights depend on the position only (computed
    once per position, shared by the channels, not counted). Written out below for a 3×4×2
    input upsampled by 2 (half-pixel centres, edge taps clamped) and compared with torch's
    `interpolate(mode='bilinear')`, which the counter gives 0 FLOPs."""
    record = ours(
        {
            "input_shape": [3, 4, 2],
            "layers": [{"type": "UpSampling2D", "size": 2, "interpolation": "bilinear"}],
        }
    )
    x = torch.randn(1, 2, 3, 4)
    results = []
    flops = torch_flops(
        lambda: results.append(
            functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        )
    )
    assert flops == 2 * record.costs.macs == 0

    def taps(out: int, size: int) -> list[tuple[int, float]]:
        source = max((out + 0.5) / 2 - 0.5, 0.0)
        low = min(int(source), size - 1)
        high = min(low + 1, size - 1)
        return [(low, 1 - (source - low)), (high, source - low)]

    Counted.ops = 0
    for c in range(2):
        for i in range(6):
            for j in range(8):
                products = [
                    Counted(float(x[0, c, a, b])) * (wa * wb)
                    for a, wa in taps(i, 3)
                    for b, wb in taps(j, 4)
                ]
                y = functools.reduce(lambda p, q: p + q, products)
                assert float(y) == pytest.approx(float(results[0][0, c, i, j]), abs=1e-5)
    assert Counted.ops == record.costs.elementwise_flops == 7 * 6 * 8 * 2


# --- Dropout and activation layers (element-wise; what autograd keeps) --------------------------


@pytest.mark.parametrize(
    ("layer", "run"),
    [
        ({"type": "Dropout", "rate": 0.5}, lambda x: functional.dropout(x, 0.5, training=True)),
        ({"type": "ReLU"}, torch.relu),
        ({"type": "Activation", "activation": "tanh"}, torch.tanh),
        ({"type": "Softmax"}, lambda x: torch.softmax(x, -1)),
        ({"type": "ELU"}, functional.elu),
        ({"type": "LeakyReLU"}, lambda x: functional.leaky_relu(x, 0.2)),
    ],
)
def test_autograd_keeps_one_tensor_of_the_layers_size(layer, run):
    """Dropout keeps its mask, an activation its output (or input: the same size), one element
    per element of a 3×4×5 input; torch counts 0 FLOPs (inference dropout is the identity; an
    activation is one FLOP per element to us, nothing to the counter)."""
    record = ours({"input_shape": [3, 4, 5], "layers": [layer]})
    x = torch.randn(1, 3, 4, 5, requires_grad=True)
    saved = saved_by_autograd(lambda: run(x))
    assert sum(t.numel() for t in saved) == record.costs.saved_elements == 60
    assert torch_flops(lambda: run(x)) == 2 * record.costs.macs == 0
    per_element = 0 if layer["type"] == "Dropout" else 1
    assert record.costs.elementwise_flops == per_element * 60


# --- Merges ------------------------------------------------------------------------------------

MERGE = {
    "Add": (lambda *xs: functools.reduce(lambda a, b: a + b, xs), torch.add),
    "Subtract": (lambda a, b: a - b, torch.sub),
    "Multiply": (lambda *xs: functools.reduce(lambda a, b: a * b, xs), torch.mul),
    "Average": (lambda *xs: functools.reduce(lambda a, b: a + b, xs) / len(xs), None),
    "Maximum": (lambda *xs: max(xs), torch.maximum),
    "Minimum": (lambda *xs: min(xs), torch.minimum),
}


def merge_request(kind: str, n: int, shape: list[int]) -> dict:
    names = [f"x{i}" for i in range(n)]
    return {
        "inputs": [{"name": name, "shape": shape} for name in names],
        "layers": [{"type": kind, "name": "merge", "inputs": names}],
        "outputs": ["merge"],
    }


@pytest.mark.parametrize(
    ("kind", "n"),
    [(kind, n) for kind in sorted(MERGE) for n in (2, 3) if kind != "Subtract" or n == 2],
)
def test_merge_counts_follow_the_written_out_merge(kind, n):
    """torch has no merge module and counts no element-wise FLOPs. Per output element, n inputs
    merge with n − 1 operations (adds, products, comparisons); Average divides once more.
    Written out below on 2×3 inputs and compared with torch's element-wise result."""
    record = summary(merge_request(kind, n, [2, 3])).layers[0]
    xs = [torch.randn(1, 2, 3) for _ in range(n)]
    expected = functools.reduce(MERGE[kind][1], xs) if MERGE[kind][1] else sum(xs) / n
    written = MERGE[kind][0]
    Counted.ops = 0
    for i in range(2):
        for j in range(3):
            y = written(*[Compared(float(x[0, i, j])) for x in xs])
            assert float(y) == pytest.approx(float(expected[0, i, j]), rel=1e-5, abs=1e-6)
    assert Counted.ops == record.costs.elementwise_flops
    assert record.costs.macs == 0


@pytest.mark.parametrize("kind", [*sorted(MERGE), "Concatenate"])
def test_autograd_keeps_what_our_merge_rule_says(kind):
    """Sums, differences, averages and concatenations keep nothing (their gradients need no
    values); products, maxima and minima keep their inputs."""
    record = summary(merge_request(kind, 2, [2, 3])).layers[0]
    a, b = (torch.randn(1, 2, 3, requires_grad=True) for _ in range(2))
    run = {
        "Concatenate": lambda: torch.cat([a, b], -1),
        "Average": lambda: (a + b) / 2,
    }.get(kind, lambda: MERGE[kind][1](a, b))
    assert sum(t.numel() for t in saved_by_autograd(run)) == record.costs.saved_elements


# --- Wrappers: TimeDistributed, Bidirectional, nested Sequential -------------------------------


@pytest.mark.parametrize(
    ("layer", "step", "run"),
    [
        (
            {"type": "Conv2D", "filters": 4, "kernel_size": 3, "groups": 2},
            [6, 6, 2],
            lambda x: functional.conv2d(x.permute(0, 3, 1, 2), torch.randn(4, 1, 3, 3), groups=2),
        ),
        ({"type": "Dense", "units": 5}, [3, 7], lambda x: x @ torch.randn(7, 5)),
        (
            {"type": "Conv1DTranspose", "filters": 3, "kernel_size": 3, "strides": 2},
            [4, 2],
            lambda x: functional.conv_transpose1d(
                x.transpose(1, 2), torch.randn(2, 3, 3), stride=2
            ),
        ),
    ],
)
def test_time_distributed_counts_the_wrapped_layer_once_per_step(layer, step, run):
    """torch runs the wrapped layer on the 5 time steps folded into the batch axis: 5 × the
    layer's MACs, which must be our MACs over the sequence."""
    request = {"input_shape": [5, *step], "layers": [{"type": "TimeDistributed", "layer": layer}]}
    record = ours(request)
    alone = ours({"input_shape": step, "layers": [layer]})
    assert torch_flops(lambda: run(torch.randn(5, *step))) == 2 * record.costs.macs
    assert record.costs.macs == 5 * alone.costs.macs
    assert record.costs.elementwise_flops == 5 * alone.costs.elementwise_flops
    assert record.costs.saved_elements == 5 * alone.costs.saved_elements


def test_time_distributed_convlstm_counts_every_inner_step_of_every_outer_step():
    """TimeDistributed(ConvLSTM1D) on (3, 4, 6, 2): each of the 3 outer steps runs a 4-step
    ConvLSTM; torch runs the cell on each outer step in turn."""
    inner = {
        "type": "ConvLSTM1D",
        "filters": 2,
        "kernel_size": [3],
        "strides": [1],
        "dilation_rate": [1],
        "padding": "same",
        "use_bias": True,
    }
    record = ours(
        {"input_shape": [3, 4, 6, 2], "layers": [{"type": "TimeDistributed", "layer": inner}]}
    )
    cell = TorchConvLSTM(inner, 2, "keras")

    def run():
        for _ in range(3):
            cell.run(torch.randn(1, 4, 2, 6))

    assert torch_flops(run) == 2 * record.costs.macs


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_convlstm_runs_two_cells_and_merges_once_per_output(merge_mode):
    """torch: a forward cell on the sequence, a backward one on it reversed; its counter sees
    both cells' convolutions (2 × one direction's MACs), not the merge. The merge, by hand, on
    the merged output of P·F = 5·5·3 = 75 elements (return_sequences false):
    concat / None: copies, 0; sum and mul: one operation per element, 75;
    ave: (forward + backward) ÷ 2, one add and one division per element, 150."""
    layer = {
        "type": "ConvLSTM2D",
        "filters": 3,
        "kernel_size": [3, 3],
        "strides": [1, 1],
        "dilation_rate": [1, 1],
        "padding": "same",
        "use_bias": True,
    }
    request = {
        "input_shape": [4, 5, 5, 2],
        "layers": [{"type": "Bidirectional", "layer": layer, "merge_mode": merge_mode}],
    }
    record = ours(request)
    one = ours({"input_shape": [4, 5, 5, 2], "layers": [layer]})
    forward, backward = TorchConvLSTM(layer, 2, "keras"), TorchConvLSTM(layer, 2, "keras")
    x = torch.randn(1, 4, 2, 5, 5)
    outputs = []
    flops = torch_flops(lambda: outputs.extend([forward.run(x), backward.run(x.flip(1))]))
    assert flops == 2 * record.costs.macs == 2 * 2 * one.costs.macs

    f, b = (Counted(v) for v in (1.5, -0.5))
    Counted.ops = 0
    {"sum": lambda: f + b, "mul": lambda: f * b, "ave": lambda: (f + b) / 2}.get(
        merge_mode or "", lambda: None
    )()
    merge = Counted.ops * outputs[0].numel()
    assert merge == {"sum": 75, "mul": 75, "ave": 150}.get(merge_mode or "", 0)
    assert record.costs.elementwise_flops == 2 * one.costs.elementwise_flops + merge


def test_bidirectional_with_its_own_backward_layer_counts_each_direction():
    """An LSTM of 4 units forward and a GRU of 3 units backward (merge concat): torch runs both
    modules, and its counter's total is both directions' matrix products."""
    request = {
        "input_shape": [5, 6],
        "layers": [
            {
                "type": "Bidirectional",
                "layer": {"type": "LSTM", "units": 4},
                "backward_layer": {"type": "LSTM", "units": 3, "go_backwards": True},
            }
        ],
    }
    record = ours(request)
    forward, backward = torch.nn.LSTM(6, 4, batch_first=True), torch.nn.LSTM(6, 3, batch_first=True)
    x = torch.randn(1, 5, 6)
    assert torch_flops(lambda: (forward(x), backward(x.flip(1)))) == 2 * record.costs.macs


def test_nested_sequential_counts_the_sum_of_its_layers():
    """Sequential([Conv2D 3×3 ×4 'same', Flatten, Dense 3]) on 5×5×2 against the same three
    operations in torch: conv (5·5·4·2·9 = 1,800 MACs) and matrix product (100·3 = 300)."""
    request = {
        "input_shape": [5, 5, 2],
        "layers": [
            {
                "type": "Sequential",
                "layers": [
                    {"type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same"},
                    {"type": "Flatten"},
                    {"type": "Dense", "units": 3},
                ],
            }
        ],
    }
    record = ours(request)

    def run():
        y = functional.conv2d(torch.randn(1, 2, 5, 5), torch.randn(4, 2, 3, 3), padding=1)
        return y.flatten(1) @ torch.randn(100, 3)

    assert torch_flops(run) == 2 * record.costs.macs == 2 * (1_800 + 300)


# --- LSTM, GRU, SimpleRNN: what backpropagation through time keeps -----------------------------


def keras_cell(layer_type: str, d: int, u: int):
    """(step(x_t, states) -> states, parameters): Keras's cell (`keras/src/layers/rnn/`)
    written with torch operations, so autograd sees each product and activation."""
    g = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[layer_type]
    kernel = torch.randn(d, g * u, requires_grad=True)
    recurrent = torch.randn(u, g * u, requires_grad=True)
    bias = torch.randn(2 if layer_type == "GRU" else 1, g * u, requires_grad=True)

    def simple_rnn(x, states):
        (h,) = states
        return (torch.tanh(x @ kernel + bias[0] + h @ recurrent),)

    def lstm(x, states):
        h, c = states
        i, f, c_hat, o = (x @ kernel + h @ recurrent + bias[0]).chunk(4, dim=-1)
        i, f, o, c_hat = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(c_hat)
        c = f * c + i * c_hat
        return o * torch.tanh(c), c

    def gru(x, states):  # reset_after=True, Keras's default
        (h,) = states
        x_z, x_r, x_h = (x @ kernel + bias[0]).chunk(3, dim=-1)
        h_z, h_r, h_h = (h @ recurrent + bias[1]).chunk(3, dim=-1)
        z, r = torch.sigmoid(x_z + h_z), torch.sigmoid(x_r + h_r)
        h_hat = torch.tanh(x_h + r * h_h)
        return (z * h + (1 - z) * h_hat,)

    step = {"SimpleRNN": simple_rnn, "LSTM": lstm, "GRU": gru}[layer_type]
    return step, [kernel, recurrent, bias]


def run_cell(layer_type: str, steps: int, d: int, u: int):
    step, params = keras_cell(layer_type, d, u)
    x = torch.randn(1, steps, d)
    states = tuple(torch.zeros(1, u) for _ in range(2 if layer_type == "LSTM" else 1))

    def run():
        nonlocal states
        for t in range(steps):
            states = step(x[:, t], states)

    return run, params


@pytest.mark.parametrize(("steps", "d", "u"), [(1, 3, 2), (5, 4, 3), (3, 2, 6)])
def test_autograd_keeps_what_our_rule_says_for_an_lstm(steps, d, u):
    """Per step: x_t (D) and h_{t−1} for the products, c_{t−1}, i, f, c̃ for the cell update, o
    and tanh(c_t) for the output: D + 7U, as ours (h_t itself is kept only by the next step,
    as its h_{t−1}; c_t likewise)."""
    record = ours({"input_shape": [steps, d], "layers": [{"type": "LSTM", "units": u}]})
    run, params = run_cell("LSTM", steps, d, u)
    kept = sum(t.numel() for t in saved_by_autograd(run, params))
    assert kept == record.costs.saved_elements == steps * (d + 7 * u)


@pytest.mark.parametrize(("steps", "d", "u"), [(1, 3, 2), (5, 4, 3)])
def test_autograd_keeps_one_state_less_than_our_rule_for_a_simple_rnn(steps, d, u):
    """Per step we count x_t, h_{t−1} (for the recurrent product) and h_t (for tanh's
    gradient): D + 2U. In PyTorch's eager autograd h_t and the next step's h_{t−1} are one
    tensor, kept once; a backend that runs the loop as a scan or while loop (Keras's
    TensorFlow and JAX backends) keeps each step's residuals apart, twice. So torch keeps
    (T − 1)·U fewer elements than our count."""
    record = ours({"input_shape": [steps, d], "layers": [{"type": "SimpleRNN", "units": u}]})
    run, params = run_cell("SimpleRNN", steps, d, u)
    kept = sum(t.numel() for t in saved_by_autograd(run, params))
    assert record.costs.saved_elements == steps * (d + 2 * u)
    assert kept == record.costs.saved_elements - (steps - 1) * u


def test_autograd_keeps_what_our_rule_says_for_a_gru():
    """Per step: x_t, h_{t−1}, z, r, h_h (the product r multiplies), h̃ and 1 − z: D + 6U."""
    record = ours({"input_shape": [4, 3], "layers": [{"type": "GRU", "units": 2}]})
    run, params = run_cell("GRU", 4, 3, 2)
    kept = sum(t.numel() for t in saved_by_autograd(run, params))
    assert kept == record.costs.saved_elements


def test_nested_sequential_counts_every_step_of_its_recurrent_layers():
    """Sequential([LSTM(4, return_sequences), Dense(2)]) on 6 steps of 3 features: torch's
    LSTM (6 steps of 4·4·(3 + 4) = 112 MACs) and the Dense on every step (6·4·2 = 48)."""
    request = {
        "input_shape": [6, 3],
        "layers": [
            {
                "type": "Sequential",
                "layers": [
                    {"type": "LSTM", "units": 4, "return_sequences": True},
                    {"type": "Dense", "units": 2},
                ],
            }
        ],
    }
    record = ours(request)
    lstm = torch.nn.LSTM(3, 4, batch_first=True)
    flops = torch_flops(lambda: lstm(torch.randn(1, 6, 3))[0] @ torch.randn(4, 2))
    assert flops == 2 * record.costs.macs == 2 * (6 * 112 + 48)


def test_prelu_is_a_comparison_and_a_product_per_element():
    """torch's `prelu` is 0 FLOPs to its counter (0 MACs to us). By hand, per element:
    y = x if x > 0 else α·x, written as x · (1 if x > 0 else α): one comparison (the
    activation) and one product, 2 FLOPs, on a 3×4 input with one α per channel."""
    record = ours({"input_shape": [3, 4], "layers": [{"type": "PReLU"}]})
    x, alpha = torch.randn(1, 3, 4), torch.rand(4)
    results = []
    flops = torch_flops(lambda: results.append(torch.where(x > 0, x, alpha * x)))
    assert flops == 2 * record.costs.macs == 0
    Counted.ops = 0
    for i in range(3):
        for c in range(4):
            value = Compared(float(x[0, i, c]))
            y = value * (1.0 if value > 0 else float(alpha[c]))
            assert float(y) == pytest.approx(float(results[0][0, i, c]))
    assert Counted.ops == record.costs.elementwise_flops == 2 * 12


@pytest.mark.parametrize(("rank", "drop"), [(1, "dropout1d"), (2, "dropout2d"), (3, "dropout3d")])
def test_spatial_dropout_keeps_a_mask_of_the_output_size_where_torch_keeps_one_per_channel(
    rank, drop
):
    """Counted differently: torch's `dropout{1,2,3}d` multiplies by a (1, C, 1, ...) noise and
    keeps only that (C elements); we count a mask of the output's size (N_out), what a backend
    keeps when it broadcasts the noise to the input before the product. Inference: identity,
    0 FLOPs to both."""
    shape = [4, 5, 2, 3][-(rank + 1) :]
    record = ours(
        {"input_shape": shape, "layers": [{"type": f"SpatialDropout{rank}D", "rate": 0.5}]}
    )
    x = torch.randn(1, shape[-1], *shape[:-1], requires_grad=True)
    saved = saved_by_autograd(lambda: getattr(functional, drop)(x, 0.5, training=True))
    assert sum(t.numel() for t in saved) == shape[-1]
    assert record.costs.saved_elements == math.prod(shape)
    assert (record.costs.macs, record.costs.elementwise_flops) == (0, 0)


# --- Recurrent cells' element-wise work, written out per unit -----------------------------------


def applied(name: str):
    """An activation as the cell calls it: one FLOP per evaluation, none for 'linear'."""

    def apply(value):
        if name == "linear":
            return value
        Counted.ops += 1
        return Counted(
            {"tanh": math.tanh, "sigmoid": lambda v: 1 / (1 + math.exp(-v))}[name](float(value))
        )

    return apply


def unit_step(layer_type, use_bias, act, rec, biases=1, peephole=False):
    """One unit of one step after the matrix products (those are MACs, not element-wise):
    `x` and `h` hold x_t·W and h_{t−1}·U per gate, as in Keras's cells
    (`keras/src/layers/rnn/{simple_rnn,lstm,gru,conv_lstm}.py`). Returns the ops counted."""
    x = [Counted(0.1 * (i + 1)) for i in range(4)]
    h = [Counted(-0.2 * (i + 1)) for i in range(4)]
    b = [0.05] * 4
    h_prev, c_prev, w = Counted(0.3), Counted(-0.4), [0.7, 0.8, 0.9]
    Counted.ops = 0
    if layer_type == "SimpleRNN":  # h = act(x·W + b + h·U)
        z = x[0] + b[0] if use_bias else x[0]
        act(z + h[0])
    elif layer_type in ("LSTM", "ConvLSTM"):
        z = [x[k] + h[k] for k in range(4)]  # 4 gate sums
        for _ in range(biases if use_bias else 0):  # one bias, or PyTorch's two
            z = [z[k] + b[k] for k in range(4)]
        if peephole:  # i and f see C_{t−1}, o sees C_t: a product and an add each
            z[0], z[1] = z[0] + w[0] * c_prev, z[1] + w[1] * c_prev
        i, f, c_hat = rec(z[0]), rec(z[1]), act(z[2])
        c = f * c_prev + i * c_hat
        o = rec(z[3] + w[2] * c) if peephole else rec(z[3])
        o * act(c)
    else:  # GRU, reset_after: x·W + b and h·U + b' (6 bias adds), then the gates
        xs = [x[k] + b[k] for k in range(3)] if use_bias else x[:3]
        hs = [h[k] + b[k] for k in range(3)] if use_bias else h[:3]
        z, r = rec(xs[0] + hs[0]), rec(xs[1] + hs[1])
        h_hat = act(xs[2] + r * hs[2])
        z * h_prev + (1 - z) * h_hat
    return Counted.ops


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("activation", ["tanh", "linear"])
@pytest.mark.parametrize("layer_type", ["SimpleRNN", "LSTM", "GRU"])
def test_recurrent_elementwise_flops_follow_the_written_out_cell(layer_type, activation, use_bias):
    """torch's counter sees only the products (checked above); the gates' arithmetic is
    counted here on Keras's cell, one unit at a time: per step, elementwise = ops × U."""
    record = ours(
        {
            "input_shape": [3, 5],
            "layers": [
                {"type": layer_type, "units": 4, "activation": activation, "use_bias": use_bias}
            ],
        }
    )
    ops = unit_step(layer_type, use_bias, applied(activation), applied("sigmoid"))
    assert record.costs.elementwise_flops_per_step == ops * 4


@pytest.mark.parametrize(
    ("convention", "use_bias", "activation"),
    [
        ("keras", True, "tanh"),
        ("keras", False, "linear"),
        ("pytorch", True, "tanh"),
        ("peephole", True, "tanh"),
        ("peephole", False, "tanh"),
    ],
)
def test_convlstm_elementwise_flops_follow_the_written_out_cell(convention, use_bias, activation):
    """The ConvLSTM cell is the LSTM cell on maps: per cell and filter the same operations
    (PyTorch's convention adds its second bias; the peephole one w ⊙ C and its add for three
    gates). P·F = 6·3 = 18 cells and filters per step."""
    record = ours(
        {
            "input_shape": [2, 6, 2],
            "convention": convention,
            "layers": [
                {
                    "type": "ConvLSTM1D",
                    "filters": 3,
                    "kernel_size": 3,
                    "padding": "same",
                    "activation": activation,
                    "use_bias": use_bias,
                }
            ],
        }
    )
    ops = unit_step(
        "ConvLSTM",
        use_bias,
        applied(activation),
        applied("sigmoid"),
        biases=2 if convention == "pytorch" else 1,
        peephole=convention == "peephole",
    )
    assert record.costs.elementwise_flops_per_step == ops * 18


def test_autograd_keeps_every_inner_step_of_a_time_distributed_convlstm():
    """TimeDistributed(ConvLSTM1D 3-tap 'same') on 3 outer steps of a 4-step sequence: torch
    keeps, for each of the 3 runs, what one ConvLSTM keeps over its 4 steps (padding inside
    the convolution, so no padded copies)."""
    inner = {
        "type": "ConvLSTM1D",
        "filters": 2,
        "kernel_size": [3],
        "strides": [1],
        "dilation_rate": [1],
        "padding": "same",
        "use_bias": True,
    }
    record = ours(
        {"input_shape": [3, 4, 6, 2], "layers": [{"type": "TimeDistributed", "layer": inner}]}
    )
    alone = ours({"input_shape": [4, 6, 2], "layers": [inner]})
    cell = TorchConvLSTM(inner, 2, "keras")
    xs = [torch.randn(1, 4, 2, 6) for _ in range(3)]

    def run():
        for x in xs:
            cell.run(x, symmetric=True)

    kept = sum(t.numel() for t in saved_by_autograd(run, cell.params))
    assert kept == record.costs.saved_elements == 3 * alone.costs.saved_elements


def test_autograd_keeps_both_directions_of_a_bidirectional_lstm():
    """Bidirectional(LSTM(3)) on 5 steps of 2 features, merge concat (a copy: nothing kept):
    each direction keeps D + 7U per step, as a lone LSTM; 2 · 5 · (2 + 21) = 230."""
    record = ours(
        {
            "input_shape": [5, 2],
            "layers": [{"type": "Bidirectional", "layer": {"type": "LSTM", "units": 3}}],
        }
    )
    forward, forward_params = run_cell("LSTM", 5, 2, 3)
    backward, backward_params = run_cell("LSTM", 5, 2, 3)
    kept = saved_by_autograd(lambda: (forward(), backward()), forward_params + backward_params)
    assert sum(t.numel() for t in kept) == record.costs.saved_elements == 230


@pytest.mark.parametrize("gate_normalization", [None, "layer"])
@pytest.mark.parametrize("input_to_state", [True, False])
@pytest.mark.parametrize(("kernel", "recurrent_kernel"), [([3, 3], [5, 5]), ([5, 3], [1, 1])])
def test_convlstm_paper_options_flop_counter_total_is_twice_our_macs(
    kernel, recurrent_kernel, input_to_state, gate_normalization
):
    """The papers' options (PyTorch convention): a state-to-state kernel of its own size, no
    input-to-state convolution (the input is never read), LayerNorms after the convolutions
    (no products: the counter sees none). torch runs the two convolutions of every step, the
    input one only with input-to-state: T·P·4F·(K_in·C + K_rec·F) MACs."""
    steps, rows, cols, c, f = 3, 6, 5, 2, 3
    layer = {
        "type": "ConvLSTM2D",
        "filters": f,
        "kernel_size": kernel,
        "padding": "same",
        "recurrent_kernel_size": recurrent_kernel,
        "input_to_state": input_to_state,
        "gate_normalization": gate_normalization,
    }
    record = ours(
        {"input_shape": [steps, rows, cols, c], "convention": "pytorch", "layers": [layer]}
    )
    w_x = torch.randn(4 * f, c, *kernel)
    w_h = torch.randn(4 * f, f, *recurrent_kernel)
    x = torch.randn(1, steps, c, rows, cols)

    def run():
        h = torch.zeros(1, f, rows, cols)
        for t in range(steps):
            z = functional.conv2d(h, w_h, padding="same")
            if input_to_state:
                z = z + functional.conv2d(x[:, t], w_x, padding="same")
            if gate_normalization:
                z = functional.layer_norm(z, z.shape[1:])
            h = torch.tanh(z[:, :f])

    assert torch_flops(run) == 2 * record.costs.macs


@pytest.mark.parametrize(("input_to_state", "norms"), [(True, 2), (False, 1)])
def test_convlstm_gate_norms_keep_their_input(input_to_state, norms):
    """Each gate LayerNorm (over the 4F·P gate maps) keeps its input for the backward pass:
    4·P·F per norm and step, the statistics (one mean and one 1/σ per sample, which torch
    keeps too) left out. P·F = 6·5·3 = 90: + norms · 360 per step."""
    layer = {
        "type": "ConvLSTM2D",
        "filters": 3,
        "kernel_size": 3,
        "padding": "same",
        "input_to_state": input_to_state,
    }
    plain = ours({"input_shape": [2, 6, 5, 2], "convention": "pytorch", "layers": [layer]})
    normed = ours(
        {
            "input_shape": [2, 6, 5, 2],
            "convention": "pytorch",
            "layers": [{**layer, "gate_normalization": "layer"}],
        }
    )
    z = torch.randn(1, 12, 6, 5, requires_grad=True)
    gamma, beta = (
        torch.randn(12, 6, 5, requires_grad=True),
        torch.randn(12, 6, 5, requires_grad=True),
    )
    kept = saved_by_autograd(
        lambda: functional.layer_norm(z, z.shape[1:], gamma, beta), [gamma, beta]
    )
    assert sum(t.numel() for t in kept) == 360 + 2
    extra = normed.costs.saved_elements_per_step - plain.costs.saved_elements_per_step
    assert extra == norms * 360

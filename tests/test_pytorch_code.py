"""Exported PyTorch code, run with torch: it counts, shapes and computes what we say.

For every model: the file executes; `sum(p.numel() for p in model.parameters())` plus the
BatchNorm running statistics (buffers in torch, non-trainable weights in Keras) is our
`pytorch`-convention total; each output, read back through `Model.OUTPUT_AXES`, has our output
shape; and `torch.utils.flop_counter.FlopCounterMode` counts 2 × our MACs on a forward pass of
one sample (it counts matrix products and convolutions only, as our MACs do). torch is not an
app dependency: `.ci/run` installs `torch==2.13.0`; without it this module is skipped, visibly.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis.errors import InvalidArgument
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.graph import parse_ref
from app.core.model import summarize
from app.interop.pytorch_code import pytorch_code
from app.presets import PRESETS
from app.schema import SEED_MODEL, SummaryRequest
from tests.graph_cases import GOLDEN
from tests.graph_strategies import graph_requests
from tests.strategies import valid_requests

torch = pytest.importorskip(
    "torch", reason="torch not installed: `.venv/bin/pip install torch==2.13.0` (as .ci/run does)"
)
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

STEPS = 3  # time steps fed where the input's time axis is None


def exported(request: SummaryRequest) -> type:
    """`Model` of the exported file, executed as a script would be."""
    namespace: dict = {"__name__": "exported"}
    exec(compile(pytorch_code(request), "exported_model.py", "exec"), namespace)
    return namespace["Model"]


def our_outputs(request: SummaryRequest, summary) -> list[tuple]:
    """Our output shapes, in the order the model returns them."""
    if summary.graph is None:
        shape = summary.layers[-1].output_shape
        return shape if isinstance(shape, list) else [shape]
    found = []
    for ref in summary.graph.outputs:
        name, node, index = parse_ref(ref)
        record = next(r for r in summary.layers if r.name == name and (r.node_index or 0) == node)
        shape = record.output_shape
        found.append(shape[index] if isinstance(shape, list) else shape)
    return found


def say(text: str) -> None:
    """A note on a falsifying example (outside hypothesis: nothing)."""
    with contextlib.suppress(InvalidArgument):
        note(text)


def check(body: dict, refusable: bool = True) -> None:
    """The three claims of the module docstring, for one request."""
    try:
        request = SummaryRequest.model_validate(
            {**body, "convention": "pytorch", "time_steps": STEPS}
        )
        summary = summarize(request)
    except (SpecError, ValidationError):
        assume(False)  # Keras refuses it too: nothing to export
    say(f"request: {body}")
    try:
        say(pytorch_code(request))
    except SpecError as error:
        if not refusable:
            raise
        # Refused, with the reason: only what torch (or Keras itself) cannot run.
        assert "PyTorch" in error.msg, error.msg
        event(f"refused: {error.msg[:60]}")
        return
    model = exported(request)().eval()

    moving = sum(
        b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var"))
    )
    assert sum(p.numel() for p in model.parameters()) + moving == summary.total_params

    given_shapes = (
        [(None, *i.shape) for i in request.inputs]
        if request.inputs
        else [(None, *request.input_shape)]
    )
    tensors = []
    for shape, axes in zip(given_shapes, model.INPUT_AXES.values(), strict=True):
        concrete = [1, *(d if d is not None else STEPS for d in shape[1:])]
        tensors.append(torch.randn(*(concrete[a] for a in axes)))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        outputs = model(*tensors)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    expected = our_outputs(request, summary)
    assert len(outputs) == len(expected) == len(model.OUTPUT_AXES)
    for output, shape, axes in zip(outputs, expected, model.OUTPUT_AXES, strict=True):
        keras = [1, *shape[1:]]  # None: a size that follows the fed time steps; any matches
        wanted = [keras[a] for a in axes]
        assert list(output.shape) == [
            n if w is None else w for n, w in zip(output.shape, wanted, strict=True)
        ]
    if summary.costs is not None:  # None: we say why costs cannot be counted (summary.note)
        assert counter.get_total_flops() == 2 * summary.costs.macs


def test_the_seed_model_is_745_680_plus_a_second_bias_of_4f_per_layer():
    check(SEED_MODEL, refusable=False)
    request = SummaryRequest.model_validate(SEED_MODEL)
    model = exported(request)()
    extra = 4 * (30 + 50 + 60 + 70)
    assert sum(p.numel() for p in model.parameters()) == 745_680 + extra == 746_520


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_graphs(name):
    check(GOLDEN[name], refusable=False)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(valid_requests(max_layers=3))
def test_generated_chains(body):
    check(body)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(graph_requests())
def test_generated_graphs(body):
    check(body)


SPECIFIC = {
    "lora_dense_and_conv": {
        "input_shape": [6, 6, 3],
        "layers": [
            {"type": "Conv2D", "filters": 4, "kernel_size": 3, "lora_rank": 2, "padding": "same"},
            {"type": "Flatten"},
            {"type": "Dense", "units": 5, "lora_rank": 3, "activation": "softmax"},
        ],
    },
    "gru_without_reset_after_and_lstm_states": {
        "input_shape": [5, 4],
        "layers": [
            {"type": "GRU", "units": 3, "reset_after": False, "return_sequences": True},
            {"type": "LSTM", "units": 2, "return_state": True, "go_backwards": True},
        ],
    },
    "strided_conv_lstm3d_channels_first": {
        "input_shape": [3, 2, 7, 6, 5],
        "layers": [
            {
                "type": "ConvLSTM3D",
                "filters": 2,
                "kernel_size": [2, 3, 1],
                "strides": 2,
                "padding": "same",
                "data_format": "channels_first",
                "return_sequences": True,
            },
            {"type": "BatchNormalization", "axis": 2},
        ],
    },
    "causal_conv_and_bilinear_upsampling": {
        "input_shape": [8, 3],
        "layers": [
            {
                "type": "Conv1D",
                "filters": 2,
                "kernel_size": 3,
                "padding": "causal",
                "dilation_rate": 2,
            },
            {"type": "Reshape", "target_shape": [4, 2, 2]},
            {"type": "UpSampling2D", "size": [2, 3], "interpolation": "bilinear"},
            {"type": "Softmax", "axis": [1, 2]},
        ],
    },
    "lstm_state_handoff": {
        "inputs": [{"name": "source", "shape": [7, 3]}, {"name": "target", "shape": [4, 3]}],
        "layers": [
            {
                "type": "LSTM",
                "name": "encoder",
                "units": 5,
                "return_state": True,
                "inputs": "source",
            },
            {
                "type": "LSTM",
                "name": "decoder",
                "units": 5,
                "return_sequences": True,
                "inputs": "target",
                "initial_state": ["encoder[0][1]", "encoder[0][2]"],
            },
            {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2}},
        ],
    },
    "bidirectional_conv_lstm_with_states": {
        "input_shape": [3, 6, 6, 2],
        "layers": [
            {
                "type": "Bidirectional",
                "merge_mode": "ave",
                "layer": {
                    "type": "ConvLSTM2D",
                    "filters": 3,
                    "kernel_size": 3,
                    "return_state": True,
                },
            }
        ],
    },
}


@pytest.mark.parametrize("name", sorted(SPECIFIC))
def test_options_the_generated_models_rarely_reach(name):
    check(SPECIFIC[name], refusable=False)


def test_module_attributes_never_shadow_nn_module_names():
    from app.interop.torch_emit import MODULE_NAMES

    assert {n for n in dir(torch.nn.Module) if not n.startswith("_")} <= MODULE_NAMES


def test_layers_named_like_module_methods_or_builtins_still_run():
    check(
        {
            "input_shape": [4, 3],
            "layers": [
                {"type": "Dense", "units": 2, "name": "forward"},
                {"type": "Dense", "units": 2, "name": "to"},
                {"type": "Dense", "units": 2, "name": "float"},
                {"type": "Dense", "units": 2, "name": 'x"""; import os'},
            ],
        },
        refusable=False,
    )


def test_a_shared_layer_is_one_module():
    body = GOLDEN["two_inputs_shared"]
    source = pytorch_code(SummaryRequest.model_validate(body))
    assert source.count("= ConvLSTM(") == 1
    assert source.count("self.shared(") == 2


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_every_preset_of_the_gallery_exports_and_runs(preset):
    """The papers' ConvLSTM options (separate state-to-state kernel, no input-to-state, gate
    LayerNorm, OpenSTL's unused convolutions) are translated, not dropped: the counts agree."""
    check(preset.request, refusable=False)

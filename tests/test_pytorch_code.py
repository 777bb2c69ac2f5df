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

"""Our spec → a self-contained PyTorch module of the model, under the `pytorch` convention.

The file defines `Model(nn.Module)`: `__init__` builds one torch module per Keras layer (a
shared layer is one module, called again), `forward` calls them in the order the request does,
with `torch.cat`/operators for merges and `(h, c)` for initial states. The ConvLSTM is the
`ConvLSTM` helper of `torch_runtime.py`: an input and a recurrent convolution, each with its own
bias (b_ih, b_hh, as `torch.nn.LSTM`), so `sum(p.numel() for p in model.parameters())` is our
`pytorch`-convention total, less the BatchNormalization moving statistics, which torch keeps as
buffers (`running_mean`, `running_var`); the file's docstring gives both numbers.

Layout: torch is channels first. Each tensor of `forward` has a known permutation of Keras's
axes (`torch_emit.py`), and `Model.INPUT_AXES` / `Model.OUTPUT_AXES` say, for each input and
output, which Keras axis each torch axis holds. Layer and model names reach the file only as
sanitised identifiers or JSON string literals, so no name can break the code.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

from app.core.errors import SpecError
from app.core.graph import parse_ref
from app.core.model import summarize
from app.core.records import ModelSummary, Shape
from app.interop import torch_recurrent  # noqa: F401 (registers the recurrent translators)
from app.interop.torch_emit import Code, Perm, Tensor, identity
from app.interop.torch_layers import Call, translate
from app.schema import LayerCallSpec, LayerSpecBase, SummaryRequest

_INDENT = "    "
# Helpers in the order the file defines them, and what each needs.
_HELPERS = ("same_pad", "linear", "ConvLSTM", "Recurrent", "Affine", "PReLU", "LoRA")
_NEEDS = {"ConvLSTM": ("same_pad",)}
_MOVING = ("moving_mean", "moving_variance")


@cache
def _helper_sources() -> dict[str, str]:
    """Each top-level definition of `torch_runtime.py`, as text."""
    text = (Path(__file__).parent / "torch_runtime.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    return {
        node.name: ast.get_source_segment(text, node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }


class _Walk:
    """One pass over the request writing `Code`; pass 1 learns the inputs' preferred layouts."""

    def __init__(self, request: SummaryRequest, summary: ModelSummary, wanted: dict[str, Perm]):
        self.code = Code()
        self.inputs: list[Tensor] = []
        self.input_names: list[str] = []
        self.outputs: list[Tensor] = []
        self._start(request, summary, wanted)
        if request.is_graph:
            self._graph(request, summary)
        else:
            self._chain(request, summary)

    def _start(self, request: SummaryRequest, summary: ModelSummary, wanted: dict) -> None:
        if request.is_graph:
            assert summary.graph is not None
            named = [(i.name, (None, *i.shape[1:])) for i in summary.graph.inputs]
        else:
            named = [("x", (None, *request.input_shape))]  # type: ignore[misc]
        for name, shape in named:
            variable = self.code.name(name)
            self.code.inputs.add(variable)
            self.input_names.append(name)
            self.inputs.append(Tensor(variable, shape, wanted.get(variable, identity(len(shape)))))

    def _layer(
        self,
        spec: LayerSpecBase,
        inputs: list[Tensor],
        name: str,
        index: int,
        states: tuple[Tensor, ...] = (),
    ) -> list[Tensor]:
        try:
            return translate(spec, inputs, Call(self.code, name, name, states))
        except SpecError as error:
            raise error.within("layers", index) from None

    def _chain(self, request: SummaryRequest, summary: ModelSummary) -> None:
        tensors = self.inputs
        for index, (spec, record) in enumerate(zip(request.layers, summary.layers, strict=True)):
            tensors = self._layer(spec, tensors[:1], record.name, index)  # type: ignore[arg-type]
        self.outputs = tensors

    def _graph(self, request: SummaryRequest, summary: ModelSummary) -> None:
        assert summary.graph is not None
        variables = {
            f"{i.name}[0][0]": t for i, t in zip(summary.graph.inputs, self.inputs, strict=True)
        }
        names = {r.index: r.name for r in summary.layers if not r.node_index}
        specs: dict[str, LayerSpecBase] = {}
        calls: dict[str, int] = {}
        previous = f"{summary.graph.inputs[0].name}[0][0]"

        def tensor(ref: str) -> Tensor:
            layer, node, index = parse_ref(ref)
            return variables[f"{layer}[{node}][{index}]"]

        for index, entry in enumerate(request.layers):
            if isinstance(entry, LayerCallSpec):
                name, spec = entry.call, specs[entry.call]
            else:
                name, spec = names[index], entry
                specs[name] = entry
            node = calls.get(name, 0)
            calls[name] = node + 1
            wiring = entry.inputs if entry.inputs is not None else previous
            inputs = [tensor(r) for r in wiring] if isinstance(wiring, list) else [tensor(wiring)]
            states = tuple(tensor(r) for r in entry.initial_state or ())
            outputs = self._layer(spec, inputs, name, index, states)
            for t, output in enumerate(outputs):
                variables[f"{name}[{node}][{t}]"] = output
            previous = f"{name}[{node}][0]"
        self.outputs = [tensor(r) for r in summary.graph.outputs]


def _axes_note(label: str, tensor: Tensor) -> str:
    """`frames: torch (batch, 10, 16, 16, 16) = Keras (batch, 10, 16, 16, 16) permuted (0, 1, 4,
    2, 3)`."""

    def shown(shape: Shape) -> str:
        return "(" + ", ".join("batch" if i == 0 else str(d) for i, d in enumerate(shape)) + ")"

    text = f"{label}: torch {shown(tensor.torch_shape())}"
    if tensor.perm == identity(tensor.rank):
        return text + " = Keras's layout"
    return text + f" = Keras's {shown(tensor.shape)}.permute{tensor.perm}"


def _pytorch_summary(request: SummaryRequest, summary: ModelSummary | None) -> tuple:
    if request.convention != "pytorch":
        request = request.model_copy(update={"convention": "pytorch"})
        summary = None
    return request, summary or summarize(request)


def pytorch_code(request: SummaryRequest, summary: ModelSummary | None = None) -> str:
    """A runnable file defining `Model`; raises `SpecError` (a 422) for a layer or argument
    with no PyTorch translation, naming it."""
    request, summary = _pytorch_summary(request, summary)
    first = _Walk(request, summary, {})
    walk = _Walk(request, summary, first.code.wanted)
    code = walk.code
    moving = sum(w.count for r in summary.layers for w in r.weights if w.name.endswith(_MOVING))
    parameters = summary.total_params - moving

    needed = set(code.helpers)
    for helper in list(needed):
        needed.update(_NEEDS.get(helper, ()))
    sources = _helper_sources()
    helpers = "".join(f"\n\n{sources[h]}\n" for h in _HELPERS if h in needed)

    title = json.dumps(summary.graph.name if summary.graph else request.name or "sequential")
    notes = [
        _axes_note(f"input {json.dumps(n)}", t)
        for n, t in zip(walk.input_names, walk.inputs, strict=True)
    ]
    notes += [_axes_note(f"output {i}", t) for i, t in enumerate(walk.outputs)]
    count_line = (
        f"sum(p.numel() for p in model.parameters()) == {parameters:,}"
        + (f", plus {moving:,} in BatchNorm running_mean/running_var buffers" if moving else "")
        + f": our `pytorch`-convention total, {summary.total_params:,}."
    )
    init = "".join(f"{_INDENT * 2}{row}\n" for line in code.init for row in line.split("\n"))
    frozen = code.frozen()
    if frozen:
        init += (
            f"{_INDENT * 2}# Frozen in Keras (trainable=False): still parameters, no "
            f"gradients.\n{_INDENT * 2}for module in ({', '.join(frozen)},):\n"
            f"{_INDENT * 3}module.requires_grad_(False)\n"
        )
    forward = "".join(f"{_INDENT * 2}{line}\n" for line in code.forward)
    results = ", ".join(t.var for t in walk.outputs)
    arguments = ", ".join(t.var for t in walk.inputs)
    input_axes = ", ".join(
        f"{json.dumps(n)}: {t.perm}" for n, t in zip(walk.input_names, walk.inputs, strict=True)
    )
    output_axes = "".join(f"{t.perm}, " for t in walk.outputs)
    examples = ", ".join(
        "torch.zeros(" + ", ".join(str(d or 1) for d in (1, *t.torch_shape()[1:])) + ")"
        for t in walk.inputs
    )
    return (
        f'"""PyTorch module of the Keras model {title}, written by ConvLSTM Cost Explorer\n'
        "(convention `pytorch`: each ConvLSTM has an input and a recurrent convolution, each\n"
        "with its own bias, as torch.nn.LSTM has b_ih and b_hh).\n"
        "\n"
        f"{count_line}\n"
        "Not written (they change no count or shape): initializers, regularizers, constraints,\n"
        "and the dropout inside recurrent cells."
        + (
            f" Weights were counted as {request.dtype}: model.to(torch.{request.dtype}).\n"
            if request.dtype not in ("float32", "int8")
            else "\n"
        )
        + "\n"
        "Layout: torch is channels first; Model.INPUT_AXES / OUTPUT_AXES give, for each torch\n"
        "axis, the Keras axis it holds:\n" + "".join(f"    {note}\n" for note in notes) + '"""\n'
        "\n"
        "import torch\n"
        "import torch.nn.functional as F\n"
        "from torch import nn\n"
        f"{helpers}"
        "\n\n"
        "class Model(nn.Module):\n"
        f"{_INDENT}INPUT_AXES = {{{input_axes}}}\n"
        f"{_INDENT}OUTPUT_AXES = ({output_axes})\n"
        "\n"
        f"{_INDENT}def __init__(self):\n"
        f"{_INDENT * 2}super().__init__()\n"
        f"{init}"
        "\n"
        f"{_INDENT}def forward(self, {arguments}):\n"
        f"{forward}"
        f"{_INDENT * 2}return {results}\n"
        "\n"
        "\n"
        'if __name__ == "__main__":\n'
        f"{_INDENT}model = Model()\n"
        f'{_INDENT}print("parameters:", sum(p.numel() for p in model.parameters()))\n'
        f"{_INDENT}outputs = model({examples})\n"
        f"{_INDENT}for output in outputs if isinstance(outputs, tuple) else (outputs,):\n"
        f'{_INDENT * 2}print("output:", tuple(output.shape))\n'
    )

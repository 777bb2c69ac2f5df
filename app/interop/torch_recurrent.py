"""ConvLSTM1D/2D/3D, LSTM, GRU, SimpleRNN and Bidirectional as PyTorch code.

The modules are the `ConvLSTM` and `Recurrent` helpers of `torch_runtime.py`. Layouts: a
ConvLSTM's sequences are (batch, time, channels, *spatial) and its states
(batch, channels, *spatial); an RNN's are Keras's own (batch first, features last).
Initial states (graph models) are passed as `(h, c)` / `(h,)` in the state's layout.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import SpecError
from app.core.records import Shape
from app.core.shapes import show
from app.core.translation import gettext as _
from app.interop.torch_activations import function, uses_linear
from app.interop.torch_emit import Tensor, channels_at, identity
from app.interop.torch_layers import Call, emit, output_shapes, translates

CONV_LSTM = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
RNN = ("LSTM", "GRU", "SimpleRNN")


def _tuple(values: Any) -> str:
    values = tuple(values)
    return repr(values[0]) if len(set(values)) == 1 else repr(values)


def _functions(call: Call, spec: Any, dim: int) -> str:
    """`activation=..., recurrent_activation=...` where they differ from tanh and sigmoid."""
    parts = []
    for field, default in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        value = getattr(spec, field, default)
        if value != default:
            if uses_linear(value):
                call.code.helpers.add("linear")
            parts.append(f", {field}={function(value, dim, field)}")
    return "".join(parts)


def _flags(spec: Any, go_backwards: bool) -> str:
    flags = {
        "return_sequences": spec.return_sequences,
        "return_state": spec.return_state,
        "go_backwards": go_backwards,
    }
    return "".join(f", {k}=True" for k, v in flags.items() if v)


def layouts(spec: Any, rank: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(input sequence, output sequence, state) layouts for a Keras input of `rank` axes."""
    if spec.type in RNN or getattr(spec, "data_format", None) == "channels_first":
        return identity(rank), identity(rank), identity(rank - 1)
    sequence = channels_at(rank, rank - 1, 2)
    return sequence, sequence, channels_at(rank - 1, rank - 2, 1)


def _paper_options(spec: Any, grid: Shape) -> str:
    """The ConvLSTM options of Shi et al. and OpenSTL (`PAPER_OPTIONS`) that differ from Keras."""
    given = ""
    if spec.recurrent_kernel_size is not None:
        given += f", recurrent_kernel_size={_tuple(spec.recurrent_kernel_size)}"
    if not spec.input_to_state:
        given += ", input_to_state=False"
    if spec.gate_normalization == "layer":
        given += ", gate_norm=True"
    if spec.openstl_unused_convs:
        given += ", unused_convs=True"
    needs_grid = not spec.input_to_state or spec.gate_normalization or spec.openstl_unused_convs
    return given + (f", grid={tuple(grid)}" if needs_grid else "")


def build(call: Call, spec: Any, x: Tensor, go_backwards: bool, state_grid: Shape = ()) -> str:
    """The module expression for one recurrent layer on input `x` (already in its layout);
    `state_grid`: the spatial size of a ConvLSTM's state."""
    flags = _flags(spec, go_backwards)
    if spec.type in CONV_LSTM:
        call.code.helpers.add("ConvLSTM")
        c = x.torch_shape()[2]
        options = {
            "stride": _tuple(spec.strides),
            "padding": repr(spec.padding),
            "dilation": _tuple(spec.dilation_rate),
            "bias": str(spec.use_bias),
        }
        defaults = {"stride": "1", "padding": "'valid'", "dilation": "1", "bias": "True"}
        given = "".join(f", {k}={v}" for k, v in options.items() if defaults[k] != v)
        given += _paper_options(spec, state_grid)
        return (
            f"ConvLSTM({spec.rank}, {c}, {spec.filters}, {_tuple(spec.kernel_size)}{given}"
            f"{_functions(call, spec, 1)}{flags})"
        )
    call.code.helpers.add("Recurrent")
    reset = ", reset_after=False" if spec.type == "GRU" and not spec.reset_after else ""
    return (
        f"Recurrent({spec.type!r}, {x.shape[-1]}, {spec.units}"
        f"{'' if spec.use_bias else ', bias=False'}{reset}"
        f"{_functions(call, spec, -1)}{flags})"
    )


def _run(
    call: Call,
    spec: Any,
    x: Tensor,
    states: tuple[Tensor, ...],
    go_backwards: bool,
    shapes: list[Shape],
) -> list[Tensor]:
    """Writes `out[, h, c] = self.layer(x[, (h0, c0)])`."""
    sequence_in, sequence_out, state = layouts(spec, x.rank)
    x = call.code.to(x, sequence_in)
    state_shape = Tensor("", shapes[-1] if spec.return_state else _state(spec, shapes[0]), state)
    grid = state_shape.torch_shape()[2:]
    module = call.code.module(call.key, call.hint, build(call, spec, x, go_backwards, grid))
    arguments = x.var
    if states:
        given = [call.code.to(s, state).var for s in states]
        arguments += f", ({given[0]},)" if len(given) == 1 else f", ({', '.join(given)})"
    perms = [sequence_out if spec.return_sequences else state] + [state] * (len(shapes) - 1)
    return emit(call, module, arguments, shapes, perms)


def _state(spec: Any, output: Shape) -> Shape:
    """H_t's Keras shape from the layer's output: the sequence's step, or the output itself."""
    return (output[0], *output[2:]) if spec.return_sequences else output


@translates(*CONV_LSTM, *RNN)
def recurrent(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    shapes = output_shapes(spec, inputs[0].shape)
    return _run(call, spec, inputs[0], call.states, spec.go_backwards, shapes)


@translates("Bidirectional")
def bidirectional(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """Two layers; the backward one reads the sequence reversed (Keras flips `go_backwards` of
    a copy of `layer`, or takes `backward_layer`), and its sequence is flipped back before the
    merge, as Keras does."""
    code, x = call.code, inputs[0]
    forward_spec = spec.layer
    backward_spec = spec.backward_layer or spec.layer.model_copy(
        update={"go_backwards": not spec.layer.go_backwards}
    )
    forward_shapes = output_shapes(forward_spec, x.shape)
    backward_shapes = output_shapes(backward_spec, x.shape)
    if forward_shapes != backward_shapes:
        raise SpecError(
            ("backward_layer",),
            _(
                "Bidirectional cannot be written as PyTorch code: its backward layer gives "
                "{backward} and its forward layer {forward}; Keras states every shape from the "
                "forward layer alone, so the shapes it reports are not what would run. Give both "
                "the same filters/units"
            ).format(
                backward=", ".join(map(show, backward_shapes)),
                forward=", ".join(map(show, forward_shapes)),
            ),
        )
    half = len(call.states) // 2
    forward = _run(
        Call(code, f"{call.key}/forward", f"{call.hint}_forward"),
        forward_spec,
        x,
        call.states[:half],
        forward_spec.go_backwards,
        forward_shapes,
    )
    backward = _run(
        Call(code, f"{call.key}/backward", f"{call.hint}_backward"),
        backward_spec,
        x,
        call.states[half:],
        backward_spec.go_backwards,
        backward_shapes,
    )
    y, y_back = forward[0], backward[0]
    time = 1
    if forward_spec.return_sequences:
        flipped = code.let(f"{call.hint}_backward", f"{y_back.var}.flip({y_back.axis(time)})")
        y_back = Tensor(flipped, y_back.shape, y_back.perm)
    y_back = code.to(y_back, y.perm)
    shapes = output_shapes(spec, x.shape)
    states = forward[1:] + backward[1:]
    if spec.merge_mode is None:
        return [y, y_back, *states]
    merged = {
        "concat": f"torch.cat([{y.var}, {y_back.var}], dim={y.axis(-1)})",
        "sum": f"{y.var} + {y_back.var}",
        "mul": f"{y.var} * {y_back.var}",
        "ave": f"({y.var} + {y_back.var}) / 2",
    }[spec.merge_mode]
    output = Tensor(code.let(call.hint, merged), shapes[0], y.perm)
    return [output, *states]

"""What the per-gate ConvLSTM diagrams draw: shapes, counts and geometry, from the core's records.

Per gate g ∈ {i, f, c̃, o}: W_xg ∗ X_t (kernel k + (C, F), the layer's strides and padding),
W_hg ∗ H_{t−1} (kernel k + (F, F), stride 1 and 'same' padding on the output grid) and b_g (F).
Everything here is read off the records and the spec; nothing is recomputed from formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from app.core.records import GateRecord, LayerRecord, Shape
from app.core.shapes import by
from app.schema import LayerSpecBase

# Width of the share bar under each gate, in SVG user units (the gate's viewBox is 340 wide).
BAR_X, BAR_WIDTH = 20, 300
SYMBOLS = {"input": "i", "forget": "f", "cell": "c̃", "output": "o"}
ACTIVATION_SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "hard_sigmoid": "hard σ", "relu": "ReLU"}


@dataclass(frozen=True)
class Segment:
    """A piece of a gate's share bar: x and width in SVG user units."""

    part: str
    x: float
    width: float


@dataclass(frozen=True)
class GateView:
    gate: str
    symbol: str
    activation: str
    input_kernel_shape: str
    input_kernel: int
    recurrent_kernel_shape: str
    recurrent_kernel: int
    bias: int
    total: int
    segments: tuple[Segment, ...]
    peephole: int = 0  # peephole convention: W_c· ∘ C, one weight per channel
    normalization: int = 0  # gate LayerNorm's γ and β (OpenSTL's option)


@dataclass(frozen=True)
class ConvLSTMView:
    """One ConvLSTM layer's diagram: its gates and how C_t and H_t are formed."""

    index: int
    name: str
    type: str
    input_step: str  # X_t without batch and time, e.g. 40×40×3
    state: str  # H_t and C_t, e.g. 40×40×30
    grid: str  # output grid, e.g. 40×40
    channels: int  # C
    filters: int  # F
    strides: str
    padding: str
    dilation: str
    activation: str
    params: int
    gates: tuple[GateView, ...]


def _symbol(activation: object) -> str:
    if isinstance(activation, str):
        return ACTIVATION_SYMBOLS.get(activation, activation)
    return "custom"


def _segments(gate: GateRecord) -> tuple[Segment, ...]:
    parts = (
        ("input", gate.input_kernel),
        ("recurrent", gate.recurrent_kernel),
        ("bias", gate.bias),
        ("peephole", gate.peephole),
        ("normalization", gate.normalization),
    )
    segments, x = [], float(BAR_X)
    for part, n in parts:
        width = round(BAR_WIDTH * n / gate.total, 2) if gate.total else 0.0
        segments.append(Segment(part, round(x, 2), width))
        x += width
    return tuple(segments)


def _step(shape: Shape) -> Shape:
    """Drops batch and time: (None, 15, 40, 40, 3) → (40, 40, 3)."""
    return tuple(shape[2:])


def _dims(shape: Shape) -> str:
    return by(["?" if d is None else d for d in shape])


def conv_lstm_view(record: LayerRecord, spec: LayerSpecBase) -> ConvLSTMView | None:
    """The diagram of a ConvLSTM record (or of the ConvLSTM a wrapper holds); None otherwise."""
    while record.gates is None and record.layer is not None:
        record, spec = record.layer, getattr(spec, "layer", spec)
    if record.gates is None:
        return None
    shapes = {w.name: w.shape for w in record.weights}
    f = spec.filters  # type: ignore[attr-defined]
    channels_first = spec.channels_first  # type: ignore[attr-defined]
    step = _step(record.input_shape)
    c = step[0] if channels_first else step[-1]
    # Without input-to-state (a forecaster layer) there is no W_x; the recurrent kernel may
    # have its own size (the papers' options).
    input_kernel_shape = by((*shapes["kernel"][:-1], f)) if "kernel" in shapes else "—"
    recurrent_kernel_shape = by((*shapes["recurrent_kernel"][:-1], f))
    output = (
        record.output_shape[0] if isinstance(record.output_shape, list) else record.output_shape
    )
    state = tuple(output[2:] if spec.return_sequences else output[1:])  # type: ignore[attr-defined]
    grid = state[1:] if channels_first else state[:-1]
    gates = tuple(
        GateView(
            gate=g.gate,
            symbol=SYMBOLS[g.gate],
            activation=_symbol(
                spec.activation
                if g.gate == "cell"  # type: ignore[attr-defined]
                else spec.recurrent_activation
            ),  # type: ignore[attr-defined]
            input_kernel_shape=input_kernel_shape,
            input_kernel=g.input_kernel,
            recurrent_kernel_shape=recurrent_kernel_shape,
            recurrent_kernel=g.recurrent_kernel,
            bias=g.bias,
            total=g.total,
            segments=_segments(g),
            peephole=g.peephole,
            normalization=g.normalization,
        )
        for g in record.gates
    )
    return ConvLSTMView(
        index=record.index,
        name=record.name,
        type=record.type,
        input_step=_dims(step),
        state=_dims(state),
        grid=_dims(grid),
        channels=c,
        filters=f,
        strides=by(spec.strides),  # type: ignore[attr-defined]
        padding=spec.padding,  # type: ignore[attr-defined]
        dilation=by(spec.dilation_rate),  # type: ignore[attr-defined]
        activation=_symbol(spec.activation),  # type: ignore[attr-defined]
        params=record.params,
        gates=gates,
    )


def conv_lstm_views(
    records: Sequence[LayerRecord], specs: Sequence[LayerSpecBase], limit: int | None = None
) -> tuple[ConvLSTMView, ...]:
    """The views of the ConvLSTM layers, the first `limit` of them if given. A graph model's
    records follow Keras's order, so each is paired with the entry that built it (`index`); a
    shared layer's later calls add none."""
    views = (conv_lstm_view(r, specs[r.index]) for r in records if r.node_index in (None, 0))
    return tuple(islice((v for v in views if v is not None), limit))

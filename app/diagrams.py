"""What the per-gate ConvLSTM diagrams draw: shapes, counts and geometry, from the core's records.

Per gate g ∈ {i, f, c̃, o}: W_xg ∗ X_t (kernel k + (C, F), the layer's strides and padding),
W_hg ∗ H_{t−1} (kernel k + (F, F), stride 1 and 'same' padding on the output grid) and b_g (F).
Everything here is read off the records and the spec; nothing is recomputed from formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from app.core.conv_lstm import ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec
from app.core.records import GateRecord, LayerRecord, Shape
from app.core.shapes import by
from app.schema import LayerCallSpec, LayerSpecBase

# Width of the share bar under each gate, in SVG user units (the gate's viewBox is 340 wide).
BAR_X, BAR_WIDTH = 20, 300
SYMBOLS = {"input": "i", "forget": "f", "cell": "c̃", "output": "o"}
ConvLSTMSpec = ConvLSTM1DSpec | ConvLSTM2DSpec | ConvLSTM3DSpec
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

    @property
    def peephole_state(self) -> str:
        """The cell state a peephole looks at (Shi et al. 2015, eq. 3): i and f see C_{t−1},
        o sees the new C_t, since o is computed after C_t."""
        return "t" if self.gate == "output" else "t−1"


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


def _sizes(sizes: int | tuple[int, ...]) -> str:
    """`1×1`: validated specs hold their sizes as tuples of the layer's rank."""
    return by((sizes,) if isinstance(sizes, int) else sizes)


def _first(shape: Shape | list[Shape]) -> Shape:
    """The shape of a layer's (first) tensor; a list of shapes is a layer's several tensors."""
    return shape[0] if isinstance(shape, list) else shape


def _step(shape: Shape) -> Shape:
    """Drops batch and time: (None, 15, 40, 40, 3) → (40, 40, 3)."""
    return tuple(shape[2:])


def _dims(shape: Shape) -> str:
    return by(["?" if d is None else d for d in shape])


def conv_lstm_view(record: LayerRecord, spec: LayerSpecBase) -> ConvLSTMView | None:
    """The diagram of a ConvLSTM record (or of the ConvLSTM a wrapper holds); None otherwise."""
    while record.gates is None and record.layer is not None:
        record, spec = record.layer, getattr(spec, "layer", spec)
    # Only ConvLSTM records have gates.
    if record.gates is None or not isinstance(spec, ConvLSTMSpec):
        return None
    shapes = {w.name: w.shape for w in record.weights}
    f = spec.filters
    channels_first = spec.channels_first
    step = _step(_first(record.input_shape))
    c = step[0] if channels_first else step[-1]
    if c is None:
        raise ValueError(f"{record.name}: a ConvLSTM's channels are known (its analyser says so)")
    # Without input-to-state (a forecaster layer) there is no W_x; the recurrent kernel may
    # have its own size (the papers' options).
    input_kernel_shape = by((*shapes["kernel"][:-1], f)) if "kernel" in shapes else "—"
    recurrent_kernel_shape = by((*shapes["recurrent_kernel"][:-1], f))
    output = _first(record.output_shape)
    state = tuple(output[2:] if spec.return_sequences else output[1:])
    grid = state[1:] if channels_first else state[:-1]
    gates = tuple(
        GateView(
            gate=g.gate,
            symbol=SYMBOLS[g.gate],
            activation=_symbol(spec.activation if g.gate == "cell" else spec.recurrent_activation),
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
        strides=_sizes(spec.strides),
        padding=spec.padding,
        dilation=_sizes(spec.dilation_rate),
        activation=_symbol(spec.activation),
        params=record.params,
        gates=gates,
    )


def conv_lstm_views(
    records: Sequence[LayerRecord],
    specs: Sequence[LayerSpecBase | LayerCallSpec],
    limit: int | None = None,
) -> tuple[ConvLSTMView, ...]:
    """The views of the ConvLSTM layers, the first `limit` of them if given. A graph model's
    records follow Keras's order, so each is paired with the entry that built it (`index`); a
    shared layer's later calls add none."""
    views = (
        conv_lstm_view(r, spec)
        for r in records
        if r.node_index in (None, 0) and not isinstance(spec := specs[r.index], LayerCallSpec)
    )
    return tuple(islice((v for v in views if v is not None), limit))

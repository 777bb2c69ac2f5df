"""ConvLSTM1D/2D/3D (Shi et al. 2015, as built by `keras.layers.ConvLSTM{1,2,3}D`).

Per time step t, with X_t of C channels and H_{t−1}, C_{t−1} of F channels:

    i = σ(W_xi ∗ X_t + W_hi ∗ H_{t−1} + b_i)
    f = σ(W_xf ∗ X_t + W_hf ∗ H_{t−1} + b_f)
    c̃ = tanh(W_xc ∗ X_t + W_hc ∗ H_{t−1} + b_c)
    o = σ(W_xo ∗ X_t + W_ho ∗ H_{t−1} + b_o)
    C_t = f ⊙ C_{t−1} + i ⊙ c̃          H_t = o ⊙ tanh(C_t)

Keras stores the four gates side by side (order i, f, c, o): `kernel` is k + (C, 4F),
`recurrent_kernel` is k + (F, 4F) and `bias` is (4F,). The input convolution uses the layer's
strides, padding and dilation; the recurrent one runs at stride 1 with 'same' padding on the
output grid, so it sees F channels, never C. Parameters: 4 × (K·C·F + K·F·F + F), K = ∏k.

The `pytorch` and `peephole` conventions (`app/core/conventions.py`) change the weights, the
gates and the arithmetic; `keras` is what Keras builds and the only one Keras can check. Under
them a layer also takes the papers' options (`PAPER_OPTIONS` in `app/schema.py`), which Keras
cannot build: `recurrent_kernel_size` K' (Shi et al.'s state-to-state kernel; W_h is k' + (F, 4F)),
`input_to_state=false` (Shi's forecaster: no W_x, no gate sums; the input gives the steps),
`gate_normalization="layer"` (OpenSTL: LayerNorm([4F, *grid]) after each convolution, γ and β
of that shape) and `openstl_unused_convs` (conv_o and conv_last, built by OpenSTL's cell and
never called: parameters without arithmetic).

Costs per time step (one sample; P = cells of the output grid, P_in of the input grid):
    MACs = P·4F·K·C + P·4F·K·F (input and recurrent convolution, the latter also at t = 0)
    element-wise = 4PF bias adds (8PF for pytorch) + 4PF gate sums + 5PF activations
                   (σ i, σ f, tanh c̃, σ o, tanh C_t) + 3PF cell update + PF output
                   (+ 6PF for peephole: three Hadamard products and their adds)
    saved for BPTT = C·P_in (X_t) + 7PF (H_{t−1}, C_{t−1}, i, f, c̃, o, tanh C_t)
"""

from __future__ import annotations

from functools import cache, partial
from typing import ClassVar, Literal

from pydantic import Field, StrictBool, StrictInt

from app.core.common_help import LSTM_STATES, layer_help
from app.core.conventions import Convention, current_convention
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import by_kind, dot
from app.core.keras_objects import (
    Activation,
    Constraint,
    Initializer,
    Regularizer,
    activation_function,
    is_linear,
)
from app.core.records import Deferred, GateRecord, LayerRecord, Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import (
    check_strides_vs_dilation,
    conv_output_spatial,
    expect_ndim,
    join_channels,
    known,
    known_channels,
    prod,
    show,
    single,
)
from app.core.spec_base import (
    DataFormat,
    DefaultSizes,
    Dim,
    Padding,
    Rate,
    Sizes,
    _SpatialSpec,
    size_default,
)
from app.core.translation import N_
from app.core.translation import gettext as _

GateNormalization = Literal["layer"]


class _ConvLSTMSpec(_SpatialSpec):
    """`keras.layers.ConvLSTM{1,2,3}D`, plus the papers' options (`PAPER_OPTIONS`) that Keras
    cannot build: allowed under a non-`keras` convention only."""

    _tuple_fields = ("kernel_size", "strides", "dilation_rate", "recurrent_kernel_size")

    filters: Dim
    kernel_size: Sizes
    strides: DefaultSizes = size_default(1)
    padding: Padding = "valid"
    data_format: DataFormat | None = None
    dilation_rate: DefaultSizes = size_default(1)
    activation: Activation = "tanh"
    recurrent_activation: Activation = "sigmoid"
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    recurrent_initializer: Initializer = "orthogonal"
    bias_initializer: Initializer = "zeros"
    unit_forget_bias: StrictBool = True
    kernel_regularizer: Regularizer = None
    recurrent_regularizer: Regularizer = None
    bias_regularizer: Regularizer = None
    activity_regularizer: Regularizer = None
    kernel_constraint: Constraint = None
    recurrent_constraint: Constraint = None
    bias_constraint: Constraint = None
    dropout: Rate = 0.0
    recurrent_dropout: Rate = 0.0
    seed: StrictInt | None = None
    return_sequences: StrictBool = False
    return_state: StrictBool = False
    go_backwards: StrictBool = False
    stateful: StrictBool = False
    unroll: StrictBool = False
    # Not Keras's (see PAPER_OPTIONS): Shi et al. 2015 and OpenSTL.
    recurrent_kernel_size: Sizes | None = Field(
        default=None,
        description="Not Keras: the state-to-state kernel (W_h), when it differs from the "
        "input-to-state `kernel_size` (Shi et al. 2015). Needs a non-keras convention.",
    )
    input_to_state: StrictBool = Field(
        default=True,
        description="Not Keras: false drops W_x (a forecaster layer with no input of its own, "
        "Shi et al. 2015); the input gives the number of steps only. Non-keras convention.",
    )
    gate_normalization: GateNormalization | None = Field(
        default=None,
        description="Not Keras: `layer` puts OpenSTL's LayerNorm([4F, *grid]) (affine) after "
        "the input and the recurrent convolution. Non-keras convention.",
    )
    openstl_unused_convs: StrictBool = Field(
        default=False,
        description="Not Keras: the weights OpenSTL's ConvLSTMCell builds and never calls "
        "(conv_o k·2F·F, conv_last 1×1 2F·F): parameters, no arithmetic. Non-keras convention.",
    )


# The ConvLSTM options Keras cannot build, with their Keras-equivalent values.
PAPER_OPTIONS: dict[str, object] = {
    "recurrent_kernel_size": None,
    "input_to_state": True,
    "gate_normalization": None,
    "openstl_unused_convs": False,
}


class ConvLSTM1DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM1D"]
    rank: ClassVar[int] = 1


class ConvLSTM2DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM2D"]
    rank: ClassVar[int] = 2


class ConvLSTM3DSpec(_ConvLSTMSpec):
    type: Literal["ConvLSTM3D"]
    rank: ClassVar[int] = 3


ConvLSTMSpec = ConvLSTM1DSpec | ConvLSTM2DSpec | ConvLSTM3DSpec

GATES = ("input", "forget", "cell", "output")
_AXES = {1: "steps", 2: "rows, cols", 3: "conv_dim1, conv_dim2, conv_dim3"}


def layout(spec: ConvLSTMSpec) -> str:
    """`(batch, time, rows, cols, channels)` for ConvLSTM2D, channels last."""
    if spec.channels_first:
        return f"(batch, time, channels, {_AXES[spec.rank]})"
    return f"(batch, time, {_AXES[spec.rank]}, channels)"


def state_shape(spec: ConvLSTMSpec, input_shape: Shape) -> tuple[Shape, int]:
    """(shape of H_t and C_t with batch axis, input channels C), validating the input."""
    if len(input_shape) != spec.rank + 3:  # the layout text only when it is needed
        expect_ndim(input_shape, spec.rank + 3, spec.type, layout(spec))
    if spec.stateful and input_shape[0] is None:
        raise SpecError(
            ("stateful",),
            _(
                "stateful=true needs a fixed batch size, which keras.Input(shape=...) does not "
                "give (Keras refuses it); set stateful to false: it changes neither parameters "
                "nor shapes"
            ),
        )
    if input_shape[1] == 0:
        raise SpecError(("input",), _("{type} needs at least one time step").format(type=spec.type))
    channels_first = spec.channels_first
    spatial = input_shape[3:] if channels_first else input_shape[2:-1]
    if None in spatial:
        # Keras builds the initial state from the spatial sizes (ConvLSTMCell.build refuses).
        raise SpecError(
            ("input",),
            _(
                "{type} needs known spatial sizes (only the time axis may be None); "
                "received {shape}"
            ).format(type=spec.type, shape=show(input_shape)),
        )
    c = known_channels(
        input_shape[2] if channels_first else input_shape[-1], spec.type, input_shape
    )
    check_strides_vs_dilation(spec.strides, spec.dilation_rate)
    out = conv_output_spatial(
        spatial, spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
    )
    return join_channels(input_shape[0], out, spec.filters, channels_first), c


PEEPHOLE_GATES = ("input", "forget", "output")


def _linear(activation: object) -> bool:
    return is_linear(activation)


def check_options(spec: ConvLSTMSpec, convention: Convention) -> None:
    """The papers' options (`PAPER_OPTIONS`) are refused under `keras`: Keras cannot build them."""
    if convention != "keras":
        return
    for name, keras_value in PAPER_OPTIONS.items():
        if getattr(spec, name) != keras_value:
            raise SpecError(
                (name,),
                _(
                    "{argument} is not an argument of keras.layers.{type}: Keras cannot build "
                    "this layer; choose the pytorch or peephole convention, or leave it out"
                ).format(argument=name, type=spec.type),
            )


def kernels(spec: ConvLSTMSpec) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(input-to-state kernel, state-to-state kernel): Keras uses `kernel_size` for both."""
    k = spec.kernel_size
    return k, spec.recurrent_kernel_size or k


def norms(spec: ConvLSTMSpec) -> int:
    """How many gate LayerNorms run per step: after W_x ∗ X_t and after W_h ∗ H_{t−1}."""
    if spec.gate_normalization is None:
        return 0
    return 2 if spec.input_to_state else 1


def gates(
    spec: ConvLSTMSpec, channels: int, convention: Convention = "keras", cells: int = 0
) -> tuple[GateRecord, ...]:
    """Each gate owns K·C·F input-kernel (none without input-to-state), K'·F·F recurrent-kernel
    and F bias weights.

    pytorch: 2F bias (b_ih + b_hh); peephole: + F per-channel weights on i, f and o; gate
    LayerNorm: γ and β over F·P per convolution normalised. OpenSTL's unused convolutions belong
    to no gate.
    """
    k_in, k_rec = kernels(spec)
    f = spec.filters
    bias = (2 * f if convention == "pytorch" else f) if spec.use_bias else 0
    input_kernel = prod(k_in) * channels * f if spec.input_to_state else 0
    recurrent_kernel = prod(k_rec) * f * f
    normalization = norms(spec) * 2 * f * cells
    shared = input_kernel + recurrent_kernel + bias + normalization
    peephole = f if convention == "peephole" else 0

    def gate(name: str) -> GateRecord:
        own = peephole if name in PEEPHOLE_GATES else 0
        return GateRecord(
            gate=name,
            input_kernel=input_kernel,
            recurrent_kernel=recurrent_kernel,
            bias=bias,
            peephole=own,
            normalization=normalization,
            total=shared + own,
        )

    return tuple(gate(name) for name in GATES)


def unused_convs(spec: ConvLSTMSpec, cells: int) -> int:
    """OpenSTL's ConvLSTMCell builds conv_o (k, 2F → F) and conv_last (1×1, 2F → F), no bias,
    and never calls them; with layer_norm, conv_o is followed by LayerNorm([F, *grid])."""
    if not spec.openstl_unused_convs:
        return 0
    f, taps = spec.filters, prod(spec.kernel_size)
    return taps * 2 * f * f + 2 * f * f + (2 * f * cells if spec.gate_normalization else 0)


def formula(
    spec: ConvLSTMSpec, channels: int, convention: Convention, cell: tuple[int, ...]
) -> str:
    """`4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760` (Keras's blog-post arithmetic),
    with the convention's and the papers' options written out after it."""
    k_in, k_rec = kernels(spec)
    f = spec.filters
    terms = [f"{dot(k_in)}·{channels}·{f}"] if spec.input_to_state else []
    terms.append(f"{dot(k_rec)}·{f}·{f}")
    bias = 0
    if spec.use_bias:
        bias = 2 * f if convention == "pytorch" else f
        terms += [str(f), str(f)] if convention == "pytorch" else [str(f)]
    cells = prod(cell) // f
    shared = (prod(k_in) * channels * f if spec.input_to_state else 0) + prod(k_rec) * f * f + bias
    text = f"4 × ({' + '.join(terms)}) = 4 × {shared:,}"
    parts = [(4 * shared, "")]
    if norms(spec):
        n = norms(spec)
        parts.append(
            (
                n * 2 * 4 * f * cells,
                _("{norms} × 2 × 4·{filters}·{cells} (gate LayerNorm γ, β)").format(
                    norms=n,
                    filters=f,
                    cells=dot(cell[:-1] if not spec.channels_first else cell[1:]),
                ),
            )
        )
    if convention == "peephole":
        parts.append((3 * f, _("3 × {filters} (peepholes, one per channel)").format(filters=f)))
    extra = unused_convs(spec, cells)
    if extra:
        parts.append(
            (extra, _("{params} (OpenSTL's unused conv_o, conv_last)").format(params=f"{extra:,}"))
        )
    total = sum(n for n, _text in parts)
    if len(parts) == 1:
        return f"{text} = {total:,}"
    return (
        f"{text} + "
        + " + ".join(t for _n, t in parts[1:])
        + " = "
        + " + ".join(f"{n:,}" for n, _text in parts)
        + f" = {total:,}"
    )


def conv_lstm(spec: ConvLSTMSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    state, c = state_shape(spec, input_shape)
    convention = current_convention()
    check_options(spec, convention)
    f = spec.filters
    k_in, k_rec = kernels(spec)
    # The cell state's shape: output grid (known: `state_shape` refuses unknown spatial sizes)
    # and F channels.
    cell = known(state[1:])
    cells = prod(cell) // f
    grid = cell[1:] if spec.channels_first else cell[:-1]
    weights = []
    if spec.input_to_state:
        weights.append(
            WeightRecord(
                name="kernel", shape=(*k_in, c, 4 * f), count=prod(k_in) * c * 4 * f, trainable=True
            )
        )
    weights.append(
        WeightRecord(
            name="recurrent_kernel",
            shape=(*k_rec, f, 4 * f),
            count=prod(k_rec) * f * 4 * f,
            trainable=True,
        )
    )
    if spec.use_bias:
        weights.append(WeightRecord(name="bias", shape=(4 * f,), count=4 * f, trainable=True))
        if convention == "pytorch":
            weights.append(
                WeightRecord(name="recurrent_bias", shape=(4 * f,), count=4 * f, trainable=True)
            )
    if convention == "peephole":
        # Per channel: the counts of Shi et al. 2015, Table 1, imply F weights per gate.
        weights += [weight(f"{g}_peephole", (f,)) for g in PEEPHOLE_GATES]
    if spec.gate_normalization:
        for conv in ("kernel", "recurrent")[2 - norms(spec) :]:
            weights += [weight(f"{conv}_norm_{p}", (4 * f, *grid)) for p in ("gamma", "beta")]
    if spec.openstl_unused_convs:
        weights += [
            weight("unused_conv_o", (*spec.kernel_size, 2 * f, f)),
            weight("unused_conv_last", (2 * f, f)),
        ]
        if spec.gate_normalization:
            weights += [weight(f"unused_conv_o_norm_{p}", (f, *grid)) for p in ("gamma", "beta")]
    output = (state[0], input_shape[1], *cell) if spec.return_sequences else state
    return LayerFacts(
        output_shape=[output, state, state] if spec.return_state else output,
        weights=tuple(weights),
        gates=Deferred(gates, spec, c, convention, cells),
        formula=Deferred(formula, spec, c, convention, cell),
    )


@cache
def elementwise_per_cell(
    convention: Convention,
    use_bias: bool,
    recurrent_activation: object,
    activation: object,
    input_to_state: bool = True,
    norm_count: int = 0,
) -> tuple[int, int, tuple[tuple[str, int], ...]]:
    """(element-wise FLOPs per output element (one cell, one filter) and step, of which bias
    adds, and the counts by kind: `(("bias adds", 4), ("gate sums", 4), ...)`). A table over a
    handful of flags, hence cached. A gate LayerNorm costs 5 FLOPs per normalised element (mean,
    variance, normalise, scale, shift: fvcore's count for an affine norm), over 4 gates."""
    per_cell = {
        "bias adds": (8 if convention == "pytorch" else 4) if use_bias else 0,
        "gate sums": 4 if input_to_state else 0,  # W_x ∗ X_t + W_h ∗ H_{t−1}
        "gate norms": 5 * 4 * norm_count,
        "activations": (0 if _linear(recurrent_activation) else 3)
        + (0 if _linear(activation) else 2),
        "cell update": 3,  # f ⊙ C_{t−1}, i ⊙ c̃ and their sum
        "output": 1,  # o ⊙ tanh(C_t)
        "peepholes": 6 if convention == "peephole" else 0,
    }
    # The kinds, not their text: this cache outlives the request's language.
    return sum(per_cell.values()), per_cell["bias adds"], tuple(per_cell.items())


def _state_of(spec: ConvLSTMSpec, output_shape: Shape | list[Shape]) -> Shape:
    """H_t's shape (batch axis first) from the analysed output: `[output, H, C]`, the sequence
    of H_t, or H_t itself."""
    if isinstance(output_shape, list):
        return output_shape[1]
    if spec.return_sequences:
        return (output_shape[0], *output_shape[2:])
    return output_shape


def conv_lstm_costs(spec: ConvLSTMSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """MACs, element-wise FLOPs and saved elements of one time step (see the module docstring)."""
    # The record's shapes were checked by `state_shape` in the analyser: read H_t's shape and C
    # back from them instead of validating them again.
    f = spec.filters
    k_in, k_rec = (prod(k) for k in kernels(spec))
    # One sample's H_t holds P·F elements; one step of the input P_in·C.
    p = prod(known(_state_of(spec, record.output_shape)[1:])) // f
    steps, *step = known(single(record.input_shape)[1:])
    c = step[0] if spec.channels_first else step[-1]
    p_in = prod(step) // c
    # Without input-to-state the input is never read: only its time axis counts.
    c_used = c if spec.input_to_state else 0
    norm_count = norms(spec)
    per_element, bias_per_cell, kinds = elementwise_per_cell(
        context.convention,
        spec.use_bias,
        # By the function computed: hashable for the cache, a LeakyReLU layer as `leaky_relu`.
        activation_function(spec.recurrent_activation),
        activation_function(spec.activation),
        spec.input_to_state,
        norm_count,
    )
    peephole = context.convention == "peephole"
    return CostFacts(
        steps=steps,
        recurrent=True,
        macs=p * 4 * f * (k_in * c_used + k_rec * f),  # input and recurrent convolutions
        bias_adds=bias_per_cell * p * f,
        elementwise=per_element * p * f,
        # Each gate norm keeps its input (4PF) for the backward pass.
        saved=c_used * p_in + 7 * p * f + norm_count * 4 * p * f,
        saved_once=p * f if peephole else 0,
        moved=c_used * p_in + 4 * p * f,  # read X_t, H_{t−1}, C_{t−1}; write H_t, C_t
        # Inference working set: input and output sequences, H and C, four gate maps.
        working=elements(record.input_shape) + elements(record.output_shape) + 6 * p * f,
        texts=partial(
            cost_texts,
            p,
            f,
            (k_in, k_rec),
            c_used,
            p_in,
            per_element,
            kinds,
            peephole,
            norm_count,
        ),
    )


def cost_texts(
    p: int,
    f: int,
    k: tuple[int, int],
    c: int,
    p_in: int,
    per_element: int,
    kinds: tuple[tuple[str, int], ...],
    peephole: bool,
    norm_count: int = 0,
) -> tuple[str, str, str]:
    """The MAC, FLOP and saved-element derivations of one step, with this layer's numbers
    (k: input-to-state and state-to-state kernel volumes; c = 0 without input-to-state).

    A function of the counts rather than a closure: a closure would keep a dozen cell objects
    per layer alive for the collector to scan."""
    k_in, k_rec = k
    macs_in, macs_rec = p * 4 * f * k_in * c, p * 4 * f * k_rec * f
    macs = macs_in + macs_rec
    saved = c * p_in + 7 * p * f + norm_count * 4 * p * f
    norm_text = (
        _(" + {norms}·4·P·F (gate norm inputs)").format(norms=norm_count) if norm_count else ""
    )
    norm_numbers = f" + {norm_count}·4·{p}·{f}" if norm_count else ""
    return (
        _("per step {derivation}").format(
            derivation=f"P·4F·K·C + P·4F·K·F = {p}·{4 * f}·{k_in}·{c} + {p}·{4 * f}·{k_rec}·{f}"
            f" = {macs_in:,} + {macs_rec:,} = {macs:,}"
        ),
        _(
            "per step 2 × {macs} MACs + {per}·P·F element-wise ({kinds}) = "
            "{flops} + {per}·{cells}·{filters} = {total}"
        ).format(
            macs=f"{macs:,}",
            per=per_element,
            kinds=by_kind(kinds),
            flops=f"{2 * macs:,}",
            cells=p,
            filters=f,
            total=f"{2 * macs + per_element * p * f:,}",
        ),
        _("per step {derivation}").format(
            derivation=f"C·P_in + 7·P·F{norm_text} (X_t; H_{{t−1}}, "
            f"{'C_t' if peephole else 'C_{t−1}'}, i, f, c̃, o, tanh C_t) = {c}·{p_in} + 7·{p}·{f}"
            f"{norm_numbers} = {saved:,}"
        )
        + (_("; once: C_0 = {values}").format(values=f"{p * f:,}") if peephole else ""),
    )


FAMILY_SPECS = (
    ConvLSTM1DSpec,
    ConvLSTM2DSpec,
    ConvLSTM3DSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
_CONV_LSTM_HELP = {
    **layer_help(initial_state=LSTM_STATES),
    "filters": N_("Output channels F: the channels of H_t and C_t."),
    "kernel_size": N_(
        "Convolution window, e.g. 3,3. Used by both the input and the recurrent convolution."
    ),
    "strides": N_("Step of the input convolution; the recurrent one always uses 1."),
    "padding": N_(
        "valid shrinks the grid, same keeps it; the recurrent convolution is always same."
    ),
    "data_format": N_("Where the channels axis is; default is channels_last."),
    "dilation_rate": N_("Spacing between kernel taps of the input convolution."),
    "activation": N_("Activation of the cell candidate and of C_t in H_t (default tanh)."),
    "recurrent_activation": N_("Activation of the gates (default sigmoid); linear costs no FLOPs."),
    "use_bias": N_("Adds F bias weights per gate."),
    "return_sequences": N_("Return H_t for every time step, not just the last."),
    "return_state": N_("Also return the last H_t and C_t."),
    "kernel_initializer": N_(
        "How the input kernel W_x (all 4 gates) starts (default glorot_uniform); no effect on "
        "counts."
    ),
    "recurrent_initializer": N_(
        "How the recurrent kernel W_h starts (default orthogonal); no effect on counts."
    ),
    "bias_initializer": N_("Starting values of the 4F biases (default zeros)."),
    "unit_forget_bias": N_(
        "Starts the forget gate's F biases at 1 (the rest from bias_initializer); no effect "
        "on counts."
    ),
    "kernel_regularizer": N_("Penalty on the input kernel W_x added to the loss."),
    "recurrent_regularizer": N_("Penalty on the recurrent kernel W_h added to the loss."),
    "bias_regularizer": N_("Penalty on the 4F biases added to the loss."),
    "activity_regularizer": N_("Penalty on the layer's output H added to the loss."),
    "kernel_constraint": N_("Projection applied to W_x after each update (e.g. max_norm)."),
    "recurrent_constraint": N_("Projection applied to W_h after each update."),
    "bias_constraint": N_("Projection applied to the biases after each update."),
    "dropout": N_(
        "Fraction of the input X_t dropped during training, before the input convolution."
    ),
    "recurrent_dropout": N_(
        "Fraction of H_(t−1) dropped during training, before the recurrent convolution."
    ),
    "seed": N_("Seed of the dropout masks; empty: random."),
    "go_backwards": N_("Process the sequence from the last step to the first."),
    "stateful": N_(
        "Keeps each sample's last H and C as its start in the next batch; needs a fixed batch size."
    ),
    "unroll": N_(
        "Unrolls the time loop into a straight graph: faster for short sequences, more memory."
    ),
    "recurrent_kernel_size": N_(
        "Not Keras: the state-to-state kernel W_h when it differs from kernel_size (Shi et al. "
        "2015); needs a non-keras convention."
    ),
    "input_to_state": N_(
        "Not Keras: false drops W_x (a forecaster without input of its own, Shi et al. 2015); "
        "needs a non-keras convention."
    ),
    "gate_normalization": N_(
        "Not Keras: layer puts OpenSTL's LayerNorm over the 4F gate channels after each "
        "convolution; needs a non-keras convention."
    ),
    "openstl_unused_convs": N_(
        "Not Keras: counts the two convolutions OpenSTL's cell builds but never calls "
        "(parameters, no arithmetic); needs a non-keras convention."
    ),
}
HELP: dict[str, dict[str, str]] = {
    "ConvLSTM1D": _CONV_LSTM_HELP,
    "ConvLSTM2D": _CONV_LSTM_HELP,
    "ConvLSTM3D": _CONV_LSTM_HELP,
}


FAMILY = LayerFamily(
    name="ConvLSTM",
    specs=FAMILY_SPECS,
    analysers=((FAMILY_SPECS, conv_lstm),),
    costs=((FAMILY_SPECS, conv_lstm_costs),),
    editor=EditorHints(
        primary=frozenset(
            {
                "filters",
                "kernel_size",
                "strides",
                "padding",
                "data_format",
                "dilation_rate",
                "use_bias",
                "return_sequences",
                "return_state",
                "activation",
                "recurrent_activation",
            }
        ),
        new_values={"filters": 32, "kernel_size": 3},
        # A 3×3 kernel with "same" padding keeps the grid: what a forecasting stack wants.
        new_by_type={
            f"ConvLSTM{rank}D": {"kernel_size": [3] * rank, "padding": "same"} for rank in (1, 2, 3)
        },
        stacks=True,
    ),
    help=HELP,
)

"""SimpleRNN, LSTM and GRU (`keras/src/layers/rnn/{simple_rnn,lstm,gru}.py`).

Each layer runs one cell over the time axis of a (batch, time, D) input; its weights belong to
the cell (`lstm_cell/kernel`, ...). With g gates of U units, the cell keeps the gates side by
side: `kernel` (D, g·U), `recurrent_kernel` (U, g·U) and `bias` (g·U,), except GRU with
`reset_after=True` (Keras's default), whose recurrent product has a bias of its own: `bias` is
(2, 3·U). Parameters: g·(D·U + U·U + U), GRU with reset_after g·(D·U + U·U + 2U).

    SimpleRNN (g = 1): h_t = act(x_t·W + b + h_{t−1}·U)
    LSTM (g = 4, order i, f, c, o): i, f, o = σ(x_t·W_• + h_{t−1}·U_• + b_•),
        c̃ = act(x_t·W_c + h_{t−1}·U_c + b_c), c_t = f ⊙ c_{t−1} + i ⊙ c̃, h_t = o ⊙ act(c_t)
    GRU (g = 3, order z, r, h): z, r = σ(x_t·W_• + h_{t−1}·U_• + b_•),
        h̃ = act(x_t·W_h + b_h + r ⊙ (h_{t−1}·U_h + b'_h))   (reset_after; else (r ⊙ h_{t−1})·U_h)
        h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃

Outputs: (batch, U), or (batch, time, U) with `return_sequences`; `return_state` appends the
final states, each (batch, U): h and c for LSTM, h for the others.

Costs per time step, one sample (`docs/costs.md`):
    MACs = g·U·(D + U) (input and recurrent products, the latter at t = 0 too)
    element-wise: bias adds g·U (GRU reset_after 2·3U), one sum per gate (g·U), one FLOP per
    activation, the gates' Hadamard products and sums (LSTM 3U + U, GRU r ⊙ · U and 4U for
    z ⊙ h + (1 − z) ⊙ h̃). Linear activations cost nothing.
    saved for BPTT: x_t (D) + SimpleRNN 2U (h_{t−1}, h_t), LSTM 7U (h_{t−1}, c_{t−1}, i, f, c̃,
    o, act(c_t)), GRU 5U (h_{t−1}, z, r, h̃ and the product r multiplies)
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from pydantic import StrictBool, StrictInt

from app.core.activations import check_activation
from app.core.common_help import LSTM_STATES, ONE_STATE, layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import by_kind, dot, num
from app.core.keras_objects import Activation, Constraint, Initializer, Regularizer, is_linear
from app.core.records import Deferred, LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import expect_ndim, known_channels, sample
from app.core.spec_base import Dim, LayerSpecBase, Rate
from app.core.translation import N_
from app.core.translation import gettext as _

# --- Recurrent layers (`keras.layers.{LSTM,GRU,SimpleRNN}`) ----------------------------------


class _RNNSpec(LayerSpecBase):
    """Arguments LSTM, GRU and SimpleRNN share (`keras/src/layers/rnn/`)."""

    units: Dim
    activation: Activation = "tanh"
    use_bias: StrictBool = True
    kernel_initializer: Initializer = "glorot_uniform"
    recurrent_initializer: Initializer = "orthogonal"
    bias_initializer: Initializer = "zeros"
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


class SimpleRNNSpec(_RNNSpec):
    """`keras.layers.SimpleRNN`: h_t = activation(x_t·W + h_{t−1}·U + b)."""

    type: Literal["SimpleRNN"]


class LSTMSpec(_RNNSpec):
    """`keras.layers.LSTM`: four gates (i, f, c, o) side by side in every weight."""

    type: Literal["LSTM"]
    recurrent_activation: Activation = "sigmoid"
    unit_forget_bias: StrictBool = True
    use_cudnn: Literal["auto"] | StrictBool = "auto"


class GRUSpec(_RNNSpec):
    """`keras.layers.GRU`: three gates (z, r, h); `reset_after` (default) gives the recurrent
    kernel its own bias, so `bias` is (2, 3·units)."""

    type: Literal["GRU"]
    recurrent_activation: Activation = "sigmoid"
    reset_after: StrictBool = True
    use_cudnn: Literal["auto"] | StrictBool = "auto"


RNNSpec = SimpleRNNSpec | LSTMSpec | GRUSpec

GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
STATES = {"SimpleRNN": 1, "LSTM": 2, "GRU": 1}


def _two_biases(spec: RNNSpec) -> bool:
    """GRU with reset_after: a bias for the input product and one for the recurrent one."""
    return isinstance(spec, GRUSpec) and spec.reset_after


def check_input(spec: RNNSpec, input_shape: Shape) -> int:
    """The input's feature size D, once the input is known to be one Keras builds on."""
    if len(input_shape) != 3:
        expect_ndim(input_shape, 3, spec.type, "(batch, time, features)")
    if spec.stateful and input_shape[0] is None:
        raise SpecError(
            ("stateful",),
            _(
                "stateful=true needs a fixed batch size, which keras.Input(shape=...) does not "
                "give (Keras refuses it); set stateful to false: it changes neither parameters "
                "nor shapes"
            ),
        )
    check_activation(spec.activation)
    if not isinstance(spec, SimpleRNNSpec):
        check_activation(spec.recurrent_activation, "recurrent_activation")
    # Keras builds the kernel from the last axis, so it must be known.
    return known_channels(input_shape[-1], spec.type, input_shape)


def formula(spec: RNNSpec, d: int) -> str:
    """`4 × (3·8 + 8·8 + 8) = 4 × 96 = 384`, one gate's share in the parentheses."""
    g, u = GATES[spec.type], spec.units
    terms = f"{dot([d, u])} + {dot([u, u])}"
    bias = 0
    if spec.use_bias:
        bias = 2 * u if _two_biases(spec) else u
        terms += f" + 2·{u}" if _two_biases(spec) else f" + {u}"
    share = d * u + u * u + bias
    if g == 1:
        return f"{terms} = {num(share)}"
    return f"{g} × ({terms}) = {g} × {num(share)} = {num(g * share)}"


def recurrent(spec: RNNSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    d = check_input(spec, input_shape)
    g, u = GATES[spec.type], spec.units
    weights = [weight("kernel", (d, g * u)), weight("recurrent_kernel", (u, g * u))]
    if spec.use_bias:
        weights.append(weight("bias", (2, g * u) if _two_biases(spec) else (g * u,)))
    batch = input_shape[0]
    state = (batch, u)
    output = (batch, input_shape[1], u) if spec.return_sequences else state
    return LayerFacts(
        output_shape=[output, *[state] * STATES[spec.type]] if spec.return_state else output,
        weights=tuple(weights),
        formula=Deferred(formula, spec, d),
    )


def _linear(activation: object) -> bool:
    return is_linear(activation)


def elementwise_per_unit(spec: RNNSpec) -> dict[str, int]:
    """Element-wise FLOPs per unit and step, by kind (see the module docstring)."""
    g = GATES[spec.type]
    act = 0 if _linear(spec.activation) else 1
    if isinstance(spec, SimpleRNNSpec):
        return {"bias adds": int(spec.use_bias), "sums": 1, "activations": act}
    recurrent = 0 if _linear(spec.recurrent_activation) else 1
    bias = (2 * g if _two_biases(spec) else g) if spec.use_bias else 0
    if isinstance(spec, LSTMSpec):
        return {
            "bias adds": bias,
            "gate sums": 4,
            "activations": 3 * recurrent + 2 * act,
            "cell update": 3,
            "output": 1,
        }
    return {
        "bias adds": bias,
        "gate sums": 3,
        "activations": 2 * recurrent + act,
        "reset product": 1,
        "output": 4,
    }


SAVED_PER_UNIT = {"SimpleRNN": 2, "LSTM": 7, "GRU": 6}
SAVED_TEXT = {
    "SimpleRNN": "h_{t−1}, h_t",
    "LSTM": "h_{t−1}, c_{t−1}, i, f, c̃, o, act(c_t)",
    "GRU": N_("h_{t−1}, z, r, h̃, the product r multiplies, 1 − z"),
}
# Per unit: states read and written per step (moved), and live besides input and output.
MOVED_PER_UNIT = {"SimpleRNN": 2, "LSTM": 4, "GRU": 2}
WORKING_PER_UNIT = {"SimpleRNN": 1, "LSTM": 6, "GRU": 4}


def recurrent_costs(spec: RNNSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    """MACs, element-wise FLOPs and saved elements of one time step (module docstring)."""
    g, u = GATES[spec.type], spec.units
    sizes = sample(record.input_shape)  # (time, features), checked by the analyser
    steps, d = sizes[0], sizes[-1]
    per_unit = elementwise_per_unit(spec)
    per = sum(per_unit.values())
    saved = d + SAVED_PER_UNIT[spec.type] * u
    return CostFacts(
        steps=steps,
        # Not `recurrent`: that flag says PyTorch has no such module, and torch.nn.{RNN,LSTM,GRU}
        # exist (their matrix products are what torch's flop counter sees).
        macs=g * u * (d + u),
        bias_adds=per_unit["bias adds"] * u,
        elementwise=per * u,
        saved=saved,
        moved=d + MOVED_PER_UNIT[spec.type] * u,
        working=elements(record.input_shape)
        + elements(record.output_shape)
        + WORKING_PER_UNIT[spec.type] * u,
        texts=partial(cost_texts, spec.type, g, u, d, per_unit),
    )


def cost_texts(
    layer_type: str, g: int, u: int, d: int, per_unit: dict[str, int]
) -> tuple[str, str, str]:
    """The MAC, FLOP and saved-element derivations of one step, with this layer's numbers."""
    macs_in, macs_rec = g * u * d, g * u * u
    macs = macs_in + macs_rec
    per = sum(per_unit.values())
    saved_units = SAVED_PER_UNIT[layer_type]
    return (
        _("per step {derivation}").format(
            derivation=f"g·U·D + g·U·U = {dot([g, u, d])} + {dot([g, u, u])}"
            f" = {num(macs_in)} + {num(macs_rec)} = {num(macs)}"
        ),
        _(
            "per step 2 × {macs} MACs + {per}·U element-wise ({kinds}) = "
            "{flops} + {per}·{units} = {total}"
        ).format(
            macs=num(macs),
            per=per,
            kinds=by_kind(per_unit.items()),
            flops=num(2 * macs),
            units=u,
            total=num(2 * macs + per * u),
        ),
        _("per step {derivation}").format(
            derivation=f"D + {saved_units}·U (x_t; {_(SAVED_TEXT[layer_type])}) = "
            f"{d} + {saved_units}·{u} = {num(d + saved_units * u)}"
        ),
    )


FAMILY_SPECS = (
    SimpleRNNSpec,
    LSTMSpec,
    GRUSpec,
)
# Help per editor control (app/argument_help.py), English; the page translates it.
_RNN_HELP = {
    "return_sequences": N_("Return h_t for every time step, not just the last."),
    "kernel_initializer": N_(
        "How the input kernel W starts (default glorot_uniform); no effect on counts."
    ),
    "recurrent_initializer": N_(
        "How the recurrent kernel U starts (default orthogonal); no effect on counts."
    ),
    "bias_initializer": N_("Starting values of the biases (default zeros); no effect on counts."),
    "kernel_regularizer": N_("Penalty on the input kernel W added to the loss."),
    "recurrent_regularizer": N_("Penalty on the recurrent kernel U added to the loss."),
    "bias_regularizer": N_("Penalty on the biases added to the loss."),
    "activity_regularizer": N_("Penalty on the layer's output added to the loss."),
    "kernel_constraint": N_("Projection applied to W after each update (e.g. max_norm)."),
    "recurrent_constraint": N_("Projection applied to U after each update."),
    "bias_constraint": N_("Projection applied to the biases after each update."),
    "dropout": N_("Fraction of the input x_t dropped during training, before the product with W."),
    "recurrent_dropout": N_(
        "Fraction of h_(t−1) dropped during training, before the product with U."
    ),
    "seed": N_("Seed of the dropout masks; empty: random."),
    "go_backwards": N_("Process the sequence from the last step to the first."),
    "stateful": N_(
        "Keeps each sample's last state as its start in the next batch; needs a fixed batch size."
    ),
    "unroll": N_(
        "Unrolls the time loop into a straight graph: faster for short sequences, more memory."
    ),
}
HELP: dict[str, dict[str, str]] = {
    "SimpleRNN": {
        **layer_help(initial_state=ONE_STATE),
        **_RNN_HELP,
        "units": N_("Size of the state h and of the output: W is D × units, U is units × units."),
        "activation": N_("Activation of the new state h_t (default tanh)."),
        "use_bias": N_("Adds units bias weights."),
        "return_state": N_("Also return the last h_t."),
    },
    "LSTM": {
        **layer_help(initial_state=LSTM_STATES),
        **_RNN_HELP,
        "units": N_(
            "Size of h and c; the 4 gates (i, f, c, o) each take units columns of W and U."
        ),
        "activation": N_("Activation of the cell candidate and of c_t in h_t (default tanh)."),
        "recurrent_activation": N_(
            "Activation of the i, f and o gates (default sigmoid); linear costs no FLOPs."
        ),
        "use_bias": N_("Adds 4 × units bias weights (one per gate and unit)."),
        "return_state": N_("Also return the last h_t and c_t."),
        "unit_forget_bias": N_(
            "Starts the forget gate's biases at 1 (the rest from bias_initializer); no effect "
            "on counts."
        ),
    },
    "GRU": {
        **layer_help(initial_state=ONE_STATE),
        **_RNN_HELP,
        "units": N_("Size of h; the 3 gates (z, r, h) each take units columns of W and U."),
        "activation": N_("Activation of the candidate state (default tanh)."),
        "recurrent_activation": N_(
            "Activation of the update and reset gates (default sigmoid); linear costs no FLOPs."
        ),
        "use_bias": N_(
            "Adds 3 × units bias weights, twice that with reset_after (a second bias for U)."
        ),
        "return_state": N_("Also return the last h_t."),
        "reset_after": N_(
            "GRU: apply the reset gate after the recurrent product, which then has its own bias "
            "(+3 × units)."
        ),
    },
}


FAMILY = LayerFamily(
    name="Recurrent (SimpleRNN, LSTM, GRU)",
    specs=FAMILY_SPECS,
    analysers=((FAMILY_SPECS, recurrent),),
    costs=((FAMILY_SPECS, recurrent_costs),),
    editor=EditorHints(
        primary=frozenset(
            {
                "units",
                "activation",
                "recurrent_activation",
                "use_bias",
                "reset_after",
                "return_sequences",
                "return_state",
            }
        ),
        new_values={"units": 64},
        # It only picks a backend kernel ("auto", true or false: no checkbox shows three).
        hidden=frozenset({"use_cudnn"}),
        stacks=True,
    ),
    help=HELP,
)

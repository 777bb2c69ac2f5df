"""TimeDistributed and Bidirectional (`keras/src/layers/rnn/{time_distributed,bidirectional}.py`).

TimeDistributed applies one layer to every time step: the wrapped layer sees
(batch, *shape[2:]) and the time axis is put back; its weights are shared, so the parameters
are the wrapped layer's. Bidirectional runs a forward and a backward copy of a recurrent layer:
twice the parameters (or forward + backward when `backward_layer` is given).

`"trainable": false` freezes a layer's weights wherever it stands, as `layer.trainable = False`
does in Keras (see README: Keras's constructor argument alone does not freeze weights owned by
sub-layers, such as a ConvLSTM's cell or a wrapper's inner layers).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from app.core.common_help import layer_help
from app.core.conv_lstm import ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec
from app.core.costs import CostContext, CostFacts, cost_facts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.formula import num
from app.core.records import Deferred, LayerRecord, Shape, WeightRecord
from app.core.recurrent import GRUSpec, LSTMSpec, SimpleRNNSpec
from app.core.registry import LayerFacts, Namer, analyse
from app.core.shapes import sample, show
from app.core.spec_base import LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _

if TYPE_CHECKING:
    # The union of every family's specs: `app.schema` builds it and resolves the name.
    from app.schema import LayerSpec


class TimeDistributedSpec(LayerSpecBase):
    """`keras.layers.TimeDistributed`: applies `layer` to every time step."""

    type: Literal["TimeDistributed"]
    layer: LayerSpec


class BidirectionalSpec(LayerSpecBase):
    """`keras.layers.Bidirectional`: a forward and a backward copy of a recurrent `layer`."""

    type: Literal["Bidirectional"]
    layer: LayerSpec
    merge_mode: Literal["sum", "mul", "ave", "concat"] | None = "concat"
    weights: None = None
    backward_layer: LayerSpec | None = None


RECURRENT = (ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec, LSTMSpec, GRUSpec, SimpleRNNSpec)
RecurrentSpec = (
    ConvLSTM1DSpec | ConvLSTM2DSpec | ConvLSTM3DSpec | LSTMSpec | GRUSpec | SimpleRNNSpec
)


def _wrapped(spec: LayerSpecBase, shape: Shape, namer: Namer, field: str = "layer") -> LayerRecord:
    """The wrapped layer's record; its errors are located inside the wrapper's `field`."""
    try:
        return analyse(spec, shape, namer, index=0)
    except SpecError as error:
        if error.loc[:1] == ("input",):
            raise
        raise error.within(field) from None


def time_distributed(spec: TimeDistributedSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    if len(input_shape) < 3:
        raise SpecError(
            ("input",),
            _(
                "TimeDistributed needs an input with a time axis, at least 3-D (batch, time, "
                "...); received {shape}"
            ).format(shape=show(input_shape)),
        )
    inner = _wrapped(spec.layer, (input_shape[0], *input_shape[2:]), namer)
    if isinstance(inner.output_shape, list):
        raise SpecError(
            ("layer",),
            _(
                "TimeDistributed cannot wrap a layer with several outputs ({type} with "
                "return_state); set return_state to false"
            ).format(type=inner.type),
        )
    step = inner.output_shape
    return LayerFacts(
        output_shape=(step[0], input_shape[1], *step[1:]),
        weights=inner.weights,
        formula=Deferred(
            lambda: _("shared by every time step: {formula}").format(formula=inner.formula)
        ),
        inner=inner,
    )


def _check_pair(forward: RecurrentSpec, backward: RecurrentSpec, given: bool) -> None:
    """Keras's `Bidirectional._verify_layer_config`."""
    if forward.go_backwards == backward.go_backwards:
        where = ("backward_layer" if given else "layer", "go_backwards")
        raise SpecError(
            where,
            _(
                "the forward and backward layers must differ in go_backwards; received "
                "go_backwards={value} for both (Keras sets the backward copy to true, so leave "
                "the wrapped layer's go_backwards false)"
            ).format(value=forward.go_backwards),
        )
    for attribute in ("stateful", "return_sequences", "return_state"):
        ahead, behind = getattr(forward, attribute), getattr(backward, attribute)
        if ahead != behind:
            raise SpecError(
                ("backward_layer", attribute),
                _(
                    "the backward layer must have the same {argument} as the forward layer; "
                    "received {backward} and {forward}"
                ).format(argument=attribute, backward=behind, forward=ahead),
            )


def _prefixed(record: LayerRecord, prefix: str) -> tuple[WeightRecord, ...]:
    return tuple(replace(w, name=f"{prefix}/{w.name}") for w in record.weights)


def _recurrent(wrapped: LayerSpecBase, field: str) -> RecurrentSpec:
    """`wrapped`, which Bidirectional takes only if it is a recurrent layer."""
    if not isinstance(wrapped, RECURRENT):
        raise SpecError(
            (field, "type"),
            _(
                "Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN, "
                "ConvLSTM1D/2D/3D); received {type}"
            ).format(type=wrapped.type),
        )
    return wrapped


def bidirectional(spec: BidirectionalSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    # Its trainable flag freezes both copies (Keras: on forward_layer and backward_layer after
    # construction, since the copies are rebuilt from the layer's config).
    layer = _recurrent(spec.layer, "layer")
    given = (
        None if spec.backward_layer is None else _recurrent(spec.backward_layer, "backward_layer")
    )
    forward = _wrapped(layer, input_shape, namer)
    if given is None:
        backward_spec = layer.model_copy(update={"go_backwards": True})
        backward = forward
    else:
        backward_spec = given
        backward = _wrapped(backward_spec, input_shape, namer, "backward_layer")
    _check_pair(layer, backward_spec, given=spec.backward_layer is not None)

    outputs = forward.output_shape
    output, states = (outputs[0], outputs[1:]) if isinstance(outputs, list) else (outputs, [])
    if spec.merge_mode == "concat":
        if output[-1] is None:
            raise SpecError(("merge_mode",), _("concat needs a known last axis; received None"))
        # Keras doubles the last axis, whatever the data_format (channels_first included).
        merged: list[Shape] = [(*output[:-1], output[-1] * 2)]
    elif spec.merge_mode is None:
        merged = [output, output]
    else:
        merged = [output]
    shapes = [*merged, *states, *states]

    forward_name = "forward_" + forward.name.removeprefix("forward_")
    # Keras renames only the copy it makes; a given backward_layer keeps its own name.
    backward_name = (
        backward.name
        if spec.backward_layer is not None
        else "backward_" + backward.name.removeprefix("backward_")
    )
    weights = _prefixed(forward, forward_name) + _prefixed(backward, backward_name)
    if spec.backward_layer is None:

        def formula() -> str:
            return f"2 × {num(forward.params)} = {num(2 * forward.params)} " + _(
                "(each direction: {formula})"
            ).format(formula=forward.formula)
    else:

        def formula() -> str:
            return (
                f"{num(forward.params)} + {num(backward.params)} = "
                f"{num(forward.params + backward.params)}"
            )

    return LayerFacts(
        output_shape=shapes if len(shapes) > 1 else shapes[0],
        weights=weights,
        formula=Deferred(formula),
        inner=replace(forward, name=forward_name),
    )


def _inner(record: LayerRecord) -> LayerRecord:
    """The wrapped layer's record (the forward copy's), which a wrapper's record holds."""
    if record.layer is None:
        raise ValueError(f"{record.name} holds no wrapped layer's record")
    return record.layer


def time_distributed_costs(
    spec: TimeDistributedSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    """The wrapped layer's costs on one time step's slice, once per step."""
    inner = cost_facts(spec.layer, _inner(record), context)
    steps = sample(record.input_shape)[0]
    return CostFacts(
        steps=steps,
        recurrent=inner.recurrent,
        macs=inner.macs * inner.steps,
        bias_adds=inner.bias_adds * inner.steps,
        elementwise=inner.elementwise * inner.steps + inner.elementwise_once,
        saved=inner.saved * inner.steps + inner.saved_once,
        working=elements(record.input_shape) + elements(record.output_shape),
        moved=inner.moved * inner.steps,
        texts=lambda: _each(
            inner.texts(),
            _("per step, the wrapped {type}: ").format(type=spec.layer.type),
            _("per step: "),
        ),
    )


def _each(texts: tuple[str, str, str], mac_prefix: str, prefix: str) -> tuple[str, str, str]:
    mac, flop, saved = texts
    return mac_prefix + mac, prefix + flop, prefix + saved


def bidirectional_costs(
    spec: BidirectionalSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    """Forward plus backward copy; sum/ave/mul merges add one FLOP (ave two) per output."""
    forward = cost_facts(spec.layer, _inner(record), context)
    backward = forward
    if spec.backward_layer is not None:
        backward_record = analyse(spec.backward_layer, record.input_shape, Namer(), 0)
        backward = cost_facts(spec.backward_layer, backward_record, context)
    outputs = record.output_shape
    merged = elements(outputs[0] if isinstance(outputs, list) else outputs)
    merge = {"sum": 1, "mul": 1, "ave": 2}.get(spec.merge_mode or "", 0) * merged
    return CostFacts(
        steps=forward.steps,
        recurrent=forward.recurrent,
        macs=forward.macs + backward.macs,
        bias_adds=forward.bias_adds + backward.bias_adds,
        elementwise=forward.elementwise + backward.elementwise,
        elementwise_once=forward.elementwise_once + backward.elementwise_once + merge,
        saved=forward.saved + backward.saved,
        saved_once=forward.saved_once + backward.saved_once,
        working=forward.working + backward.working,
        moved=forward.moved + backward.moved,
        texts=lambda: _merged(
            _each(forward.texts(), _("forward + backward, each "), _("forward + backward, each ")),
            _("; merge ({mode}) {flops}").format(mode=spec.merge_mode, flops=num(merge))
            if merge
            else "",
        ),
    )


def _merged(texts: tuple[str, str, str], merge: str) -> tuple[str, str, str]:
    mac, flop, saved = texts
    return mac, flop + merge, saved


# Help per editor control (app/argument_help.py), English; the page translates it.
_WRAPPED_TRAINABLE = N_("false freezes the wrapped layer's weights too.")
HELP: dict[str, dict[str, str]] = {
    "TimeDistributed": {
        **layer_help(_WRAPPED_TRAINABLE),
        "layer": N_(
            "The layer applied to every time step (axis 1) with the same weights, as JSON, e.g. "
            '{"type": "Conv2D", "filters": 32, "kernel_size": 3}.'
        ),
    },
    "Bidirectional": {
        **layer_help(_WRAPPED_TRAINABLE),
        "layer": N_(
            "The recurrent layer that runs forwards, as JSON, e.g. "
            '{"type": "LSTM", "units": 64}; a copy runs backwards (twice the parameters).'
        ),
        "merge_mode": N_(
            "How the forward and backward outputs combine: concat doubles the channels; sum, "
            "mul and ave keep them; empty: both are returned, as a list."
        ),
        "backward_layer": N_(
            "Optional: the backward layer, as JSON; empty means a copy of the wrapped layer "
            "running backwards."
        ),
    },
}


FAMILY = LayerFamily(
    name="Wrappers (TimeDistributed, Bidirectional)",
    specs=(
        TimeDistributedSpec,
        BidirectionalSpec,
    ),
    analysers=(((TimeDistributedSpec,), time_distributed), ((BidirectionalSpec,), bidirectional)),
    costs=(
        ((TimeDistributedSpec,), time_distributed_costs),
        ((BidirectionalSpec,), bidirectional_costs),
    ),
    editor=EditorHints(
        primary=frozenset({"merge_mode"}),
        new_by_type={
            "TimeDistributed": {"layer": {"type": "Conv2D", "filters": 32, "kernel_size": 3}},
            "Bidirectional": {"layer": {"type": "LSTM", "units": 64, "return_sequences": True}},
        },
        layer_arguments=frozenset({"layer", "backward_layer"}),
    ),
    help=HELP,
)

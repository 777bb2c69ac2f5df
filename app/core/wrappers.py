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

from app.core.errors import SpecError
from app.core.formula import num
from app.core.records import Deferred, LayerRecord, Shape, WeightRecord
from app.core.registry import LayerFacts, Namer, analyse, analyses
from app.core.shapes import show
from app.core.translation import gettext as _
from app.schema import (
    BidirectionalSpec,
    ConvLSTM1DSpec,
    ConvLSTM2DSpec,
    ConvLSTM3DSpec,
    GRUSpec,
    LayerSpecBase,
    LSTMSpec,
    SimpleRNNSpec,
    TimeDistributedSpec,
)

RECURRENT = (ConvLSTM1DSpec, ConvLSTM2DSpec, ConvLSTM3DSpec, LSTMSpec, GRUSpec, SimpleRNNSpec)


def _wrapped(spec: LayerSpecBase, shape: Shape, namer: Namer, field: str = "layer") -> LayerRecord:
    """The wrapped layer's record; its errors are located inside the wrapper's `field`."""
    try:
        return analyse(spec, shape, namer, index=0)
    except SpecError as error:
        if error.loc[:1] == ("input",):
            raise
        raise error.within(field) from None


@analyses(TimeDistributedSpec)
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


def _check_pair(forward: LayerSpecBase, backward: LayerSpecBase, given: bool) -> None:
    """Keras's `Bidirectional._verify_layer_config`."""
    if forward.go_backwards == backward.go_backwards:  # type: ignore[attr-defined]
        where = ("backward_layer" if given else "layer", "go_backwards")
        raise SpecError(
            where,
            _(
                "the forward and backward layers must differ in go_backwards; received "
                "go_backwards={value} for both (Keras sets the backward copy to true, so leave "
                "the wrapped layer's go_backwards false)"
            ).format(value=forward.go_backwards),  # type: ignore[attr-defined]
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


@analyses(BidirectionalSpec)
def bidirectional(spec: BidirectionalSpec, input_shape: Shape, namer: Namer) -> LayerFacts:
    for field, wrapped in (("layer", spec.layer), ("backward_layer", spec.backward_layer)):
        if wrapped is not None and not isinstance(wrapped, RECURRENT):
            raise SpecError(
                (field, "type"),
                _(
                    "Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN, "
                    "ConvLSTM1D/2D/3D); received {type}"
                ).format(type=wrapped.type),  # type: ignore[attr-defined]
            )
    layer = spec.layer  # its trainable flag freezes both copies (Keras: on forward_layer and
    # backward_layer after construction, since the copies are rebuilt from the layer's config)
    forward = _wrapped(layer, input_shape, namer)
    if spec.backward_layer is None:
        backward_spec = layer.model_copy(update={"go_backwards": True})
        backward = forward
    else:
        backward_spec = spec.backward_layer
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
